import {
  createExecutionContext,
  runDurableObjectAlarm,
  runInDurableObject,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { consents } from "../../../schema/index.ts";
import demoConfig from "../../../seeds/config/demo-config.json";
import { CONFIG_POINTER, forgetActiveConfig, loadActiveConfig } from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import { inHoldout } from "../decide/index.ts";
import { createPreviewToken } from "../identity/preview-token.ts";
import worker from "../index.ts";
import type { Profile } from "../model/profile.ts";
import { testEvent } from "../model/test-events.ts";
import { settingsOf } from "../settings.ts";
import { fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";
import { publishModel } from "../test-support/fixtures.ts";
import type { VisitorSession } from "../visitor/visitor-session.ts";
import type { ViewRequest } from "./planned-view.ts";
import { profileKey } from "./profile-store.ts";
import { seePage } from "./visit.ts";
import { profile as testProfile } from "../decide/test-fixtures.ts";
import {
  ADMIN,
  BROWSER_UA,
  call,
  consenting,
  demoProductPath,
  SHOP,
  signedCookie,
} from "../test-support/requests.ts";

const demoCss = inject("demoCss");
const SECRET = env.COOKIE_SECRET;

function profile(visitorId: string, extra: Partial<Profile>): Profile {
  return testProfile({ visitorId, updatedAt: Date.now(), valueTier: "none", ...extra });
}

async function publish(config: unknown) {
  const res = await call("/__vitrine/v1/admin/config", {
    method: "POST",
    headers: ADMIN,
    body: JSON.stringify(config),
  });
  forgetActiveConfig();
  return res;
}

/** Each visitor's object builds their profile from what they did (it serves the hot path). */
const did = (visitorId: string, type: "compare" | "promo_click") =>
  env.VISITOR.get(env.VISITOR.idFromName(visitorId)).track(
    visitorId,
    [1, 2, 3].map((i) =>
      testEvent(`${type}-${i}`, type, Date.now() - i * 60_000, {
        sessionId: "earlier",
        data: { productIds: [`p-000${i}`, `p-001${i}`], promoId: `flash-${i}` },
      }),
    ),
  );

const methodicalId = "11111111-aaaa-4aaa-8aaa-111111111111";
const spontaneousId = "22222222-bbbb-4bbb-8bbb-222222222222";
let productPath = "";
let productIdByUrl = new Map<string, string>();

beforeAll(async () => {
  expect(demoCss).toContain(".vt-");
  const published = await publish({ ...demoConfig, styles: demoCss });
  expect(published.status).toBe(201);
  // The merchandising model (rankings + product cards) comes from the cron job, as in production.
  const model = await publishModel();
  productIdByUrl = new Map(Object.values(model.items).map((item) => [item.url, item.id]));
  await did(methodicalId, "compare");
  await did(spontaneousId, "promo_click");
  productPath = await demoProductPath();
});

describe("personalized pages", () => {
  it("gives each buyer mode its own modules, marked with what and why", async () => {
    const a = await call(productPath, { headers: await consenting(methodicalId) });
    const b = await call(productPath, { headers: await consenting(spontaneousId) });
    expect(a.headers.get("x-vitrine")).toBe("personalized");
    expect(a.text).toMatch(
      /data-vt-variant="methodical-trust"[^>]*data-vt-reason="profile\.topMode=methodical/,
    );
    expect(a.text).not.toContain("spontaneous-");
    expect(b.text).toContain('data-vt-variant="spontaneous-offer"');
    expect(b.text).not.toContain("methodical-trust");
    // The shop's own content is all there.
    expect(a.text).toContain("application/ld+json");
    expect(a.text).toMatch(/<\/html>\s*$/);
  });

  it("marks personalized responses private and explains timing", async () => {
    const { headers } = await call(productPath, { headers: await consenting(methodicalId) });
    expect(headers.get("cache-control")).toBe("private, no-store");
    expect(headers.get("etag")).toBeNull();
    const timing = headers.get("server-timing")!;
    // The visitor's own lookups finish after the headers are out.
    for (const part of [
      "origin;dur=",
      "config;dur=",
      'profile;desc="deferred"',
      'session;desc="deferred"',
      'vitrine;desc="personalized"',
    ]) {
      expect(timing).toContain(part);
    }
  });

  it("injects the module stylesheet and the tracker with page context", async () => {
    const { text } = await call(productPath, { headers: await consenting(methodicalId) });
    expect(text).toMatch(
      /<link rel="stylesheet" href="\/__vitrine\/v1\/assets\/modules\.css\?v=\d+" data-vitrine>/,
    );
    expect(text).toMatch(
      /<script src="\/__vitrine\/v1\/assets\/tracker\.js" defer data-vitrine data-page-type="product" data-product-id="p-\d{4}"><\/script><\/head>/,
    );
    const tracker = await call("/__vitrine/v1/assets/tracker.js");
    expect(tracker.headers.get("content-type")).toMatch(/javascript/);
    expect(tracker.text).toContain("sendBeacon");
  });

  it("records the page view in the visitor's journey after the page is sent", async () => {
    const visitorId = "33333333-cccc-4ccc-8ccc-333333333333";
    const sid = await signedCookie("vt_sid", `sess-${visitorId.slice(0, 8)}~${Date.now()}`);
    const { text } = await call(productPath, { headers: await consenting(visitorId, [sid]) });
    const productId = /data-product-id="(p-\d{4})"/.exec(text)![1]!;
    const { session: state } = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).state(
      `sess-${visitorId.slice(0, 8)}`,
      Date.now(),
    );
    expect(state.pageViews).toBe(1);
    expect(state.recentProducts).toEqual([productId]);
  });

  it("records the page view of a visitor who left before the page finished", async () => {
    const visitorId = "77777777-abcd-4abc-8abc-777777777777";
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${SHOP}/bench/large-page?mb=1`, { headers: await consenting(visitorId) }),
      env,
      ctx,
    );
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel("visitor left");
    // Before the fix the visit's waitUntil never settled here (the document's end never came).
    await waitOnExecutionContext(ctx);
    const seen = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).touchpoints();
    expect(seen.map((e) => [e.type, e.path])).toEqual([["page_view", "/bench/large-page?mb=1"]]);
  });
});

/** A new visitor outside the global holdout (who would get no modules at all). */
function freshVisitor(): string {
  let id: string;
  do id = crypto.randomUUID();
  while (inHoldout(id, demoConfig.holdout));
  return id;
}

describe("the page's product", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** A shop page whose JSON-LD names `p-json-ld`, whatever its URL. */
  const pageNaming = () =>
    html(
      '<!doctype html><html><head><script type="application/ld+json">{"@type":"Product","productID":"p-json-ld"}</script></head>' +
        '<body><div id="promo-banner"></div><section id="recommendations"></section></body></html>',
      { headers: { "cache-control": "no-store" } },
    );
  const trackedProduct = (text: string) =>
    /<script src="[^"]*tracker\.js"[^>]*data-product-id="([^"]+)"/.exec(text)?.[1];

  it("comes from the URL when the catalog knows it, else from the page's own JSON-LD", async () => {
    interceptFetch(pageNaming);
    // Analytics only: the tracker names the product, and the page is planned here, not in an object.
    const headers = {
      cookie: await signedCookie("vt_consent", `p0.a1.${Date.now()}`),
      "user-agent": BROWSER_UA,
    };
    // A query of its own: the demo shop's copy of this URL may be in the shared cache.
    const known = await call(`${productPath}?v=json-ld`, { headers }, fakeOriginEnv());
    expect(known.headers.get("x-vitrine")).toBe("request-only");
    expect(trackedProduct(known.text)).toBe(productIdByUrl.get(productPath));
    const unknown = await call("/p/not-in-the-catalog", { headers }, fakeOriginEnv());
    expect(trackedProduct(unknown.text)).toBe("p-json-ld");
  });
});

describe("one call to the visitor's object per page", () => {
  /** The Worker's bindings with every call to a visitor's object written down by method. */
  function watched() {
    const calls: string[] = [];
    const VISITOR = {
      idFromName: (name: string) => env.VISITOR.idFromName(name),
      get: (id: DurableObjectId) => {
        const stub = env.VISITOR.get(id) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return new Proxy(stub, {
          get: (target, method: string) => {
            const fn = target[method]!;
            return (...args: unknown[]) => {
              calls.push(method);
              return fn(...args);
            };
          },
        });
      },
    } as unknown as Env["VISITOR"];
    return { calls, bindings: { ...env, VISITOR } };
  }
  const shownIn = (html: string) =>
    [...html.matchAll(/data-vt-slot="([^"]+)" data-vt-variant="([^"]+)"/g)]
      .map((m) => ({ slot: m[1], variant: m[2] }))
      .sort((a, b) => a.slot!.localeCompare(b.slot!));
  const lastView = async (visitorId: string) => {
    const object = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    const view = (await object.touchpoints()).findLast((e) => e.type === "page_view")!;
    const slots = (view.data.slots as { slot: string; variant: string }[]).toSorted((a, b) =>
      a.slot.localeCompare(b.slot),
    );
    return { view, slots, object };
  };

  /** A methodical visitor their object knows, and the config in this isolate's memory. */
  const returning = async () => {
    const visitorId = freshVisitor();
    await did(visitorId, "compare");
    await call("/faq");
    return visitorId;
  };

  it("plans a returning visitor's page in their object, which records it in the same call", async () => {
    const visitorId = await returning();
    const { calls, bindings } = watched();
    const { text } = await call(productPath, { headers: await consenting(visitorId) }, bindings);
    expect(text).toContain('data-vt-variant="methodical-trust"');
    expect(calls).toEqual(["view"]);
    const { view, slots } = await lastView(visitorId);
    expect(view.path).toBe(productPath);
    expect(view.productId).toMatch(/^p-\d{4}$/);
    expect(slots).toEqual(shownIn(text));
    expect(slots.length).toBeGreaterThan(1);
  });

  it("corrects the record when the page lacked a planned slot's element", async () => {
    const config = structuredClone(demoConfig);
    config.slots["product-extras"].selector = "#not-on-this-page";
    expect((await publish({ ...config, styles: demoCss })).status).toBe(201);
    try {
      const visitorId = await returning();
      const { calls, bindings } = watched();
      const sid = await signedCookie("vt_sid", `sess-ghost~${Date.now()}`);
      const { text } = await call(
        productPath,
        { headers: await consenting(visitorId, [sid]) },
        bindings,
      );
      expect(text).not.toContain("methodical-trust");
      expect(calls).toEqual(["view", "recordView"]);
      const { slots, object } = await lastView(visitorId);
      expect(slots).toEqual(shownIn(text));
      expect(slots.some((s) => s.slot === "product-extras")).toBe(false);
      // Frequency caps count what was shown, not what was planned.
      const { session } = await object.state("sess-ghost", Date.now());
      expect(Object.keys(session.impressions).sort()).toEqual(
        slots.map((s) => `${s.slot}:${s.variant}`).sort(),
      );
    } finally {
      expect((await publish({ ...demoConfig, styles: demoCss })).status).toBe(201);
    }
  });

  /** What the proxy asks a returning visitor's object for a product page. */
  const viewRequest = async (visitorId: string): Promise<ViewRequest> => {
    const active = (await loadActiveConfig(env.CONFIG))!;
    const url = new URL(`${SHOP}${productPath}`);
    const now = Date.now();
    const headers = new Headers({ "user-agent": BROWSER_UA });
    const { page, context } = seePage(url, headers, undefined, false, now, active);
    return {
      visitorId,
      sessionId: "sess-deferred",
      now,
      consentAt: null,
      eventId: crypto.randomUUID(),
      configVersion: active.version,
      context,
      consent: { personalization: true, analytics: true, source: "cookie" },
      pathname: url.pathname,
      productSlug: page.productSlug,
    };
  };
  const storedViews = (state: DurableObjectState) =>
    state.storage.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM touchpoints WHERE type = 'page_view'")
      .one().n;
  /** Inside a returning visitor's object, right after it answered a product page's view. */
  const afterView = async (
    then: (
      object: VisitorSession,
      state: DurableObjectState,
      ctx: {
        req: ViewRequest;
        visitorId: string;
        answer: Awaited<ReturnType<VisitorSession["view"]>>;
      },
    ) => Promise<void>,
  ) => {
    const visitorId = await returning();
    const req = await viewRequest(visitorId);
    await runInDurableObject(
      env.VISITOR.get(env.VISITOR.idFromName(visitorId)),
      async (object: VisitorSession, state) =>
        then(object, state, { req, visitorId, answer: await object.view(req) }),
    );
  };

  it("answers before the page view is written, and every later call sees it", async () => {
    await afterView(async (object, state, { req, answer }) => {
      expect(answer.planned?.slots.size).toBeGreaterThan(1);
      // The output gate would hold the answer until a write before it is durable.
      expect(storedViews(state)).toBe(0);
      const seen = await object.touchpoints();
      expect(seen.filter((e) => e.type === "page_view").map((e) => e.id)).toEqual([req.eventId]);
      const { session } = await object.state(req.sessionId, Date.now());
      expect(session.pageViews).toBe(1);
    });
  });

  it("stores the page view on its own shortly after the answer, with no later call", async () => {
    await afterView(async (_object, state) => {
      await vi.waitFor(() => expect(storedViews(state)).toBe(1), { timeout: 2_000 });
    });
  });

  it("leaves nothing of a page view when the visitor is erased right after it", async () => {
    await afterView(async (object, state, { visitorId }) => {
      expect((await object.erase(visitorId)).status).toBe("erased");
      expect(storedViews(state)).toBe(0);
      expect(await object.touchpoints()).toEqual([]);
    });
  });

  it("keeps the page view but nothing shown when the shop answers with an error", async () => {
    const visitorId = await returning();
    const { calls, bindings } = watched();
    const { status, headers } = await call(
      "/c/no-such-category",
      { headers: await consenting(visitorId) },
      bindings,
    );
    expect(status).toBe(404);
    expect(headers.get("x-vitrine")).toBe("pass");
    expect(calls).toEqual(["view", "recordView"]);
    const { view, slots } = await lastView(visitorId);
    expect(view.path).toBe("/c/no-such-category");
    expect(slots).toEqual([]);
    expect(view.data.exposures).toEqual([]);
  });
});

describe("identity and consent", () => {
  it("gives a consenting newcomer a signed, HttpOnly, Secure, Lax visitor cookie", async () => {
    const { headers } = await call("/", { headers: await consenting() });
    const cookies = headers.getSetCookie();
    const id = cookies.find((c) => c.startsWith("vt_id="));
    expect(id).toMatch(/; Max-Age=34560000; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    expect(cookies.some((c) => c.startsWith("vt_sid="))).toBe(true);
  });

  it("replaces a tampered visitor cookie with a new id", async () => {
    const forged = `vt_id=${encodeURIComponent(`${methodicalId}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`)}`;
    const headers = await consenting();
    const { res, text } = await call(productPath, {
      headers: { ...headers, cookie: `${headers.cookie}; ${forged}` },
    });
    const newId = res.headers.getSetCookie().find((c) => c.startsWith("vt_id="));
    expect(newId).toBeDefined();
    expect(newId).not.toContain(methodicalId);
    // Not the methodical visitor's profile: the forged id bought nothing.
    expect(text).not.toContain("methodical-trust");
  });

  it("stores no identifier without consent, and request-only modules still work", async () => {
    const { headers, text } = await call(productPath, {
      headers: { "user-agent": "Mozilla/5.0 Firefox/130.0" },
    });
    expect(headers.get("x-vitrine")).toBe("request-only");
    expect(headers.getSetCookie()).toEqual([]);
    expect(text).not.toContain("tracker.js");
    expect(text).toContain('data-vt-variant="help-prompt"');
  });

  it("treats Sec-GPC: 1 as no, expiring earlier identifiers", async () => {
    const headers = { ...(await consenting(methodicalId)), "sec-gpc": "1" };
    const { res, text } = await call(productPath, { headers });
    expect(res.headers.get("x-vitrine")).toBe("request-only");
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^vt_id=; Max-Age=0/);
    expect(text).not.toContain("methodical-trust");
  });

  it("re-sets the session cookie only when its activity time is a minute old", async () => {
    const visitorId = "44444444-dddd-4ddd-8ddd-444444444444";
    const session = `sess-${visitorId.slice(0, 8)}`;
    const sessionCookieOf = (res: Response) =>
      res.headers.getSetCookie().find((c) => c.startsWith("vt_sid="));
    const stampedAt = async (ms: number) =>
      consenting(visitorId, [await signedCookie("vt_sid", `${session}~${ms}`)]);

    const fresh = await call(productPath, { headers: await stampedAt(Date.now() - 5_000) });
    expect(fresh.headers.get("x-vitrine")).toBe("personalized");
    expect(fresh.headers.getSetCookie()).toEqual([]);

    const before = Date.now();
    const due = await call(productPath, { headers: await stampedAt(before - 2 * 60_000) });
    const set = decodeURIComponent(sessionCookieOf(due.res)!.split(";")[0]!.slice(7));
    const [id, stamp] = set.slice(0, set.lastIndexOf(".")).split("~");
    // The same session goes on, with the new activity time.
    expect(id).toBe(session);
    expect(Number(stamp)).toBeGreaterThanOrEqual(before);
    // The visitor cookie is only re-set when a session starts.
    expect(due.headers.getSetCookie().some((c) => c.startsWith("vt_id="))).toBe(false);

    // Both page views went into that one session.
    const { session: state } = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).state(
      session,
      Date.now(),
    );
    expect(state.pageViews).toBe(2);
  });

  it("never identifies bots, even with a consent cookie", async () => {
    const headers = {
      ...(await consenting(methodicalId)),
      "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)",
    };
    const { res, text } = await call(productPath, { headers });
    expect(res.headers.get("x-vitrine")).toBe("bot");
    expect(res.headers.getSetCookie().filter((c) => !c.includes("Max-Age=0"))).toEqual([]);
    expect(text).not.toContain("tracker.js");
  });

  it.each([
    ["curl", "curl/8.5.0"],
    ["a headless browser", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/130.0 Safari/537.36"],
    ["no user agent", ""],
  ])("says bot, not personalized, for %s with a consent cookie", async (_, ua) => {
    // Another visitor than the shared ones: a browser's page view below adds to the profile.
    const visitorId = freshVisitor();
    const headers = { ...(await consenting(visitorId)), "user-agent": ua };
    const { res, text } = await call(productPath, { headers });
    expect(res.headers.get("x-vitrine")).toBe("bot");
    expect(res.headers.get("server-timing")).toContain('vitrine;desc="bot"');
    expect(text).not.toContain("tracker.js");
    // The same cookie from a browser is personalized.
    const browser = await call(productPath, { headers: await consenting(visitorId) });
    expect(browser.headers.get("x-vitrine")).toBe("personalized");
  });
});

describe("HEAD", () => {
  // Not one of the shared visitors: a GET's page view adds to the profile.
  const returningId = freshVisitor();
  /** Headers as a client compares them: timings, age and cookie values (fresh ids) aside. */
  function comparable(headers: Headers) {
    const out: Record<string, string> = {};
    for (const [name, value] of headers)
      if (!["server-timing", "date", "age", "set-cookie"].includes(name)) out[name] = value;
    const cookies = headers.getSetCookie().map((c) => c.replace(/=[^;]*/, "=*"));
    return { ...out, "set-cookie": cookies.toSorted().join(" | ") };
  }

  /** Whether the Worker minted an id for this answer that the demo config holds out. */
  function mintedIdHeldOut(headers: Headers): boolean {
    const cookie = headers.getSetCookie().find((c) => c.startsWith("vt_id="));
    const id = cookie && decodeURIComponent(/^vt_id=([^;]*)/.exec(cookie)![1]!).split(".")[0]!;
    return !!id && inHoldout(id, demoConfig.holdout);
  }

  it.each([
    ["an anonymous visitor", async () => ({ "user-agent": BROWSER_UA }), "request-only"],
    ["a consenting visitor", () => consenting(returningId), "personalized"],
    ["a consenting newcomer", () => consenting(), "personalized"],
    ["a bot", async () => ({ "user-agent": "curl/8.5.0" }), "bot"],
  ])("answers %s with the headers GET gives, and no body", async (_, headersOf, mode) => {
    // The shared copy is there for both, as it is for any page visited before.
    await call(productPath, { headers: { "user-agent": BROWSER_UA } });
    // A newcomer gets an id minted by the Worker, and 5% of ids are held out: the pair is
    // asked again until neither id is (each answer's mode follows its own id).
    let get, head;
    do {
      get = await call(productPath, { headers: await headersOf() });
      head = await call(productPath, { method: "HEAD", headers: await headersOf() });
    } while ([get, head].some((r) => mintedIdHeldOut(r.headers)));
    expect(get.headers.get("x-vitrine")).toBe(mode);
    expect(head.status).toBe(get.status);
    expect(comparable(head.headers)).toEqual(comparable(get.headers));
    expect(head.headers.get("cache-control")).toBe("private, no-store");
    expect(head.text).toBe("");
  });

  it("records no page view", async () => {
    const visitorId = freshVisitor();
    const object = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    const views = async () =>
      (await object.touchpoints()).filter((e) => e.type === "page_view").length;
    const head = await call(productPath, { method: "HEAD", headers: await consenting(visitorId) });
    expect(head.headers.get("x-vitrine")).toBe("personalized");
    expect(await views()).toBe(0);
    await call(productPath, { headers: await consenting(visitorId) });
    await vi.waitFor(async () => expect(await views()).toBe(1), { timeout: 2_000 });
  });
});

describe("configuration", () => {
  /** Bindings that count the visitor-data lookups, passing them on to the real ones. */
  function counting() {
    const calls = { profile: 0, session: 0 };
    const bindings: Env = {
      ...env,
      PROFILES: {
        get: (...args: Parameters<KVNamespace["get"]>) => {
          calls.profile++;
          return (env.PROFILES.get as (...a: unknown[]) => unknown)(...args);
        },
      } as unknown as KVNamespace,
      VISITOR: {
        idFromName: (name: string) => env.VISITOR.idFromName(name),
        get: (id: DurableObjectId) => {
          const stub = env.VISITOR.get(id);
          return {
            state: (...args: Parameters<typeof stub.state>) => {
              calls.session++;
              return stub.state(...args);
            },
            track: (...args: Parameters<typeof stub.track>) => stub.track(...args),
          };
        },
      } as unknown as Env["VISITOR"],
    };
    return { calls, bindings };
  }

  it("gives pages their type by the config's URL rules", async () => {
    const rules = [{ pattern: "/p/*", pageType: "search" }, ...demoConfig.pageRules];
    expect((await publish({ ...demoConfig, styles: demoCss, pageRules: rules })).status).toBe(201);
    try {
      const { headers, text } = await call(productPath, {
        headers: await consenting(methodicalId),
      });
      expect(headers.get("x-vitrine")).toBe("personalized");
      expect(text).toContain('data-page-type="search"');
      // Slots that exist only on product pages are not touched on a "search" page.
      expect(text).not.toContain('data-vt-slot="product-badges"');
    } finally {
      expect((await publish({ ...demoConfig, styles: demoCss })).status).toBe(201);
    }
    const { text } = await call(productPath, { headers: await consenting(methodicalId) });
    expect(text).toContain('data-page-type="product"');
  });

  it("looks up no visitor data with the kill switch on", async () => {
    expect((await publish({ ...demoConfig, enabled: false })).status).toBe(201);
    try {
      const { calls, bindings } = counting();
      for (let i = 0; i < 2; i++) {
        const { headers, text } = await call(
          productPath,
          { headers: await consenting(methodicalId) },
          bindings,
        );
        expect(headers.get("x-vitrine")).toBe("off");
        expect(text).not.toContain("data-vt-");
      }
      // The first request after a publish reads the config while the lookups run (they are
      // dropped); once the config is known, nothing is looked up at all.
      expect(calls.profile).toBeLessThanOrEqual(1);
      expect(calls.session).toBeLessThanOrEqual(1);
      const { headers } = await call(
        productPath,
        { headers: await consenting(methodicalId) },
        bindings,
      );
      expect(headers.get("server-timing")).toMatch(/profile;dur=0;desc="skipped"/);
      expect(headers.get("server-timing")).toMatch(/session;dur=0;desc="skipped"/);
    } finally {
      expect((await publish({ ...demoConfig, styles: demoCss })).status).toBe(201);
    }
  });

  it("looks up no profile or session for a visitor in the holdout, but records the visit", async () => {
    let n = 0;
    let visitorId = "";
    do visitorId = `55555555-eeee-4eee-8eee-${String(++n).padStart(12, "0")}`;
    while (!inHoldout(visitorId, demoConfig.holdout));
    const { calls, bindings } = counting();
    await call("/faq", { headers: await consenting(visitorId) }, bindings); // config now known
    const before = { ...calls };
    const { headers } = await call(productPath, { headers: await consenting(visitorId) }, bindings);
    expect(headers.get("x-vitrine")).toBe("holdout");
    expect(calls).toEqual(before);
    expect(headers.get("server-timing")).toMatch(/session;dur=0;desc="skipped"/);
    const seen = await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).touchpoints();
    const view = seen.findLast((e) => e.type === "page_view");
    expect(view?.pageType).toBe("product");
    expect(view?.data).toMatchObject({ exposures: [{ experiment: "__holdout", arm: "holdout" }] });
  });
});

describe("shared cache", () => {
  it("keeps one anonymous copy; personalized HTML never enters it", async () => {
    const path = "/bestsellers?utm_source=test";
    const a = await call(path, { headers: await consenting(methodicalId) });
    const b = await call(path, { headers: await consenting(spontaneousId) });
    expect(a.text).not.toEqual(b.text);
    const cache = await caches.open("vitrine-origin");
    const stored = await cache.match(`${SHOP}/bestsellers`);
    expect(stored).toBeDefined();
    const body = await stored!.text();
    expect(body).toContain('data-page-type="bestsellers"');
    expect(body).not.toMatch(/data-vt-|vitrine\/v1\/assets|spontaneous|methodical/);
  });

  it("serves byte-identical non-HTML responses with their headers", async () => {
    const direct = await fetch(`${env.ORIGIN_URL}/img/p-0001.svg`);
    const directBytes = new Uint8Array(await direct.arrayBuffer());
    const ctx = createExecutionContext();
    const proxied = await worker.fetch(
      new Request(`${SHOP}/img/p-0001.svg`, { headers: await consenting(methodicalId) }),
      env,
      ctx,
    );
    const proxiedBytes = new Uint8Array(await proxied.arrayBuffer());
    await waitOnExecutionContext(ctx);
    expect(proxied.headers.get("content-type")).toBe(direct.headers.get("content-type"));
    expect(proxied.headers.get("x-vitrine")).toBe("pass");
    expect(proxied.headers.getSetCookie()).toEqual([]);
    expect(proxiedBytes).toEqual(directBytes);
    const etag = direct.headers.get("etag")!;
    const notModified = await call("/img/p-0001.svg", { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);
  });
});

describe("safety", () => {
  it("escapes hostile config values in text and attributes", async () => {
    const hostile = structuredClone(demoConfig) as typeof demoConfig & {
      variants: Record<string, unknown>;
    };
    hostile.variants["xss-test"] = {
      slot: "help-prompt",
      priority: 1000,
      template: '<p class="vt-x" title="{{data.msg}}">{{data.msg}}</p>',
      data: { msg: '"><img src=x onerror=alert(1)><script>alert(2)</script>' },
    };
    expect((await publish(hostile)).status).toBe(201);
    try {
      const { text } = await call(productPath);
      const escaped =
        "&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;&lt;script&gt;alert(2)&lt;&#x2F;script&gt;";
      expect(text).toContain(`title="${escaped}">${escaped}</p>`);
      expect(text).not.toContain("<img src=x onerror");
      expect(text).not.toContain("<script>alert(2)");
    } finally {
      expect((await publish({ ...demoConfig, styles: demoCss })).status).toBe(201);
    }
  });

  it("never lets the request choose the origin host (no open proxy)", async () => {
    const evil = await worker.fetch(
      new Request("https://shop.example//evil.example/x"),
      env,
      createExecutionContext(),
    );
    expect(evil.status).toBe(404);
    expect(await evil.text()).toContain("<html");
    const hostTrick = await call("/", {
      headers: { host: "evil.example", "x-forwarded-host": "evil.example" },
    });
    expect(hostTrick.text).toContain('data-page-type="home"');
  });

  it("ignores a forged preview token and honours a signed one", async () => {
    const token = await createPreviewToken(
      "spontaneous-offer",
      Number(await env.CONFIG.get(CONFIG_POINTER)),
      Date.now() + 60_000,
      SECRET,
    );
    // Flip a character inside the signature (the last one may only carry padding bits).
    const at = token.length - 10;
    const forged = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    const bad = await call(`${productPath}?vt_preview=${forged}`);
    expect(bad.text).not.toContain('data-vt-variant="spontaneous-offer"');
    const good = await call(`${productPath}?vt_preview=${token}`);
    expect(good.headers.get("x-vitrine")).toBe("preview");
    expect(good.text).toMatch(/data-vt-variant="spontaneous-offer" data-vt-reason="preview"/);
  });

  it("previews a variant even where its slot is not configured for the page type", async () => {
    const faqOnly = structuredClone(demoConfig);
    faqOnly.slots["help-prompt"].pageTypes = ["faq"];
    expect((await publish({ ...faqOnly, styles: demoCss })).status).toBe(201);
    try {
      const plain = await call(productPath);
      expect(plain.text).not.toContain('data-vt-slot="help-prompt"');
      const token = await createPreviewToken(
        "help-checkout",
        Number(await env.CONFIG.get(CONFIG_POINTER)),
        Date.now() + 60_000,
        SECRET,
      );
      const preview = await call(`${productPath}?vt_preview=${token}`);
      expect(preview.text).toMatch(/data-vt-variant="help-checkout" data-vt-reason="preview"/);
    } finally {
      expect((await publish({ ...demoConfig, styles: demoCss })).status).toBe(201);
    }
  });

  it("refuses admin publishing without the token and explains invalid configs", async () => {
    const none = await call("/__vitrine/v1/admin/config", { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    const bad = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ ...demoConfig, slots: { x: { selector: "", action: "explode" } } }),
    });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.text);
    expect(body.code).toBe("invalid_config");
    expect(body.details.join("\n")).toMatch(/slots\.x\.(selector|action)/);
  });
});

describe("first byte", () => {
  const pageViewsOf = async (visitorId: string) =>
    (await env.VISITOR.get(env.VISITOR.idFromName(visitorId)).touchpoints()).filter(
      (t) => t.type === "page_view",
    ).length;

  /**
   * The visitor's object answers only when `open()` is called: what the Worker sends before
   * then was sent without waiting for visitor data.
   */
  function gatedObject() {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    type Stub = DurableObjectStub<VisitorSession>;
    const gated = (stub: Stub) => ({
      view: async (...args: Parameters<Stub["view"]>) => {
        await opened;
        return stub.view(...args);
      },
      state: async (...args: Parameters<Stub["state"]>) => {
        await opened;
        return stub.state(...args);
      },
      recordView: (...args: Parameters<Stub["recordView"]>) => stub.recordView(...args),
      track: (...args: Parameters<Stub["track"]>) => stub.track(...args),
    });
    const namespace = {
      idFromName: (name: string) => env.VISITOR.idFromName(name),
      get: (id: DurableObjectId) => gated(env.VISITOR.get(id)),
    } as unknown as Env["VISITOR"];
    return { namespace, open };
  }

  it("streams the head before the visitor's object answers, and fills the slots after", async () => {
    const { namespace, open } = gatedObject();
    // A budget far past the test's own steps: the gate, not the deadline, decides here.
    const bindings = { ...env, VISITOR: namespace, PERSONALIZATION_BUDGET_MS: "1000" } as Env;
    // A visitor of their own: this page view must not change the shared fixtures' profiles.
    const visitorId = freshVisitor();
    await did(visitorId, "compare");
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(SHOP + productPath, { headers: await consenting(visitorId) }),
      bindings,
      ctx,
    );
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    expect(res.headers.get("server-timing")).toContain('session;desc="deferred"');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let head = "";
    while (!head.includes("</head>")) {
      const { done, value } = await reader.read();
      if (done) break;
      head += value;
    }
    expect(head).toContain("modules.css");
    expect(head).toMatch(/tracker\.js[^>]*data-product-id="p-\d{4}"><\/script><\/head>/);
    expect(head).not.toContain("data-vt-variant");
    open();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    await waitOnExecutionContext(ctx);
    // The object's answer reached the page: the visitor's own module.
    expect(rest).toContain('data-vt-variant="methodical-trust"');
    expect(rest).not.toMatch(/<img[^>]*data-vitrine/);
  });

  it("leaves out modules and expires the ids of a visitor who withdrew", async () => {
    const visitorId = freshVisitor();
    const before = await consenting(visitorId);
    await call(productPath, { headers: before });
    const off = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { ...before, "content-type": "application/json" },
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(off.status).toBe(200);
    const viewsAtWithdrawal = await pageViewsOf(visitorId);
    // The same cookies replayed: the headers are out before the object says so ...
    const replayed = await call(productPath, { headers: before });
    expect(replayed.text).not.toContain("methodical-trust");
    expect(await pageViewsOf(visitorId)).toBe(viewsAtWithdrawal);
    const expiry = /<img src="(\/__vitrine\/v1\/consent)"[^>]*data-vitrine>/.exec(replayed.text);
    expect(expiry).not.toBeNull();
    // ... so the page has the browser ask, and that answer expires them.
    const asked = await call(expiry![1]!, { headers: before });
    expect(JSON.parse(asked.text)).toMatchObject({ personalization: false });
    expect(
      asked.headers.getSetCookie().filter((c) => /^vt_(id|sid)=; Max-Age=0/.test(c)),
    ).toHaveLength(2);
    // A visitor who did not withdraw keeps theirs.
    const kept = await call(expiry![1]!, { headers: await consenting(methodicalId) });
    expect(kept.headers.getSetCookie()).toEqual([]);
  });
});

describe("fail open", () => {
  const slowKv = (ms: number): KVNamespace =>
    ({ get: () => new Promise((r) => setTimeout(() => r(null), ms)) }) as unknown as KVNamespace;
  const brokenKv = { get: () => Promise.reject(new Error("KV down")) } as unknown as KVNamespace;

  /** A visitor their object has not met yet: only KV's copy knows their profile. */
  async function knownToKvOnly(mode: "methodical") {
    const visitorId = freshVisitor();
    await env.PROFILES.put(
      profileKey(visitorId),
      JSON.stringify(profile(visitorId, { topMode: mode })),
    );
    return visitorId;
  }

  it("keeps a profile KV had before the visitor's object met them", async () => {
    const visitorId = await knownToKvOnly("methodical");
    // The first page reads KV; the object adopts that profile with the page view.
    for (let i = 0; i < 2; i++) {
      const { headers, text } = await call(productPath, { headers: await consenting(visitorId) });
      expect(headers.get("x-vitrine")).toBe("personalized");
      expect(text).toContain('data-vt-variant="methodical-trust"');
    }
  });

  it("follows the visitor's last clicks before KV's copy catches up", async () => {
    const visitorId = freshVisitor();
    const stub = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    await call(productPath, { headers: await consenting(visitorId) });
    // The object's flush writes its profile to KV: one page view names no buyer mode yet.
    await runDurableObjectAlarm(stub);
    const copy = () => env.PROFILES.get<Profile>(profileKey(visitorId), "json");
    expect((await copy())?.topMode).toBeNull();
    const clicks = [1, 2, 3].map((i) =>
      testEvent(`promo-${i}`, "promo_click", Date.now() - i * 1000, {
        sessionId: "now",
        data: { promoId: `flash-${i}` },
      }),
    );
    await stub.track(visitorId, clicks);
    const { text } = await call(productPath, { headers: await consenting(visitorId) });
    expect(text).toContain('data-vt-variant="spontaneous-offer"');
    // KV is rewritten with the next flush, not per click.
    expect((await copy())?.topMode).toBeNull();
  });

  it("serves the page when the profile store is slow, within the budget", async () => {
    const { status, headers, text } = await call(
      productPath,
      { headers: await consenting(await knownToKvOnly("methodical")) },
      { ...env, PROFILES: slowKv(2_000) },
    );
    expect(status).toBe(200);
    expect(headers.get("server-timing")).toMatch(/profile;desc="deferred"/);
    expect(text).not.toContain("methodical-trust");
    expect(text).toContain('data-page-type="product"');
  });

  it("keeps serving with the config it has when the config store fails", async () => {
    forgetActiveConfig();
    const { status, headers, text } = await call(
      productPath,
      { headers: await consenting(methodicalId) },
      { ...env, CONFIG: brokenKv },
    );
    expect(status).toBe(200);
    // The isolate's last good config stays in use (config/config-store.ts).
    expect(headers.get("x-vitrine")).toBe("personalized");
    expect(text).toContain('data-vt-variant="methodical-trust"');
    expect(text).toMatch(/<\/html>\s*$/);
    forgetActiveConfig();
  });

  it("serves the page when the Durable Object is unavailable", async () => {
    const brokenDo = {
      idFromName: () => ({}),
      get: () => ({
        state: () => Promise.reject(new Error("DO down")),
        track: () => Promise.reject(new Error("DO down")),
      }),
    } as unknown as DurableObjectNamespace;
    const { status, headers } = await call(
      productPath,
      { headers: await consenting(methodicalId) },
      { ...env, VISITOR: brokenDo as Env["VISITOR"] },
    );
    expect(status).toBe(200);
    expect(headers.get("server-timing")).toMatch(/session;desc="deferred"/);
    expect(headers.get("x-vitrine")).toBe("personalized");
  });

  it("answers a down origin with a clean 502 JSON reason when nothing is cached", async () => {
    const { status, text } = await call(
      "/faq?nocache=1",
      {},
      { ...env, ORIGIN_URL: "http://127.0.0.1:9" },
    );
    expect(status).toBe(502);
    expect(JSON.parse(text)).toMatchObject({ code: "origin_unavailable" });
  });
});

describe("consent API", () => {
  it("asks undecided visitors, and a form answer sets consent, starts an id and is audited", async () => {
    const page = await call(productPath);
    expect(page.text).toContain('data-vt-variant="consent-banner"');
    const form = new URLSearchParams({ personalization: "1", analytics: "1" });
    const res = await call("/__vitrine/v1/consent", {
      method: "POST",
      body: form,
      headers: {
        referer: `${SHOP}${productPath}`,
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(productPath);
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => /^vt_consent=p1\.a1\.\d+/.test(decodeURIComponent(c)))).toBe(true);
    const idCookie = cookies.find((c) => c.startsWith("vt_id="));
    expect(idCookie).toBeDefined();
    const visitorId = decodeURIComponent(idCookie!.split(";")[0]!.slice("vt_id=".length)).split(
      ".",
    )[0]!;
    const rows = await createDb(settingsOf(env))
      .select()
      .from(consents)
      .where(eq(consents.visitorId, visitorId));
    expect(rows).toMatchObject([{ personalization: true, analytics: true, source: "banner" }]);
  });

  it("rejects a malformed choice with the field named, and withdrawing expires identifiers", async () => {
    const bad = await call("/__vitrine/v1/consent", {
      method: "POST",
      body: JSON.stringify({ personalization: "yes" }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).message).toMatch(/^personalization:/);
    const off = await call("/__vitrine/v1/consent", {
      method: "POST",
      body: JSON.stringify({ personalization: false, analytics: false }),
      headers: await consenting(methodicalId),
    });
    expect(off.status).toBe(200);
    const cookies = off.headers.getSetCookie();
    expect(cookies.filter((c) => /^vt_(id|sid)=; Max-Age=0/.test(c))).toHaveLength(2);
  });
});
