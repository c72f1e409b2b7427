import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { forgetMerchModel } from "../catalog/model-store.ts";
import { CONFIG_POINTER, configKey, forgetActiveConfig } from "../config/config-store.ts";
import worker from "../index.ts";
import { profileKey } from "../personalize/profile-store.ts";
import { call, consenting, demoProductPath } from "../test-support/requests.ts";
import {
  controlledBody,
  fakeOriginEnv,
  html,
  interceptFetch,
  shopPage,
  sleep,
  within,
} from "../test-support/fake-origin.ts";
import {
  configWith,
  profileOf,
  publishConfig,
  publishModel,
  putModel,
  putProfile,
  stubOf,
} from "../test-support/fixtures.ts";

/**
 * Fault injection at the system edge (origin, KV, Durable Object): whatever fails, the visitor
 * gets the shop's page, and nothing already stored is lost. Turso outages are in
 * turso-outage.faults.worker.test.ts (they need the fault proxy).
 */

const CONFIG = configWith(
  {
    banner: { selector: "#promo-banner", action: "replace" },
    recs: { selector: "#recommendations", action: "replace" },
  },
  {
    "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon">for all</p>' },
    "session-banner": {
      slot: "banner",
      priority: 5,
      when: { field: "session.journeyStage", op: "exists" },
      template: '<p class="t-session">stage {{visitor.stage}}</p>',
    },
    "known-banner": {
      slot: "banner",
      priority: 10,
      when: { field: "profile.topMode", op: "exists" },
      template: '<p class="t-known">mode {{visitor.mode}}</p>',
    },
    "top-recs": {
      slot: "recs",
      items: { source: "bestsellers", limit: 3 },
      template: '<ol class="t-recs">{{#items}}<li>{{id}}</li>{{/items}}</ol>',
    },
  },
);

const known = "fault-known-visitor-0001";
/**
 * The known visitor's browser. Their Durable Object rewrites the KV profile from their own
 * page views a couple of seconds after each one (it is the profile's single writer), so the
 * methodical profile these tests rely on is put back before each request.
 */
async function asKnown() {
  await putProfile(profileOf(known, { topMode: "methodical" }));
  return consenting(known);
}
let goodVersion = 0;
let productPath = "";

beforeAll(async () => {
  goodVersion = await publishConfig(CONFIG);
  await publishModel();
  await putProfile(profileOf(known, { topMode: "methodical" }));
  productPath = await demoProductPath();
});

/** A product page of the demo shop (the real origin). */
const pathForProduct = () => productPath;

afterEach(() => {
  vi.restoreAllMocks();
});

/** A unique path per test, so shared-cache entries never cross tests. */
const pathFor = (name: string) => `/fault/${name}-${crypto.randomUUID().slice(0, 8)}`;

/** The origin's own cache policy for pages that may be reused when it fails. */
const SHORT_LIVED = "public, max-age=1, stale-while-revalidate=0, stale-if-error=600";

