import { describe, expect, it } from "vitest";
import {
  MAX_DESCRIPTION,
  MAX_NAME,
  productUrlOf,
  readProductPage,
  type PageFacts,
} from "./read-product.ts";

const PAGE = "https://shop.example/p/trail-runner?utm_source=mail";
const facts = (f: Partial<PageFacts>): PageFacts => ({
  jsonLd: [],
  microdata: [],
  canonical: null,
  ...f,
});
const read = (f: Partial<PageFacts>, pageUrl = PAGE) =>
  readProductPage(facts(f), { pageUrl, currency: "EUR" });
const product = (f: Partial<PageFacts>, pageUrl = PAGE) => {
  const r = read(f, pageUrl);
  if ("skipped" in r) throw new Error(`skipped: ${r.skipped}`);
  return r.product;
};

const graphPage = JSON.stringify({
  "@context": "https://schema.org",
  "@graph": [
    { "@type": "WebSite", name: "Shop", url: "https://shop.example/" },
    {
      "@type": "BreadcrumbList",
      itemListElement: [
        { "@type": "ListItem", position: 3, name: "Trail Runner X", item: PAGE },
        { "@type": "ListItem", position: 1, name: "Home", item: "https://shop.example/" },
        {
          "@type": "ListItem",
          position: 2,
          item: { "@id": "https://shop.example/c/shoes", name: "Shoes &amp; Boots" },
        },
      ],
    },
    {
      "@type": ["Product"],
      name: "Trail Runner X",
      sku: "TRX-1",
      gtin13: "4006381333931",
      brand: { "@type": "Brand", name: "Peak" },
      description: "<p>Grippy&nbsp;and light.</p>",
      image: [
        "javascript:alert(1)",
        { "@type": "ImageObject", url: "/img/trx.jpg" },
        "https://cdn.example/trx-2.jpg",
      ],
      aggregateRating: { ratingValue: "9", bestRating: "10", reviewCount: "12" },
      offers: {
        "@type": "AggregateOffer",
        lowPrice: "89.90",
        highPrice: "129.00",
        priceCurrency: "eur",
        offers: [
          { "@type": "Offer", price: "129.00", availability: "https://schema.org/OutOfStock" },
          {
            "@type": "Offer",
            price: 89.9,
            availability: "http://schema.org/InStock",
            priceSpecification: [
              { "@type": "UnitPriceSpecification", price: 89.9 },
              {
                "@type": "UnitPriceSpecification",
                priceType: "https://schema.org/StrikethroughPrice",
                price: "119.90",
              },
            ],
          },
        ],
      },
    },
    { "@type": "Product", name: "Someone else's product", sku: "OTHER", offers: { price: 1 } },
  ],
});

describe("readProductPage: JSON-LD", () => {
  it("reads a Product in @graph: offers, cheapest price, availability, image, brand, breadcrumb", () => {
    expect(product({ jsonLd: ['{"@type":"Organization"}', graphPage] })).toEqual({
      id: "TRX-1",
      title: "Trail Runner X",
      url: "https://shop.example/p/trail-runner",
      slug: null,
      sku: "TRX-1",
      priceCents: 8990,
      listPriceCents: 11990,
      currency: "EUR",
      availability: "in_stock",
      quantity: null,
      imageUrl: "https://shop.example/img/trx.jpg",
      brand: "Peak",
      description: "Grippy and light.",
      categoryPath: ["Shoes & Boots"],
      categoryId: null,
      groupId: null,
      variantIds: [],
      extra: { rating: 4.5, reviewCount: 12 },
    });
  });

  it("prefers productID, reads a ProductGroup's variants and falls back to the config currency", () => {
    const group = {
      "@context": "https://schema.org/",
      "@type": "ProductGroup",
      productGroupID: "TEE",
      name: "Tee",
      brand: "Plain Co",
      category: "Apparel > Tops",
      hasVariant: [
        {
          "@type": "Product",
          sku: "TEE-S",
          image: "https://cdn.example/tee.jpg",
          offers: { "@type": "Offer", price: "20,00", availability: "OutOfStock" },
        },
        {
          "@type": "Product",
          sku: "TEE-M",
          offers: { "@type": "Offer", price: "25", availability: "schema:PreOrder" },
        },
      ],
    };
    expect(product({ jsonLd: [JSON.stringify(group)] })).toMatchObject({
      id: "TEE",
      priceCents: 2000,
      currency: "EUR",
      availability: "preorder",
      imageUrl: "https://cdn.example/tee.jpg",
      brand: "Plain Co",
      categoryPath: ["Apparel", "Tops"],
      variantIds: ["TEE-S", "TEE-M"],
    });
    const byProductId = {
      "@type": "Product",
      productID: "P-9",
      sku: "S-9",
      name: "N",
      offers: { price: 5 },
    };
    expect(product({ jsonLd: [JSON.stringify(byProductId)] })).toMatchObject({
      id: "P-9",
      sku: "S-9",
      availability: "in_stock",
    });
  });

  it("uses the page's URL as id without sku or productID, and the canonical link on the same host", () => {
    const bare = JSON.stringify({
      "@type": "Product",
      name: "Bare",
      offers: { price: "350", priceCurrency: "JPY" },
    });
    expect(product({ jsonLd: [bare], canonical: "/p/bare-canonical#x" })).toMatchObject({
      id: "https://shop.example/p/bare-canonical",
      url: "https://shop.example/p/bare-canonical",
      currency: "JPY",
    });
    expect(productUrlOf("https://evil.example/p/other", PAGE)).toBe(
      "https://shop.example/p/trail-runner",
    );
    expect(productUrlOf("javascript:alert(1)", PAGE)).toBe("https://shop.example/p/trail-runner");
  });

  it("reads blocks wrapped in CDATA, and skips pages without a usable product", () => {
    const wrapped = `//<![CDATA[\n{"@type":"Product","name":"W","offers":{"price":"1"}}\n//]]>`;
    expect(product({ jsonLd: [wrapped] }).title).toBe("W");
    expect(read({ jsonLd: ["{not json"] })).toEqual({
      skipped: "no schema.org Product on the page",
    });
    expect(read({ jsonLd: ['{"@type":"Product","offers":{"price":1}}'] })).toEqual({
      skipped: "the Product has no name",
    });
    expect(read({ jsonLd: ['{"@type":"Product","name":"x","offers":{"price":"-5"}}'] })).toEqual({
      skipped: "the Product has no offer with a readable price",
    });
  });
});

