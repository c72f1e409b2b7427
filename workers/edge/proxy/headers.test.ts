import { describe, expect, it } from "vitest";
import { LOOP_HEADER, originRequestHeaders, rewriteLocation, withoutHopByHop } from "./headers.ts";

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