describe("origin faults", () => {
  it("serves the shared anonymous copy when the origin is down (stale-if-error), personalized on top", async () => {
    const path = pathFor("down");
    let up = true;
    interceptFetch(() => {
      if (!up) throw new TypeError("Network connection lost.");
      return html(shopPage("M-down"), { headers: { "cache-control": SHORT_LIVED } });
    });
    const first = await call(path, {}, fakeOriginEnv());
    expect(first.status).toBe(200);
    // Past max-age: only usable when the origin fails.
    await sleep(1100);
    up = false;
    const res = await call(path, { headers: await asKnown() }, fakeOriginEnv());
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toContain('desc="stale-if-error"');
    expect(res.text).toContain("M-down heading");
    expect(res.text).toContain("M-down footer");
    expect(res.text).toContain('class="t-known"');
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("uses the stale copy when the origin answers 5xx, and passes a 5xx through (unstored) when there is none", async () => {
    const stalePath = pathFor("stale-5xx");
    const freshPath = pathFor("no-copy-5xx");
    let failing = false;
    interceptFetch((req) => {
      if (failing)
        return html("<html><body>origin says 503</body></html>", {
          status: 503,
          headers: { "retry-after": "30" },
        });
      const marker = req.url.includes("stale-5xx") ? "M-stale" : "M-fresh";
      return html(shopPage(marker), { headers: { "cache-control": SHORT_LIVED } });
    });
    await call(stalePath, {}, fakeOriginEnv());
    await sleep(1100);
    failing = true;
    const stale = await call(stalePath, {}, fakeOriginEnv());
    expect(stale.status).toBe(200);
    expect(stale.text).toContain("M-stale heading");
    expect(stale.headers.get("server-timing")).toContain('desc="stale-if-error"');

    const passed = await call(freshPath, { headers: await asKnown() }, fakeOriginEnv());
    expect(passed.status).toBe(503);
    expect(passed.text).toContain("origin says 503");
    expect(passed.headers.get("x-vitrine")).toBe("pass");
    // The error page was not kept: once the origin recovers, the next visitor gets the page.
    failing = false;
    const recovered = await call(freshPath, {}, fakeOriginEnv());
    expect(recovered.status).toBe(200);
    expect(recovered.text).toContain("M-fresh heading");
  });

  it("answers an unreachable origin with a clean 502 JSON for pages, form posts and known visitors", async () => {
    interceptFetch(() => {
      throw new TypeError("connect ECONNREFUSED");
    });
    const requests: [string, RequestInit][] = [
      [pathFor("gone"), {}],
      [pathFor("gone-known"), { headers: await asKnown() }],
      [pathFor("gone-post"), { method: "POST", body: "a=1" }],
      [pathFor("gone-head"), { method: "HEAD" }],
    ];
    for (const [path, init] of requests) {
      const res = await call(path, init, fakeOriginEnv());
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(502);
      expect(res.headers.get("cache-control")).toBe("no-store");
      if (init.method !== "HEAD") {
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        expect(JSON.parse(res.text)).toMatchObject({ code: "origin_unavailable" });
      }
      expect(res.text).not.toContain("t-known");
    }
  });

  it("still personalizes a page from a slow origin, complete", async () => {
    interceptFetch(async () => {
      await sleep(300);
      return html(shopPage("M-slow"), { headers: { "cache-control": "no-store" } });
    });
    const res = await call(pathFor("slow"), { headers: await asKnown() }, fakeOriginEnv());
    expect(res.status).toBe(200);
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    expect(res.text).toContain('class="t-known"');
    expect(res.text).toMatch(/M-slow footer<\/footer><\/body><\/html>$/);
  });

  it("streams what the origin has sent before the origin has sent the rest", async () => {
    const body = controlledBody();
    interceptFetch(
      () =>
        new Response(body.stream, {
          headers: { "content-type": "text/html", "cache-control": "no-store" },
        }),
    );
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://shop.example${pathFor("trickle")}`, {
        headers: await consenting(known),
      }),
      fakeOriginEnv(),
      ctx,
    );
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    body.push("<!doctype html><html><head><title>M-trickle title</title></head><body><main>");
    body.push("<p>M-trickle early</p>");
    let seen = "";
    // The origin has not finished: the visitor must still get the start of the page.
    while (!seen.includes("M-trickle early")) {
      const { value, done } = await within(5000, reader.read(), "first bytes");
      if (done) break;
      seen += value;
    }
    expect(seen).toContain("<title>M-trickle title</title>");
    body.push('<header id="promo-banner">M-trickle banner</header><p>M-trickle late</p>');
    body.push("</main></body></html>");
    body.end();
    for (;;) {
      const { value, done } = await within(5000, reader.read(), "rest of the page");
      if (done) break;
      seen += value;
    }
    await waitOnExecutionContext(ctx);
    expect(seen).toContain("M-trickle late");
    expect(seen).toContain('class="t-known"');
  });

  /** An origin that answers until `hang` is set, then never sends headers until aborted. */
  function hangingOrigin(page: () => Response) {
    const state = { hang: false, aborted: 0 };
    interceptFetch(
      (req) =>
        new Promise<Response>((resolve, reject) => {
          req.signal.addEventListener("abort", () => {
            state.aborted++;
            reject(new DOMException("aborted", "AbortError"));
          });
          if (!state.hang) resolve(page());
        }),
    );
    return state;
  }

  it("answers from the stale copy when the origin hangs past the origin timeout", async () => {
    const path = pathFor("hang");
    const origin = hangingOrigin(() =>
      html(shopPage("M-hang"), { headers: { "cache-control": SHORT_LIVED } }),
    );
    await call(path, {}, fakeOriginEnv());
    await sleep(1100);
    origin.hang = true;
    const bindings = fakeOriginEnv({ ORIGIN_TIMEOUT_MS: "300" });
    const res = await within(3000, call(path, {}, bindings), "hung origin");
    expect(res.status).toBe(200);
    expect(res.text).toContain("M-hang heading");
    expect(res.headers.get("server-timing")).toContain('desc="stale-if-error"');
    // The subrequest was given up, not left open.
    expect(origin.aborted).toBe(1);
  });

  it("answers a hung origin with a clean 504 JSON when there is no copy, for pages, assets and form posts", async () => {
    const origin = hangingOrigin(() => html(shopPage("M-never")));
    origin.hang = true;
    const bindings = fakeOriginEnv({ ORIGIN_TIMEOUT_MS: "300" });
    const requests: [string, RequestInit][] = [
      [pathFor("hang-none"), {}],
      [pathFor("hang-known"), { headers: await asKnown() }],
      [pathFor("hang-post"), { method: "POST", body: "a=1" }],
      [pathFor("hang-image") + ".png", { headers: { accept: "image/png" } }],
    ];
    for (const [path, init] of requests) {
      const what = `${init.method ?? "GET"} ${path}`;
      const res = await within(3000, call(path, init, bindings), what);
      expect(res.status, what).toBe(504);
      expect(res.headers.get("cache-control"), what).toBe("no-store");
      expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
      expect(JSON.parse(res.text), what).toMatchObject({ code: "origin_timeout" });
    }
    expect(origin.aborted).toBe(requests.length);
  });

  it("never stores a page whose origin connection broke mid-body", async () => {
    const path = pathFor("broken-body");
    let broken = true;
    interceptFetch(() => {
      if (!broken)
        return html(shopPage("M-whole"), { headers: { "cache-control": "public, max-age=60" } });
      const body = controlledBody();
      body.push("<!doctype html><html><head><title>M-part</title></head><body><main>M-part start");
      setTimeout(() => body.fail(new Error("connection reset")), 20);
      return new Response(body.stream, {
        headers: { "content-type": "text/html", "cache-control": "public, max-age=60" },
      });
    });
    const ctx = createExecutionContext();
    const cut = await worker.fetch(
      new Request(`https://shop.example${path}`),
      fakeOriginEnv(),
      ctx,
    );
    await expect(cut.text()).rejects.toThrow("connection reset");
    await waitOnExecutionContext(ctx);
    broken = false;
    const next = await call(path, {}, fakeOriginEnv());
    expect(next.status).toBe(200);
    expect(next.text).toContain("M-whole footer");
    const stored = await (await caches.open("vitrine-origin")).match(`https://shop.example${path}`);
    expect(await stored?.text()).not.toContain("M-part");
  });
});

