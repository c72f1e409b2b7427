import { describe, expect, it } from "vitest";
import { channelOf } from "./channel.ts";
import { deviceClass } from "./device.ts";
import { parseProductJsonLd } from "./json-ld.ts";
import { matchPage } from "./page-rules.ts";
import { buildRequestContext } from "./request-context.ts";

const UA = {
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
  ipad: "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
  androidPhone:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36",
  androidTablet:
    "Mozilla/5.0 (Linux; Android 14; SM-X910) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
  desktop:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36",
};

describe("deviceClass", () => {
  it.each([
    [{ "user-agent": UA.iphone }, "mobile"],
    [{ "user-agent": UA.ipad }, "tablet"],
    [{ "user-agent": UA.androidPhone }, "mobile"],
    [{ "user-agent": UA.androidTablet }, "tablet"],
    [{ "user-agent": UA.desktop }, "desktop"],
    [{ "user-agent": UA.desktop, "sec-ch-ua-mobile": "?1" }, "mobile"],
    [{ "user-agent": UA.androidPhone, "sec-ch-ua-mobile": "?0" }, "desktop"],
  ])("%j -> %s", (headers, expected) => {
    expect(deviceClass(new Headers(headers))).toBe(expected);
  });
});

describe("channelOf", () => {
  const shop = "https://shop.example";
  it.each([
    ["/?utm_medium=cpc&utm_campaign=spring", null, "paid", "spring"],
    ["/?utm_medium=email&utm_campaign=nl-12", null, "email", "nl-12"],
    ["/?utm_medium=social", null, "social", null],
    ["/?gclid=abc", null, "paid", null],
    ["/", "https://www.google.com/", "search", null],
    ["/", "https://l.facebook.com/l.php", "social", null],
    ["/", "https://mail.google.com/mail/u/0/", "email", null],
    ["/", "https://blog.example.org/post", "referral", null],
    ["/", `${shop}/c/phones`, "direct", null],
    ["/", null, "direct", null],
  ])("%s from %s -> %s", (path, referer, channel, campaign) => {
    const info = channelOf(new URL(path, shop), referer);
    expect([info.channel, info.campaign]).toEqual([channel, campaign]);
  });
});

describe("matchPage", () => {
  it("finds the page type and its parameters", () => {
    expect(matchPage("/p/corvid-apex-3")).toEqual({
      pageType: "product",
      params: { productSlug: "corvid-apex-3" },
    });
    expect(matchPage("/c/phones/")).toEqual({
      pageType: "category",
      params: { categoryId: "phones" },
    });
    expect(matchPage("/")).toEqual({ pageType: "home", params: {} });
    expect(matchPage("/p/a/b").pageType).toBe("other");
    expect(matchPage("/x", [{ pattern: "/x", pageType: "faq" }]).pageType).toBe("faq");
  });
});

describe("parseProductJsonLd", () => {
  it("reads a Product inside @graph with offers as an array", () => {
    const text = JSON.stringify({
      "@context": "https://schema.org",
      "@graph": [
        { "@type": "BreadcrumbList" },
        {
          "@type": "Product",
          productID: "p-0042",
          sku: "SKU-42",
          name: "Trail Shoe",
          brand: { "@type": "Brand", name: "Stride" },
          offers: [
            {
              "@type": "Offer",
              price: "129.90",
              priceCurrency: "EUR",
              availability: "https://schema.org/LimitedAvailability",
            },
          ],
          aggregateRating: { ratingValue: "4.6", reviewCount: 212 },
        },
      ],
    });
    expect(parseProductJsonLd(text)).toEqual([
      {
        productId: "p-0042",
        sku: "SKU-42",
        name: "Trail Shoe",
        brand: "Stride",
        category: null,
        priceCents: 12990,
        currency: "EUR",
        availability: "limited",
        rating: 4.6,
        reviewCount: 212,
      },
    ]);
  });

  it("never throws on broken or oversized input", () => {
    expect(parseProductJsonLd("{ not json")).toEqual([]);
    expect(parseProductJsonLd(`{"@type":"Product","name":"${"x".repeat(70_000)}"}`)).toEqual([]);
    expect(parseProductJsonLd("null")).toEqual([]);
  });
});

describe("buildRequestContext", () => {
  it("combines device, geo, channel and page from the request alone", () => {
    const { context, productSlug } = buildRequestContext({
      url: new URL("https://shop.example/p/trail-shoe?utm_medium=cpc&utm_campaign=x"),
      headers: new Headers({ "user-agent": UA.iphone }),
      cf: { country: "PL", region: "Mazovia", timezone: "Europe/Warsaw" },
      isBot: false,
      now: Date.UTC(2026, 10, 22, 22, 30),
    });
    expect(productSlug).toBe("trail-shoe");
    expect(context).toMatchObject({
      device: "mobile",
      country: "PL",
      region: "Mazovia",
      channel: "paid",
      campaign: "x",
      pageType: "product",
      localHour: 23,
      query: { utm_medium: "cpc", utm_campaign: "x" },
    });
  });
});
