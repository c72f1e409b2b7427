import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { CONFIG_POINTER } from "../config/config-store.ts";
import { createPreviewToken, PREVIEW_MAX_LIFETIME_MS } from "../identity/preview-token.ts";
import worker from "../index.ts";
import { BROWSER_UA, call, consenting, demoProductPath } from "../test-support/requests.ts";
import * as clock from "../clock.ts";
import { FAKE_ORIGIN, fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";
import { publishConfig } from "../test-support/fixtures.ts";

/**
 * What the client controls must not steer the Worker: the Host header never picks a redirect's
 * host; a preview token forces a variant only within its lifetime cap and config version, and
 * never reaches the origin. The decision API refuses other sites and says when it saw a bot.
 */

let productPath = "";

beforeAll(async () => {
  await publishConfig(demoConfig);
  productPath = await demoProductPath();
});

afterEach(() => vi.restoreAllMocks());

/** A request on whatever host the client named (`Host: evil.example` becomes the URL's host). */
async function onHost(url: string, init: RequestInit = {}, bindings: Env = env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, init), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text, headers: res.headers, status: res.status };
}

describe("the Host header never chooses where a redirect goes", () => {
  it("keeps the origin's own redirects on the host the page came from, as a path", async () => {
    interceptFetch((request) => {
      const url = new URL(request.url);
      // An origin redirecting to its own host, and one that builds URLs from X-Forwarded-Host.
      const location =
        url.pathname === "/old"
          ? `${FAKE_ORIGIN}/new?x=1#top`
          : `http://${request.headers.get("x-forwarded-host")}/login`;
      return new Response(null, {
        status: 302,
        headers: { location, "cache-control": "public, max-age=60" },
      });
    });
    for (const [path, expected] of [
      ["/old", "/new?x=1#top"],
      ["/account", "/login"],
    ] as const) {
      const res = await onHost(`http://evil.example${path}`, {}, fakeOriginEnv());
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(expected);
    }
  });

  it("leaves redirects to other sites as the origin sent them", async () => {
    interceptFetch(() => Response.redirect("https://pay.example/checkout", 303));
    const res = await onHost("http://evil.example/pay", {}, fakeOriginEnv());
    expect(res.headers.get("location")).toBe("https://pay.example/checkout");
  });
});

describe("preview tokens", () => {
  const activeVersion = async () => Number(await env.CONFIG.get(CONFIG_POINTER));
  const preview = (token: string) => call(`${productPath}?vt_preview=${token}`);

  it("force their variant only under the config version they were made for", async () => {
    const version = await activeVersion();
    const expires = clock.now() + 3_600_000;
    const good = await preview(
      await createPreviewToken("spontaneous-offer", version, expires, env.COOKIE_SECRET),
    );
    expect(good.headers.get("x-vitrine")).toBe("preview");
    expect(good.headers.get("x-vitrine-preview")).toBeNull();

    const stale = await preview(
      await createPreviewToken("spontaneous-offer", version - 1, expires, env.COOKIE_SECRET),
    );
    expect(stale.headers.get("x-vitrine")).not.toBe("preview");
    expect(stale.text).not.toMatch(/data-vt-reason="preview"/);
    expect(stale.headers.get("x-vitrine-preview")).toBe(
      `refused; config-version; token=${version - 1}; active=${version}`,
    );
  });

  it("refuse a token valid for longer than the cap", async () => {
    const token = await createPreviewToken(
      "spontaneous-offer",
      await activeVersion(),
      clock.now() + PREVIEW_MAX_LIFETIME_MS + 3_600_000,
      env.COOKIE_SECRET,
    );
    const res = await preview(token);
    expect(res.headers.get("x-vitrine")).not.toBe("preview");
    expect(res.headers.get("x-vitrine-preview")).toBe("refused; too-long");
  });

  it("never reach the origin, whether or not the shared copy is used", async () => {
    const { outbound } = interceptFetch(() =>
      html("<html><body>page</body></html>", { headers: { "cache-control": "public, max-age=0" } }),
    );
    const token = await createPreviewToken(
      "spontaneous-offer",
      await activeVersion(),
      clock.now() + 60_000,
      env.COOKIE_SECRET,
    );
    const path = `/p/shoe?color=red&vt_preview=${token}&size=4`;
    // Anonymous (may use the shared copy) and with the shop's own session cookie (bypasses it).
    const callers: Record<string, string>[] = [
      { "user-agent": BROWSER_UA },
      { cookie: "shop_session=abc" },
    ];
    for (const headers of callers) {
      await call(path, { headers }, fakeOriginEnv());
    }
    const toOrigin = outbound.filter((o) => o.url.startsWith(FAKE_ORIGIN));
    expect(toOrigin.length).toBe(2);
    for (const o of toOrigin) {
      expect(o.url).not.toContain("vt_preview");
      expect(o.url).toContain("color=red");
      expect(o.url).toContain("size=4");
    }
  });
});

describe("the decision API", () => {
  const decide = (headers: Record<string, string>) =>
    call("/__vitrine/v1/decide", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ path: productPath }),
    });

  it("refuses another site's posts (they would record page views in the visitor's name)", async () => {
    const visitorId = crypto.randomUUID();
    const res = await decide({ ...(await consenting(visitorId)), origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ code: "cross_site" });
    const same = await decide({ ...(await consenting(visitorId)), origin: "https://shop.example" });
    expect(same.status).toBe(200);
  });

  it("reports a bot as a bot", async () => {
    const res = await decide({ "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)" });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ mode: "bot" });
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
