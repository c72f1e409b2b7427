import { describe, expect, it } from "vitest";
import {
  JsonLdCollector,
  MAX_JSON_LD_BLOCKS,
  MAX_JSON_LD_CHARS,
  parseProductJsonLd,
  type ProductJsonLd,
} from "./json-ld.ts";

const EMPTY: ProductJsonLd = {
  productId: null,
  sku: null,
  name: null,
  brand: null,
  category: null,
  priceCents: null,
  currency: null,
  availability: null,
  rating: null,
  reviewCount: null,
};

/** What the demo shop emits (seeds/shop/json-ld.ts). */
const demo = {
  "@context": "https://schema.org",
  "@type": "Product",
  name: "Corvid Apex 3",
  sku: "CA-3",
  productID: "p-0042",
  brand: { "@type": "Brand", name: "Corvid" },
  category: "Phones",
  offers: {
    "@type": "Offer",
    price: "499.00",
    priceCurrency: "EUR",
    availability: "https://schema.org/InStock",
  },
  aggregateRating: { "@type": "AggregateRating", ratingValue: 4.4, reviewCount: 87 },
};
const DEMO: ProductJsonLd = {
  productId: "p-0042",
  sku: "CA-3",
  name: "Corvid Apex 3",
  brand: "Corvid",
  category: "Phones",
  priceCents: 49900,
  currency: "EUR",
  availability: "in_stock",
  rating: 4.4,
  reviewCount: 87,
};

