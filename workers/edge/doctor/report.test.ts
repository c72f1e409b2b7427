import { describe, expect, it } from "vitest";
import { requestCacheability, responseCacheability } from "../proxy/cache-policy.ts";
import { cacheFindings, charsetOf, compressionFinding } from "./report.ts";

const STALE = { staleWhileRevalidate: 60, staleIfError: 3600 };

describe("doctor findings", () => {
  it("takes the charset from Content-Type, else from <meta>", () => {
    expect(charsetOf('text/html; charset="UTF-8"', "latin1")).toEqual({
      value: "utf-8",
      source: "header",
    });
    expect(charsetOf("text/html", "Windows-1252")).toEqual({
      value: "windows-1252",
      source: "meta",
    });
    expect(charsetOf(null, null)).toEqual({ value: null, source: null });
  });

  it("accepts the encodings the runtime decodes and flags the others", () => {
    expect(compressionFinding(null).ok).toBe(true);
    expect(compressionFinding("br").ok).toBe(true);
    const zstd = compressionFinding("zstd");
    expect(zstd.ok).toBe(false);
    expect(zstd.detail).toMatch(/^zstd: .*unpersonalized/);
  });

  it("puts the cache policy's reasons in words", () => {
    const request = requestCacheability("GET", new Headers({ cookie: "session=1; _ga=x" }));
    const response = responseCacheability(
      200,
      new Headers({ "content-type": "text/html", "cache-control": "public, max-age=120" }),
      STALE,
    );
    const found = cacheFindings(request, response);
    expect(found.request).toEqual({
      ok: false,
      detail:
        "cookie: the request carries a cookie that may change the page (not Vitrine's or analytics')",
    });
    expect(found.response).toEqual({ ok: true, detail: "shared for 120s" });
    const vary = responseCacheability(
      200,
      new Headers({
        "content-type": "text/html",
        vary: "User-Agent",
        "cache-control": "max-age=9",
      }),
      STALE,
    );
    expect(cacheFindings({ cacheable: true }, vary).response.detail).toMatch(/^vary: /);
  });
});
