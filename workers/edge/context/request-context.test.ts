import { describe, expect, it } from "vitest";
import { buildRequestContext, localHourAt } from "./request-context.ts";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
// 22:30 UTC on 22 Nov 2026 (winter time in Europe).
const NOW = Date.UTC(2026, 10, 22, 22, 30);

describe("buildRequestContext", () => {
  it("combines device, geo, local time, channel and page from the request alone", () => {
    const context = buildRequestContext({
      url: new URL(
        "https://shop.example/p/trail-shoe?utm_medium=cpc&utm_source=google&utm_campaign=winter&color=red",
      ),
      headers: new Headers({ "user-agent": IPHONE, referer: "https://www.google.com/" }),
      cf: { country: "PL", region: "Mazovia", timezone: "Europe/Warsaw" },
      isBot: false,
      now: NOW,
    });
    expect(context).toEqual({
      path: "/p/trail-shoe?utm_medium=cpc&utm_source=google&utm_campaign=winter&color=red",
      query: { utm_medium: "cpc", utm_source: "google", utm_campaign: "winter", color: "red" },
      device: "mobile",
      isBot: false,
      country: "PL",
      region: "Mazovia",
      channel: "paid",
      campaign: "winter",
      referrerHost: "google.com",
      pageType: "product",
      productId: null,
      categoryId: null,
      now: NOW,
      localHour: 23,
    });
  });

  it("uses configured rules and knows nothing it was not told", () => {
    const context = buildRequestContext({
      url: new URL("https://shop.example/collections/boots"),
      headers: new Headers({ "user-agent": CHROME }),
      rules: [{ pattern: "/collections/:categoryId", pageType: "category" }],
      isBot: true,
      now: NOW,
    });
    expect(context).toMatchObject({
      path: "/collections/boots",
      query: {},
      device: "desktop",
      isBot: true,
      country: null,
      region: null,
      channel: "direct",
      campaign: null,
      referrerHost: null,
      pageType: "category",
      categoryId: "boots",
      localHour: 22,
    });
  });

  it("treats Cloudflare's unknown and Tor countries as unknown", () => {
    const ctx = (country: string) =>
      buildRequestContext({
        url: new URL("https://shop.example/"),
        headers: new Headers(),
        cf: { country, region: "" },
        isBot: false,
        now: NOW,
      });
    expect([ctx("XX").country, ctx("T1").country, ctx("de").country]).toEqual([null, null, "DE"]);
    expect(ctx("DE").region).toBeNull();
  });

  it("keeps marketing parameters when the query is capped, and first values only", () => {
    const params = new URLSearchParams();
    for (let i = 0; i < 40; i++) params.append(`f${i}`, String(i));
    params.append("f0", "second");
    params.append("utm_campaign", "kept");
    params.append("gclid", "kept-too");
    params.append("long", "v".repeat(500));
    params.append("__proto__", "x");
    const context = buildRequestContext({
      url: new URL(`https://shop.example/search?${params}`),
      headers: new Headers(),
      isBot: false,
      now: NOW,
    });
    const keys = Object.keys(context.query);
    expect(keys).toHaveLength(32);
    expect(keys.slice(0, 2)).toEqual(["utm_campaign", "gclid"]);
    expect(context.query.f0).toBe("0");
    expect(context.query.long).toBeUndefined();
    expect(Object.getPrototypeOf(context.query)).toBe(Object.prototype);
    expect(context.pageType).toBe("search");
  });

  it("keeps the session's channel for internal navigation (reported as direct)", () => {
    const context = buildRequestContext({
      url: new URL("https://shop.example/cart"),
      headers: new Headers({ referer: "https://shop.example/p/trail-shoe" }),
      isBot: false,
      now: NOW,
    });
    expect([context.channel, context.referrerHost, context.pageType]).toEqual([
      "direct",
      null,
      "cart",
    ]);
  });
});

describe("localHourAt", () => {
  it.each([
    ["Europe/Warsaw", 23],
    ["America/New_York", 17],
    ["Asia/Kolkata", 4],
    ["Pacific/Auckland", 11],
    ["UTC", 22],
    ["Not/AZone", 22],
    ["", 22],
    [null, 22],
    [undefined, 22],
  ])("%s -> %d", (zone, hour) => {
    expect(localHourAt(NOW, zone)).toBe(hour);
  });

  it("follows daylight saving time", () => {
    expect(localHourAt(Date.UTC(2026, 6, 1, 22, 30), "Europe/Warsaw")).toBe(0);
  });
});