describe("parseProductJsonLd", () => {
  it("reads a plain Product", () => {
    expect(parseProductJsonLd(JSON.stringify(demo))).toEqual(DEMO);
  });

  it("finds the Product inside @graph, after other nodes", () => {
    const text = JSON.stringify({
      "@context": "https://schema.org",
      "@graph": [{ "@type": "BreadcrumbList", itemListElement: [] }, { "@type": "WebSite" }, demo],
    });
    expect(parseProductJsonLd(text)).toEqual(DEMO);
  });

  it("finds it in a top-level array, with @type as an array or full IRI", () => {
    const text = JSON.stringify([
      { "@type": "Organization", name: "Shop" },
      { ...demo, "@type": ["http://schema.org/Product", "Thing"] },
    ]);
    expect(parseProductJsonLd(text)).toEqual(DEMO);
  });

  it("finds it as a page's mainEntity", () => {
    const text = JSON.stringify({ "@type": "ItemPage", mainEntity: demo });
    expect(parseProductJsonLd(text)).toEqual(DEMO);
  });

  it("takes the lowest price of several offers, in stock if any offer is", () => {
    const text = JSON.stringify({
      "@type": "Product",
      sku: "SKU-9",
      offers: [
        { "@type": "Offer", price: 59.9, priceCurrency: "usd", availability: "OutOfStock" },
        {
          "@type": "Offer",
          price: "49.50",
          priceCurrency: "USD",
          availability: "http://schema.org/InStock",
        },
        { "@type": "Offer", priceCurrency: "USD" },
      ],
    });
    expect(parseProductJsonLd(text)).toEqual({
      ...EMPTY,
      productId: "SKU-9",
      sku: "SKU-9",
      priceCents: 4950,
      currency: "USD",
      availability: "in_stock",
    });
  });

  it("reads an AggregateOffer's lowPrice", () => {
    const text = JSON.stringify({
      "@type": "Product",
      name: "Trail Shoe",
      offers: {
        "@type": "AggregateOffer",
        lowPrice: "89.00",
        highPrice: "129.00",
        priceCurrency: "EUR",
        offerCount: 3,
        availability: "https://schema.org/LimitedAvailability",
      },
    });
    expect(parseProductJsonLd(text)).toMatchObject({
      name: "Trail Shoe",
      priceCents: 8900,
      currency: "EUR",
      availability: "limited",
    });
  });

  it.each([
    [129.9, 12990],
    ["129.90", 12990],
    ["129,90", 12990],
    ["1,299.00", 129900],
    ["1.299,00", 129900],
    ["1,299", 129900],
    ["€ 19.99", 1999],
    ["0", 0],
    ["-5", null],
    ["free", null],
    [null, null],
    [true, null],
  ])("price %j -> %j cents", (price, cents) => {
    const text = JSON.stringify({ "@type": "Product", offers: { price } });
    expect(parseProductJsonLd(text)?.priceCents).toBe(cents);
  });

  it("reads priceSpecification when there is no price", () => {
    const text = JSON.stringify({
      "@type": "Product",
      offers: { priceSpecification: { price: 15, priceCurrency: "GBP" } },
    });
    expect(parseProductJsonLd(text)).toMatchObject({ priceCents: 1500, currency: "GBP" });
  });

  it.each([
    ["https://schema.org/InStock", "in_stock"],
    ["http://schema.org/OnlineOnly", "in_stock"],
    ["schema:LimitedAvailability", "limited"],
    ["OutOfStock", "out_of_stock"],
    ["https://schema.org/SoldOut", "out_of_stock"],
    ["https://schema.org/Discontinued", "out_of_stock"],
    ["https://schema.org/PreOrder", "out_of_stock"],
    ["https://schema.org/BackOrder", "out_of_stock"],
    ["maybe", null],
  ])("availability %s -> %s", (availability, expected) => {
    const text = JSON.stringify({ "@type": "Product", offers: { availability } });
    expect(parseProductJsonLd(text)?.availability).toBe(expected);
  });

  it("reads brand and category as strings, objects or arrays; ids as numbers", () => {
    const text = JSON.stringify({
      "@type": "Product",
      productID: 1234,
      brand: [{ "@type": "Brand", name: "  Stride " }],
      category: ["Shoes > Trail", "Sport"],
    });
    expect(parseProductJsonLd(text)).toMatchObject({
      productId: "1234",
      brand: "Stride",
      category: "Shoes > Trail",
    });
    expect(parseProductJsonLd(JSON.stringify({ "@type": "Product", brand: "Acme" }))?.brand).toBe(
      "Acme",
    );
  });

  it("rescales ratings to five stars and rejects impossible ones", () => {
    const rated = (aggregateRating: unknown) =>
      parseProductJsonLd(JSON.stringify({ "@type": "Product", aggregateRating }));
    expect(rated({ ratingValue: "8.6", bestRating: "10", ratingCount: "12" })).toMatchObject({
      rating: 4.3,
      reviewCount: 12,
    });
    expect(rated({ ratingValue: 4.6, reviewCount: "212" })).toMatchObject({
      rating: 4.6,
      reviewCount: 212,
    });
    expect(rated({ ratingValue: 7, reviewCount: -1 })).toMatchObject({
      rating: null,
      reviewCount: null,
    });
  });

  it("tolerates raw newlines in strings and CDATA wrappers", () => {
    const raw = `{"@type":"Product","name":"Two\nlines","sku":"S1"}`;
    expect(parseProductJsonLd(raw)).toMatchObject({ name: "Two lines", sku: "S1" });
    const cdata = `//<![CDATA[\n${JSON.stringify(demo)}\n//]]>`;
    expect(parseProductJsonLd(cdata)).toEqual(DEMO);
  });

  it.each([
    ["broken JSON", `{"@type":"Product","name":`],
    ["not JSON", "<p>hello</p>"],
    ["empty", ""],
    ["null", "null"],
    ["a number", "42"],
    ["no Product", JSON.stringify({ "@type": "Organization", name: "Shop" })],
    ["Product type in a name only", JSON.stringify({ "@type": "Thing", name: "Product" })],
    ["deeply nested", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["oversize", JSON.stringify({ ...demo, description: "x".repeat(MAX_JSON_LD_CHARS) })],
  ])("%s -> null, never throws", (_name, text) => {
    expect(parseProductJsonLd(text)).toBeNull();
  });
});

describe("JsonLdCollector", () => {
  const text = JSON.stringify(demo);

  it("reassembles chunks split anywhere, including inside multi-byte characters' strings", () => {
    const collector = new JsonLdCollector();
    const withUnicode = JSON.stringify({ ...demo, name: "Café Crème ☕" });
    for (let i = 0; i < withUnicode.length; i += 7)
      collector.push(withUnicode.slice(i, i + 7), false);
    collector.push("", true);
    expect(collector.products()).toEqual([{ ...DEMO, name: "Café Crème ☕" }]);
  });

  it("keeps products from several blocks in page order and skips broken ones", () => {
    const collector = new JsonLdCollector();
    collector.push(JSON.stringify({ "@type": "Organization" }), true);
    collector.push(`{"@type":"Product",`, false);
    collector.push(`"sku":"A"}`, true);
    collector.push("{ broken", true);
    collector.push(text, true);
    expect(collector.products().map((p) => p.productId)).toEqual(["A", "p-0042"]);
  });

  it("skips an oversize block without buffering it, then reads the next one", () => {
    const collector = new JsonLdCollector();
    const chunk = "x".repeat(16 * 1024);
    collector.push(`{"@type":"Product","sku":"BIG","description":"`, false);
    for (let i = 0; i < 8; i++) collector.push(chunk, false);
    expect(collector.pendingChars).toBe(0);
    collector.push(`"}`, true);
    collector.push(text, true);
    expect(collector.products()).toEqual([DEMO]);
  });

  it("reads at most MAX_JSON_LD_BLOCKS blocks per page", () => {
    const collector = new JsonLdCollector();
    for (let i = 0; i < MAX_JSON_LD_BLOCKS + 4; i++) {
      collector.push(JSON.stringify({ "@type": "Product", sku: `S${i}` }), true);
    }
    expect(collector.products()).toHaveLength(MAX_JSON_LD_BLOCKS);
    expect(collector.products().at(-1)?.sku).toBe(`S${MAX_JSON_LD_BLOCKS - 1}`);
  });

  it("returns a copy", () => {
    const collector = new JsonLdCollector();
    collector.push(text, true);
    collector.products().pop();
    expect(collector.products()).toHaveLength(1);
  });
});