describe("readProductPage: microdata", () => {
  it("reads a Product item with nested Offer and Brand, and a BreadcrumbList item", () => {
    const microdata = [
      {
        "@type": "https://schema.org/BreadcrumbList",
        itemListElement: [
          {
            "@type": "https://schema.org/ListItem",
            item: "https://shop.example/",
            name: "Home",
            position: "1",
          },
          {
            "@type": "https://schema.org/ListItem",
            item: "/c/garden",
            name: "Garden",
            position: "2",
          },
          {
            "@type": "https://schema.org/ListItem",
            item: "/c/garden/tools",
            name: " Tools ",
            position: "3",
          },
        ],
      },
      {
        "@type": "https://schema.org/Product",
        name: "  Spade\n Pro ",
        sku: "SP-1",
        image: "https://shop.example/spade.png",
        brand: { "@type": "https://schema.org/Brand", name: "Dig" },
        offers: {
          "@type": "https://schema.org/Offer",
          price: "1.299,00",
          priceCurrency: "EUR",
          availability: "https://schema.org/BackOrder",
        },
      },
    ];
    expect(product({ microdata })).toMatchObject({
      id: "SP-1",
      title: "Spade Pro",
      priceCents: 129900,
      availability: "backorder",
      brand: "Dig",
      imageUrl: "https://shop.example/spade.png",
      categoryPath: ["Garden", "Tools"],
    });
  });

  it("takes the JSON-LD product over a microdata one", () => {
    const microdata = [
      { "@type": "https://schema.org/Product", name: "Micro", offers: { price: "2" } },
    ];
    expect(product({ microdata, jsonLd: [graphPage] }).title).toBe("Trail Runner X");
  });
});

describe("readProductPage: hostile pages", () => {
  it("bounds texts, drops non-http images and ids too long to be ids", () => {
    const hostile = {
      "@type": "Product",
      name: "N".repeat(10_000),
      description: "<script>x</script>" + "d".repeat(20_000),
      sku: "s".repeat(5000),
      brand: ["", { name: "B".repeat(1000) }],
      image: [
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "ftp://x/y.png",
        { url: "vbscript:x" },
      ],
      offers: [
        { price: "1e400" },
        { price: { nested: true } },
        { price: "12.345" },
        { price: "7.00" },
      ],
    };
    const p = product({ jsonLd: [JSON.stringify(hostile)] });
    expect(p.title).toHaveLength(MAX_NAME);
    expect(p.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(p.brand).toHaveLength(MAX_NAME);
    expect(p.imageUrl).toBe("");
    expect(p.sku).toBeNull();
    expect(p.id).toBe("https://shop.example/p/trail-runner");
    expect(p.priceCents).toBe(700);
  });

  it("looks at only the first images and ignores deep nesting and oversize blocks", () => {
    const images = [
      ...Array.from({ length: 20 }, () => "mailto:x"),
      "https://cdn.example/late.jpg",
    ];
    const late = { "@type": "Product", name: "L", image: images, offers: { price: 1 } };
    expect(product({ jsonLd: [JSON.stringify(late)] }).imageUrl).toBe("");
    let deep: object = { "@type": "Product", name: "Deep", offers: { price: 1 } };
    for (let i = 0; i < 50; i++) deep = { "@graph": [deep] };
    expect(read({ jsonLd: [JSON.stringify(deep)] })).toEqual({
      skipped: "no schema.org Product on the page",
    });
    const big = JSON.stringify({
      "@type": "Product",
      name: "Big",
      pad: "x".repeat(70_000),
      offers: { price: 1 },
    });
    expect(read({ jsonLd: [big] })).toEqual({ skipped: "no schema.org Product on the page" });
  });

  it("refuses a currency that is not a code", () => {
    const odd = { "@type": "Product", name: "O", offers: [{ price: 1, priceCurrency: "dollars" }] };
    expect(read({ jsonLd: [JSON.stringify(odd)] })).toEqual({
      skipped: "the Product has no offer with a readable price",
    });
  });
});
