import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../index.ts";
import { BROWSER_UA, SHOP, call } from "../test-support/requests.ts";
import { FAKE_ORIGIN, fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";

/**
 * Vitrine must never be an open proxy: whatever the request target, Host or encoding, the
 * Worker only ever fetches the configured origin, and never follows the origin's redirects.
 * Values that reach response headers cannot smuggle in new headers (CR/LF).
 */

afterEach(() => {
  vi.restoreAllMocks();
});

/** One request exactly as given (the URL may carry another host than the shop's). */
async function raw(url: string, init: RequestInit = {}, bindings: Env = env) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, init), bindings, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text, status: res.status, headers: res.headers };
}

const tursoOrigin = new URL(env.TURSO_URL).origin;
const originOf = (url: string) => new URL(url).origin;

describe("no open proxy, no SSRF", () => {
  const targets = [
    `${SHOP}//evil.example/x`,
    `${SHOP}/\\evil.example/x`,
    `${SHOP}/%2F%2Fevil.example/x`,
    `${SHOP}/%5C%5Cevil.example/x`,
    `${SHOP}/http://evil.example/x`,
    `${SHOP}/https:%2F%2Fevil.example/x`,
    `${SHOP}/@evil.example/x`,
    `${SHOP}/;@evil.example/x`,
    `${SHOP}/.evil.example/x`,
    `${SHOP}/..%2F..%2F..%2Fevil.example`,
    `${SHOP}/%00evil.example`,
    `${SHOP}/%0d%0aHost:%20evil.example/`,
    `${SHOP}/x?url=http://evil.example/&next=//evil.example&redirect_uri=https://evil.example`,
    // Absolute-form targets and Host values naming other places, as the runtime would present them.
    "http://evil.example/x",
    "https://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:8080/v2/pipeline",
    "https://shop.example:8443/x",
  ];

  it.each(targets)("%s: only the configured origin is fetched", async (target) => {
    const { outbound } = interceptFetch();
    for (const method of ["GET", "POST"]) {
      const init: RequestInit = {
        method,
        headers: {
          host: "evil.example",
          "x-forwarded-host": "evil.example",
          "user-agent": BROWSER_UA,
        },
        body: method === "POST" ? "a=1" : undefined,
      };
      const res = await raw(target, init);
      expect(res.status, `${method} ${target}`).toBeLessThan(600);
    }
    const shop = originOf(env.ORIGIN_URL);
    const elsewhere = outbound.filter((r) => ![shop, tursoOrigin].includes(originOf(r.url)));
    expect(elsewhere.map((r) => r.url)).toEqual([]);
    expect(outbound.filter((r) => originOf(r.url) === shop).length).toBeGreaterThanOrEqual(1);
  });

  it("sends the path as a path on the origin, not as a new host", async () => {
    const { outbound } = interceptFetch();
    await raw(`${SHOP}//evil.example/x?y=1`);
    const sent = outbound.find((r) => originOf(r.url) === originOf(env.ORIGIN_URL))!;
    expect(new URL(sent.url).pathname).toBe("//evil.example/x");
    expect(sent.headers.get("host")).toBeNull();
  });

  type Redirect = [location: string, expected: string];
  const redirects: Redirect[] = [
    // The origin's own host becomes a path on the public host (never the request's Host).
    [`${FAKE_ORIGIN}/next?a=1`, "/next?a=1"],
    ["/next", "/next"],
    ["//origin.test/next", "/next"],
    // Browsers read `/\` as `//`: another site, so it is left exactly as the origin sent it.
    ["/\\evil.example/", "/\\evil.example/"],
    // Off-site redirects are the shop's own decision (payment providers...): passed, not followed.
    ["https://evil.example/pay", "https://evil.example/pay"],
    [`http://origin.test@evil.example/`, `http://origin.test@evil.example/`],
    [
      "https://evil.example/%0d%0aSet-Cookie:%20x=1",
      "https://evil.example/%0d%0aSet-Cookie:%20x=1",
    ],
  ];

  it.each(redirects)(
    "an origin redirect to %s is passed on as %s, never followed",
    async (location, expected) => {
      const { outbound } = interceptFetch(
        () => new Response(null, { status: 302, headers: { location } }),
      );
      for (const method of ["GET", "POST"]) {
        const res = await call(
          `/go-${crypto.randomUUID().slice(0, 6)}`,
          { method, body: method === "POST" ? "x" : undefined },
          fakeOriginEnv(),
        );
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toBe(expected);
      }
      expect(
        outbound.filter((r) => originOf(r.url) !== tursoOrigin).map((r) => originOf(r.url)),
      ).toEqual([FAKE_ORIGIN, FAKE_ORIGIN]);
    },
  );
});

