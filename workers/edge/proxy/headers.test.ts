import { describe, expect, it } from "vitest";
import {
  decodedResponseHeaders,
  fullPageRequestHeaders,
  LOOP_HEADER,
  originRequestHeaders,
  rewriteLocation,
  wantsPage,
  withoutHopByHop,
} from "./headers.ts";

describe("withoutHopByHop", () => {
  it("drops the standard hop-by-hop headers and the ones Connection names", () => {
    const out = withoutHopByHop(
      new Headers({
        connection: "keep-alive, X-Secret-Hop",
        "keep-alive": "timeout=5",
        "transfer-encoding": "chunked",
        "x-secret-hop": "1",
        "content-type": "text/html",
      }),
    );
    expect([...out.keys()]).toEqual(["content-type"]);
  });
});

describe("originRequestHeaders", () => {
  it("appends the client to X-Forwarded-For and writes Forwarded, without Host or cf- headers", () => {
    const out = originRequestHeaders(
      new Headers({
        host: "shop.example",
        "x-forwarded-for": "10.0.0.1",
        "cf-connecting-ip": "2001:db8::1",
        accept: "text/html",
      }),
      { ip: "2001:db8::1", host: "shop.example", proto: "https" },
    );
    expect(out.get("x-forwarded-for")).toBe("10.0.0.1, 2001:db8::1");
    expect(out.get("forwarded")).toBe('for="[2001:db8::1]";host="shop.example";proto=https');
    expect(out.get("host")).toBeNull();
    expect(out.get("cf-connecting-ip")).toBeNull();
    expect(out.get(LOOP_HEADER)).toBe("1");
    expect(out.get("accept")).toBe("text/html");
  });
});

describe("rewriteLocation", () => {
  const origin = new URL("http://127.0.0.1:3000");
  const publicUrl = new URL("https://shop.example/cart");

  it("moves redirects to the origin's own host onto the public host", () => {
    expect(rewriteLocation("http://127.0.0.1:3000/order/1?x=1", origin, publicUrl)).toBe(
      "https://shop.example/order/1?x=1",
    );
    expect(rewriteLocation("/cart", origin, publicUrl)).toBe("https://shop.example/cart");
  });

  it("leaves redirects to other hosts alone", () => {
    expect(rewriteLocation("https://pay.example/x", origin, publicUrl)).toBe(
      "https://pay.example/x",
    );
  });
});

describe("encodings", () => {
  it("asks the origin only for what the runtime decodes, whatever the visitor accepts", () => {
    const out = originRequestHeaders(new Headers({ "accept-encoding": "zstd, br, gzip" }), {
      ip: null,
      host: "shop.example",
      proto: "https",
    });
    expect(out.get("accept-encoding")).toBe("gzip, br");
  });

  it("drops Content-Encoding and Content-Length of a body fetch decoded, keeps any other", () => {
    for (const encoding of ["gzip", "br", " GZIP "]) {
      const out = decodedResponseHeaders(
        new Headers({ "content-encoding": encoding, "content-length": "83", etag: '"e"' }),
      );
      expect([...out.keys()], encoding).toEqual(["etag"]);
    }
    const zstd = decodedResponseHeaders(
      new Headers({ "content-encoding": "zstd", "content-length": "83" }),
    );
    expect(zstd.get("content-encoding")).toBe("zstd");
    expect(zstd.get("content-length")).toBe("83");
  });
});

describe("fullPageRequestHeaders", () => {
  it("drops validators always, and Range for page requests only", () => {
    const conditional = {
      "if-none-match": '"v1"',
      "if-modified-since": "Tue, 01 Dec 2026 10:00:00 GMT",
      "if-range": '"v1"',
      range: "bytes=0-9",
    };
    const page = fullPageRequestHeaders(new Headers({ ...conditional, accept: "text/html" }));
    expect([...page.keys()]).toEqual(["accept"]);
    const video = fullPageRequestHeaders(
      new Headers({ ...conditional, accept: "*/*", "sec-fetch-dest": "video" }),
    );
    expect([...video.keys()].sort()).toEqual(["accept", "range", "sec-fetch-dest"]);
  });

  it("takes a navigation, a frame, a fetch or a request that says nothing for a page", () => {
    expect(wantsPage(new Headers())).toBe(true);
    expect(wantsPage(new Headers({ "sec-fetch-dest": "document" }))).toBe(true);
    expect(wantsPage(new Headers({ accept: "text/html,application/xhtml+xml" }))).toBe(true);
    expect(wantsPage(new Headers({ "sec-fetch-dest": "image" }))).toBe(false);
    expect(wantsPage(new Headers({ accept: "image/avif,image/webp" }))).toBe(false);
  });
});
