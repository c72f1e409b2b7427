import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectFormat } from "./detect.ts";
import { amountToMinor, gmcPrice } from "./normalize.ts";
import { parseFeed, UnknownFormatError } from "./parse.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
/** Splits text into chunks of `size` characters, as a network stream would deliver it. */
const chunked = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );
const byId = <T extends { id: string }>(list: T[]) =>
  Object.fromEntries(list.map((p) => [p.id, p]));

describe("prices", () => {
  it("turns decimal amounts into minor units without float drift", () => {
    expect(amountToMinor("0.29", "EUR", "price")).toBe(29);
    expect(amountToMinor("1,299.5", "USD", "price")).toBe(129950);
    expect(amountToMinor("12,99", "EUR", "price")).toBe(1299);
    expect(amountToMinor("1500", "JPY", "price")).toBe(1500);
    expect(gmcPrice("USD 15.00", "price")).toEqual({ cents: 1500, currency: "USD" });
  });

  it("names the field of a price it cannot read", () => {
    expect(() => gmcPrice("15.00", "sale_price")).toThrow(/15.00/);
    expect(() => amountToMinor("12.345", "EUR", "price")).toThrow(/decimals/);
    try {
      gmcPrice("abc EUR", "sale_price");
    } catch (e) {
      expect((e as { field: string }).field).toBe("sale_price");
    }
  });
});

describe("Google Merchant Center TSV", () => {
  it("maps attributes, header spellings and quoted cells, and reports the bad row by line", async () => {
    const feed = await parseFeed(chunked(fixture("gmc.tsv"), 7), "gmc-tsv");
    expect(feed.rows).toBe(3);
    const p = byId(feed.products);
    expect(Object.keys(p)).toEqual(["NW-100", "NW-700"]);
    expect(p["NW-100"]).toMatchObject({
      title: "Ridge Trail Runner",
      url: "https://shop.example/p/ridge-trail-runner",
      priceCents: 9900,
      listPriceCents: 12990,
      currency: "EUR",
      availability: "in_stock",
      imageUrl: "https://cdn.shop.example/nw-100.jpg",
      brand: "Northwind",
      categoryPath: ["Footwear", "Running", "Trail"],
      groupId: null,
    });
    expect(p["NW-700"]).toMatchObject({
      title: "Tent, 2 person",
      listPriceCents: null,
      categoryPath: ["Camping"],
    });
    expect(feed.errors).toEqual([
      {
        line: 3,
        item: 2,
        field: "availability",
        message: '"sometimes" is not one of in_stock, out_of_stock, preorder, backorder',
        id: "NW-300",
      },
    ]);
  });
});

describe("Shopify products.json", () => {
  it("makes one product per Shopify product, priced at its cheapest available variant", async () => {
    const feed = await parseFeed(fixture("shopify-products.json"), "shopify", {
      currency: "USD",
      baseUrl: "https://harbor.example",
    });
    const p = byId(feed.products);
    expect(p["7001"]).toMatchObject({
      title: "Harbor Linen Shirt",
      slug: "harbor-linen-shirt",
      url: "https://harbor.example/products/harbor-linen-shirt",
      priceCents: 6400,
      listPriceCents: 7900,
      currency: "USD",
      availability: "in_stock",
      brand: "Harbor & Co",
      description: "Breezy linen .",
      categoryPath: ["Shirts"],
      sku: "HLS-S",
      variantIds: ["81", "82"],
      imageUrl: "https://cdn.shopify.example/hls.jpg",
    });
    expect(p["7002"]).toMatchObject({
      availability: "out_of_stock",
      categoryPath: [],
      sku: null,
      imageUrl: "",
    });
    expect(feed.errors).toMatchObject([{ line: null, item: 3, field: "variants", id: "7003" }]);
  });
});

describe("WooCommerce Store API", () => {
  it("converts minor units by the shop's decimals and keeps the permalink", async () => {
    const feed = await parseFeed(fixture("woocommerce-products.json"));
    expect(feed.format).toBe("woocommerce");
    const p = byId(feed.products);
    expect(p["31"]).toMatchObject({
      title: "Ceramic Pour-Over",
      slug: "ceramic-pour-over",
      url: "https://woo.example/product/ceramic-pour-over/",
      priceCents: 2400,
      listPriceCents: 2900,
      currency: "GBP",
      availability: "in_stock",
      categoryPath: ["Coffee Gear"],
      sku: "CPO-1",
      description: "Hand glazed.",
    });
    // Shown without decimals by the shop: 120 pounds.
    expect(p["32"]).toMatchObject({
      priceCents: 12000,
      listPriceCents: null,
      availability: "out_of_stock",
    });
    expect(feed.errors).toMatchObject([{ item: 3, field: "prices.price", id: "33" }]);
  });
});

describe("Vitrine's own shape", () => {
  it("reads NDJSON line by line, reporting bad lines by number and field", async () => {
    const feed = await parseFeed(chunked(fixture("products.ndjson"), 5));
    expect(feed.format).toBe("ndjson");
    const p = byId(feed.products);
    expect(p["v-1"]).toMatchObject({
      title: "Desk Lamp",
      priceCents: 4900,
      quantity: 3,
      availability: "in_stock",
      categoryPath: ["Home", "Lighting"],
      extra: { tags: ["lamp"] },
    });
    expect(p["v-3"]).toMatchObject({
      listPriceCents: 1900,
      availability: "backorder",
      slug: "shade",
    });
    expect(feed.errors).toMatchObject([
      { line: 3, item: 2, field: "priceCents", id: "v-2" },
      { line: 5, item: 4, field: "line" },
    ]);
  });

  it("reads a JSON array and names the failing entry by position", async () => {
    const feed = await parseFeed(
      JSON.stringify([
        { id: "a", name: "A", priceCents: 100 },
        { id: "b", name: "B", priceCents: 1.5 },
        { id: "c", name: "C", priceCents: 100, currency: "euro" },
      ]),
    );
    expect(feed.format).toBe("json");
    expect(feed.products.map((p) => p.id)).toEqual(["a"]);
    expect(feed.errors).toMatchObject([
      { line: null, item: 2, field: "priceCents", id: "b" },
      { line: null, item: 3, field: "currency", id: "c" },
    ]);
  });
});

describe("format detection", () => {
  it("tells every format from its first bytes", () => {
    expect(detectFormat('<?xml version="1.0"?><rss>')).toBe("gmc-xml");
    expect(detectFormat("id\ttitle\tprice\n")).toBe("gmc-tsv");
    expect(detectFormat('{"products":[]}')).toBe("shopify");
    expect(detectFormat('{\n  "products": [')).toBe("shopify");
    expect(detectFormat('[{"id":1,"prices":{"price":"1"}}]')).toBe("woocommerce");
    expect(detectFormat('[{"id":"a","priceCents":1}]')).toBe("json");
    expect(detectFormat('{"id":"a","priceCents":1}\n{"id":"b"')).toBe("ndjson");
    expect(detectFormat("hello world")).toBeNull();
  });

  it("refuses a feed it cannot recognise instead of guessing", async () => {
    await expect(parseFeed("just some words")).rejects.toThrow(UnknownFormatError);
  });
});