/** No header value can carry a line break, and none of the injected names appear. */
function expectCleanHeaders(headers: Headers, where: string) {
  for (const [name, value] of headers) {
    expect(value, `${where}: ${name}`).not.toMatch(/[\r\n]/);
    expect(name, where).not.toMatch(/injected|evil/i);
  }
  for (const cookie of headers.getSetCookie()) {
    expect(cookie, where).toMatch(/^(vt_id|vt_sid|vt_consent)=/);
  }
}

describe("header injection", () => {
  const crlf = "%0d%0aSet-Cookie:%20evil=1%0d%0aX-Injected:%201";

  it("query parameters never reach response headers raw", async () => {
    for (const path of [
      `/?q=${crlf}`,
      `/faq?utm_campaign=${crlf}&utm_source=${crlf}`,
      `/?vt_preview=${crlf}`,
      `/search?q=${crlf}`,
      `/__vitrine/v1/assets/modules.css?v=${crlf}`,
      `/__vitrine/v1/nope${crlf}`,
    ]) {
      const res = await call(path, { headers: { "user-agent": BROWSER_UA } });
      expect(res.status, path).toBeLessThan(500);
      expectCleanHeaders(res.headers, path);
    }
  });

  it("cookie values with encoded line breaks are rejected, not echoed", async () => {
    const cookie = [
      `vt_consent=p1.a1.${Date.now()}${crlf}`,
      `vt_id=abcdefgh1234${crlf}.sig`,
      `vt_sid=s${crlf}~1`,
    ].join("; ");
    for (const path of ["/", "/__vitrine/v1/consent"]) {
      const res = await call(path, { headers: { cookie, "user-agent": BROWSER_UA } });
      expect(res.status, path).toBe(200);
      expectCleanHeaders(res.headers, path);
    }
    const events = await call("/__vitrine/v1/events", {
      method: "POST",
      headers: { cookie, "user-agent": BROWSER_UA },
      body: JSON.stringify({ events: [{ id: "h1", type: "search", data: { query: "q" } }] }),
    });
    expect(events.status).toBe(202);
    expectCleanHeaders(events.headers, "events");
  });

  it("the consent form sends the visitor back to a same-site path only", async () => {
    for (const referer of [
      `${SHOP}/p/x?${crlf}`,
      `${SHOP}/p/x%0d%0aX-Injected:%201`,
      "https://evil.example/phish",
      "//evil.example/phish",
      `${SHOP}//evil.example/`,
      "javascript:alert(1)",
    ]) {
      const res = await call("/__vitrine/v1/consent", {
        method: "POST",
        body: new URLSearchParams({ personalization: "1", analytics: "0" }),
        headers: { referer, "content-type": "application/x-www-form-urlencoded" },
      });
      expect(res.status, referer).toBe(303);
      expectCleanHeaders(res.headers, referer);
      const location = res.headers.get("location")!;
      expect(location, referer).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, SHOP).host, referer).toBe("shop.example");
    }
  });

  it("an origin Location with encoded line breaks stays encoded", async () => {
    interceptFetch(
      () => new Response(null, { status: 301, headers: { location: `/next${crlf}` } }),
    );
    const res = await call("/moved", {}, fakeOriginEnv());
    expect(res.status).toBe(301);
    expectCleanHeaders(res.headers, "location");
    expect(res.headers.get("location")).toBe(`/next${crlf}`);
  });

  it("a hostile request id never breaks the JSON error envelope", async () => {
    const res = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { "cf-ray": '"}, "x": "injected' },
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({
      code: "invalid_consent",
      requestId: '"}, "x": "injected',
    });
    expectCleanHeaders(res.headers, "error");
  });

  it("page responses keep the origin's own headers and add only Vitrine's", async () => {
    interceptFetch(() =>
      html("<html><head></head><body><p>x</p></body></html>", {
        headers: { "cache-control": "no-store", "x-shop": "1" },
      }),
    );
    const res = await call(
      `/plain?${crlf}`,
      { headers: { "user-agent": BROWSER_UA } },
      fakeOriginEnv(),
    );
    expectCleanHeaders(res.headers, "page");
    expect(res.headers.get("x-shop")).toBe("1");
  });
});