describe("KV faults", () => {
  /** Well past the 50 ms budget. */
  const SLOW_MS = 300;
  const slowKv = (inner: KVNamespace, ms: number) =>
    ({
      get: (...args: Parameters<KVNamespace["get"]>) =>
        sleep(ms).then(() => (inner.get as (...a: unknown[]) => Promise<unknown>)(...args)),
    }) as unknown as KVNamespace;
  const failingKv = {
    get: () => Promise.reject(new Error("KV unavailable")),
  } as unknown as KVNamespace;

  it("serves the page without the profile when the profile store throws", async () => {
    // A visitor their object has not met: KV is where their profile would come from.
    const visitorId = crypto.randomUUID();
    await putProfile(profileOf(visitorId, { topMode: "methodical" }));
    const warned = vi.spyOn(console, "warn");
    const res = await call(
      pathForProduct(),
      { headers: await consenting(visitorId) },
      {
        ...env,
        PROFILES: failingKv,
      },
    );
    expect(res.status).toBe(200);
    expect(warned.mock.calls.flat().join("\n")).toMatch(/visitor profile lookup failed.*error/);
    warned.mockRestore();
    expect(res.text).not.toContain('class="t-known"');
    // Everything that needs no profile is still there.
    expect(res.text).toContain('class="t-session"');
    expect(res.text).toContain('class="t-recs"');
  });

  it("serves the shop's page when the config store is slow", async () => {
    forgetActiveConfig();
    const res = await call(
      pathForProduct(),
      { headers: await asKnown() },
      {
        ...env,
        CONFIG: slowKv(env.CONFIG, SLOW_MS),
      },
    );
    // Concurrent requests share the slow read (stampede guard): let it finish before going on.
    await sleep(SLOW_MS);
    forgetActiveConfig();
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toMatch(/config;dur=\d+;desc="timeout"/);
    expect(res.text).toContain('data-page-type="product"');
    expect(res.text).toMatch(/<\/html>\s*$/);
  });

  it("keeps the last good config when the config store throws", async () => {
    await call(pathForProduct(), { headers: await asKnown() });
    forgetActiveConfig();
    const res = await call(
      pathForProduct(),
      { headers: await asKnown() },
      {
        ...env,
        CONFIG: failingKv,
      },
    );
    forgetActiveConfig();
    expect(res.status).toBe(200);
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    expect(res.text).toContain('class="t-known"');
  });

  it("adopts a new config once a failed read of it succeeds (a read error is not a bad config)", async () => {
    await call(pathForProduct(), { headers: await asKnown() });
    const next = await publishConfig({
      ...CONFIG,
      variants: {
        ...CONFIG.variants,
        "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon-2">v2</p>' },
      },
    });
    const flaky = {
      get: (key: string, type?: "json") =>
        key === configKey(next)
          ? Promise.reject(new Error("KV read timed out"))
          : env.CONFIG.get(key, type as "json"),
    } as unknown as KVNamespace;
    try {
      const during = await call(pathForProduct(), {}, { ...env, CONFIG: flaky });
      expect(during.status).toBe(200);
      forgetActiveConfig();
      const after = await call(pathForProduct(), {});
      expect(after.text).toContain('class="t-anon-2"');
    } finally {
      await publishConfig(CONFIG);
    }
  });

  it("keeps the last good config when the active one in KV is malformed", async () => {
    await call(pathForProduct(), { headers: await asKnown() });
    const bad: [string, string | null][] = [
      ["9001", "{ not json"],
      [
        "9002",
        JSON.stringify({ ...CONFIG, slots: { banner: { selector: "", action: "explode" } } }),
      ],
      ["9003", null],
      ["not-a-number", null],
    ];
    try {
      for (const [pointer, value] of bad) {
        if (value !== null) await env.CONFIG.put(configKey(Number(pointer)), value);
        await env.CONFIG.put(CONFIG_POINTER, pointer);
        forgetActiveConfig();
        const res = await call(pathForProduct(), { headers: await asKnown() });
        expect(res.status, `pointer ${pointer}`).toBe(200);
        expect(res.headers.get("x-vitrine"), `pointer ${pointer}`).toBe("personalized");
        expect(res.text, `pointer ${pointer}`).toContain('class="t-known"');
      }
    } finally {
      await env.CONFIG.put(CONFIG_POINTER, String(goodVersion));
      forgetActiveConfig();
    }
  });

  it("skips product modules but keeps the rest when the model store is slow", async () => {
    forgetMerchModel();
    const res = await call(
      pathForProduct(),
      { headers: await asKnown() },
      {
        ...env,
        MODELS: slowKv(env.MODELS, SLOW_MS),
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("server-timing")).toMatch(/model;dur=\d+;desc="timeout"/);
    expect(res.text).not.toContain('class="t-recs"');
    expect(res.text).toContain('class="t-known"');
    await sleep(SLOW_MS);
  });

  it("keeps the model it has when the model store throws", async () => {
    const before = await call(pathForProduct(), {});
    const recs = /<ol class="t-recs">.*?<\/ol>/.exec(before.text)?.[0];
    expect(recs).toMatch(/<li>p-\d{4}<\/li>/);
    forgetMerchModel();
    const res = await call(pathForProduct(), {}, { ...env, MODELS: failingKv });
    expect(res.status).toBe(200);
    expect(/<ol class="t-recs">.*?<\/ol>/.exec(res.text)?.[0]).toBe(recs);
  });

  it("keeps the last good model when a malformed one is published", async () => {
    await publishModel();
    const good = await call(pathForProduct(), {});
    const goodRecs = /<ol class="t-recs">.*?<\/ol>/.exec(good.text)?.[0];
    expect(goodRecs).toMatch(/<li>p-\d{4}<\/li>/);
    for (const [version, value] of [
      ["broken-json", "{ not json"],
      ["broken-shape", JSON.stringify({ items: "nope" })],
    ] as const) {
      await putModel(version, value);
      const res = await call(pathForProduct(), {});
      expect(res.status, version).toBe(200);
      expect(/<ol class="t-recs">.*?<\/ol>/.exec(res.text)?.[0], version).toBe(goodRecs);
    }
    await publishModel();
  });

  it("serves the page when a profile in KV is malformed", async () => {
    const odd = "fault-odd-profile-0001";
    const shapes = [
      "{ not json",
      JSON.stringify({ v: 1, visitorId: odd, topMode: 42, segments: "x", buyerModes: null }),
      JSON.stringify({ v: 1, visitorId: odd, segments: [{}], categoryAffinity: [1, 2] }),
      JSON.stringify([1, 2, 3]),
    ];
    for (const shape of shapes) {
      await env.PROFILES.put(profileKey(odd), shape);
      const res = await call(pathForProduct(), { headers: await consenting(odd) });
      expect(res.status, shape).toBe(200);
      expect(res.text, shape).toContain('data-page-type="product"');
      expect(res.text, shape).toMatch(/<\/html>\s*$/);
    }
  });
});

describe("Durable Object faults", () => {
  it("serves the page within the budget when the visitor's object hangs", async () => {
    const hangingDo = {
      idFromName: (name: string) => env.VISITOR.idFromName(name),
      get: () => ({
        state: () => new Promise(() => undefined),
        view: () => new Promise(() => undefined),
        track: () => Promise.resolve({ accepted: 1, duplicates: 0 }),
        recordView: () => Promise.resolve(),
      }),
    } as unknown as Env["VISITOR"];
    const warned = vi.spyOn(console, "warn");
    const res = await call(
      pathForProduct(),
      { headers: await asKnown() },
      {
        ...env,
        VISITOR: hangingDo,
      },
    );
    expect(res.status).toBe(200);
    // The headers left before the object's answer was due; the miss is logged.
    expect(res.headers.get("server-timing")).toMatch(/session;desc="deferred"/);
    expect(warned.mock.calls.flat().join("\n")).toMatch(/visitor session lookup failed.*timeout/);
    warned.mockRestore();
    expect(res.text).toContain('class="t-known"');
  });

  it("refuses events with a 5xx JSON while the object is down, and a retry after stores each once", async () => {
    const visitorId = crypto.randomUUID();
    const headers = { ...(await consenting(visitorId)), "content-type": "application/json" };
    const body = JSON.stringify({
      events: ["d1", "d2", "d3"].map((id) => ({
        id,
        type: "product_view",
        productId: "p-0001",
      })),
    });
    const downDo = {
      idFromName: (name: string) => env.VISITOR.idFromName(name),
      get: () => ({ ingest: () => Promise.reject(new Error("Durable Object reset")) }),
    } as unknown as Env["VISITOR"];
    const down = await call(
      "/__vitrine/v1/events",
      { method: "POST", headers, body },
      {
        ...env,
        VISITOR: downDo,
      },
    );
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(down.text)).toHaveProperty("code");
    expect(down.headers.get("cache-control")).toBe("no-store");
    const retry = await call("/__vitrine/v1/events", { method: "POST", headers, body });
    expect(JSON.parse(retry.text)).toMatchObject({ stored: true, accepted: 3, duplicates: 0 });
    const again = await call("/__vitrine/v1/events", { method: "POST", headers, body });
    expect(JSON.parse(again.text)).toMatchObject({ accepted: 0, duplicates: 3 });
    expect((await stubOf(visitorId).touchpoints()).map((t) => t.id)).toEqual(["d1", "d2", "d3"]);
  });
});
