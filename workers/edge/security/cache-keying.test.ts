import { describe, expect, it } from "vitest";
import {
  normalizedCacheUrl,
  requestCacheability,
  responseCacheability,
} from "../proxy/cache-policy.ts";

/** The unit-level rules behind cache-poisoning.worker.test.ts. */
describe("what may use the shared copy", () => {
  it.each([
    "X-Original-URL",
    "X-Rewrite-URL",
    "X-Host",
    "X-Original-Host",
    "X-Forwarded-Server",
    "X-Forwarded-Port",
    "X-Forwarded-Scheme",
    "X-Forwarded-Ssl",
    "X-Forwarded-Prefix",
    "X-HTTP-Method-Override",
    "X-HTTP-Method",
    "X-Method-Override",
  ])("a request carrying %s bypasses it", (name) => {
    expect(requestCacheability("GET", new Headers({ [name]: "/admin" }))).toEqual({
      cacheable: false,
      reason: "override-header",
    });
  });

  it("headers Vitrine replaces itself do not make a request bypass it", () => {
    const headers = new Headers({
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "http",
      forwarded: "host=evil.example",
    });
    expect(requestCacheability("GET", headers)).toEqual({ cacheable: true });
  });

  const page = (vary: string) =>
    new Headers({ "content-type": "text/html", "cache-control": "public, max-age=60", vary });
  const defaults = { staleWhileRevalidate: 0, staleIfError: 0 };

  it.each(["Accept-Language", "User-Agent", "Origin", "accept-encoding, Accept", "*"])(
    "a page that varies on %s is not shared",
    (vary) => {
      expect(responseCacheability(200, page(vary), defaults)).toEqual({
        cacheable: false,
        reason: "vary",
      });
    },
  );

  it.each(["Accept-Encoding", "accept-encoding", ""])("a page that varies on %j is", (vary) => {
    expect(responseCacheability(200, page(vary), defaults)).toMatchObject({ cacheable: true });
  });
});

describe("the shared key", () => {
  it.each(["//evil.example/x", "/\\evil.example/x", "///evil.example"])(
    "keeps %s a path on the public host",
    (path) => {
      const key = normalizedCacheUrl(new URL(`https://shop.example${path}?b=2&utm_source=x&a=1`));
      expect(key.host).toBe("shop.example");
      expect(key.pathname).toBe(new URL(`https://shop.example${path}`).pathname);
      expect(key.search).toBe("?a=1&b=2");
    },
  );
});
