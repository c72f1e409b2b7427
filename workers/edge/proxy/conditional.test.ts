import { describe, expect, it } from "vitest";
import { answerConditional, isNotModified } from "./conditional.ts";

const page = (headers: Record<string, string>) =>
  new Response("<html>page</html>", { headers: { "content-type": "text/html", ...headers } });

describe("isNotModified", () => {
  it("compares entity tags weakly, in a list or as *", () => {
    const res = new Headers({ etag: 'W/"v1"' });
    expect(isNotModified(new Headers({ "if-none-match": '"v1"' }), res)).toBe(true);
    expect(isNotModified(new Headers({ "if-none-match": '"v0", W/"v1"' }), res)).toBe(true);
    expect(isNotModified(new Headers({ "if-none-match": "*" }), res)).toBe(true);
    expect(isNotModified(new Headers({ "if-none-match": '"v2"' }), res)).toBe(false);
    expect(isNotModified(new Headers({ "if-none-match": '"v1"' }), new Headers())).toBe(false);
  });

  it("uses If-Modified-Since only without If-None-Match", () => {
    const res = new Headers({ "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT", etag: '"v1"' });
    const since = "Wed, 02 Dec 2026 10:00:00 GMT";
    expect(isNotModified(new Headers({ "if-modified-since": since }), res)).toBe(true);
    const before = "Mon, 30 Nov 2026 10:00:00 GMT";
    expect(isNotModified(new Headers({ "if-modified-since": before }), res)).toBe(false);
    const both = new Headers({ "if-modified-since": since, "if-none-match": '"v0"' });
    expect(isNotModified(both, res)).toBe(false);
  });
});

describe("answerConditional", () => {
  it("turns a matching 200 into a bodiless 304 with the response's validators", async () => {
    const req = new Request("https://shop.example/", { headers: { "if-none-match": '"v1"' } });
    const res = answerConditional(
      req,
      page({ etag: '"v1"', "cache-control": "public, max-age=60" }),
    );
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe('"v1"');
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("content-type")).toBeNull();
    expect(await res.text()).toBe("");
  });

  it("keeps other statuses and non-matching pages as they are", () => {
    const req = new Request("https://shop.example/", { headers: { "if-none-match": '"v1"' } });
    const notFound = new Response("gone", { status: 404, headers: { etag: '"v1"' } });
    expect(answerConditional(req, notFound)).toBe(notFound);
    const other = page({ etag: '"v2"' });
    expect(answerConditional(req, other)).toBe(other);
  });
});
