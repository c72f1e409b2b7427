import { describe, expect, it } from "vitest";
import {
  cacheState,
  normalizedCacheUrl,
  requestCacheability,
  responseCacheability,
} from "./cache-policy.ts";

const defaults = { staleWhileRevalidate: 30, staleIfError: 3600 };
const html = (extra: Record<string, string> = {}) =>
  new Headers({
    "content-type": "text/html; charset=utf-8",
    "cache-control": "public, max-age=60",
    ...extra,
  });

describe("normalizedCacheUrl", () => {
  it("drops marketing parameters and sorts the rest, so one page is one entry", () => {
    const a = normalizedCacheUrl(
      new URL("https://s.example/c/x?utm_source=n&sort=price&gclid=1&b=2#top"),
    );
    const b = normalizedCacheUrl(new URL("https://s.example/c/x?b=2&fbclid=zz&sort=price"));
    expect(a.toString()).toBe("https://s.example/c/x?b=2&sort=price");
    expect(b.toString()).toBe(a.toString());
  });
});

describe("requestCacheability", () => {
  it("allows anonymous GETs with only neutral cookies", () => {
    const headers = new Headers({ cookie: "vt_id=abc.sig; _ga=GA1.2; _ga_ABC123=x" });
    expect(requestCacheability("GET", headers)).toEqual({ cacheable: true });
  });

  it.each([
    ["POST", {}, "method"],
    ["GET", { authorization: "Bearer x" }, "authorization"],
    ["GET", { cookie: "vt_id=1; shop_session=secret" }, "cookie"],
    ["GET", { "cache-control": "no-cache" }, "request-no-cache"],
  ])("bypasses the shared copy for %s %j", (method, headers, reason) => {
    expect(requestCacheability(method, new Headers(headers))).toEqual({ cacheable: false, reason });
  });
});

describe("responseCacheability", () => {
  it("takes s-maxage over max-age and the origin's stale directives over defaults", () => {
    const r = responseCacheability(
      200,
      html({ "cache-control": "public, max-age=10, s-maxage=120, stale-while-revalidate=5" }),
      defaults,
    );
    expect(r).toEqual({ cacheable: true, ttl: 120, staleWhileRevalidate: 5, staleIfError: 3600 });
  });

  it.each([
    [200, { "set-cookie": "a=b" }, "set-cookie"],
    [200, { "cache-control": "private, max-age=60" }, "private"],
    [200, { "cache-control": "no-store" }, "no-store"],
    [200, { "cache-control": "public" }, "no-ttl"],
    [200, { vary: "Accept-Encoding, Cookie" }, "vary"],
    [200, { "content-type": "application/json" }, "not-html"],
    [404, {}, "status"],
  ])("never shares a %i response with %j", (status, extra, reason) => {
    expect(responseCacheability(status, html(extra), defaults)).toEqual({
      cacheable: false,
      reason,
    });
  });
});

describe("cacheState", () => {
  const f = { ttl: 60, staleWhileRevalidate: 30, staleIfError: 600 };
  it.each([
    [59_999, "fresh"],
    [60_000, "stale"],
    [89_999, "stale"],
    [90_000, "error-only"],
    [660_000, "expired"],
  ])("after %i ms is %s", (age, state) => {
    expect(cacheState(1_000_000, f, 1_000_000 + age)).toBe(state);
  });
});
