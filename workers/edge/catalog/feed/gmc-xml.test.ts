import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFeed } from "./parse.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const chunked = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );
const byId = <T extends { id: string }>(list: T[]) =>
  Object.fromEntries(list.map((p) => [p.id, p]));

describe("Google Merchant Center XML (RSS 2.0)", () => {
  it("reads items in the g: namespace, whatever the chunk boundaries", async () => {
    for (const size of [13, 4096]) {
      const feed = await parseFeed(chunked(fixture("gmc-rss.xml"), size));
      expect(feed.format).toBe("gmc-xml");
      expect(feed.rows).toBe(5);
      const p = byId(feed.products);
      expect(Object.keys(p)).toEqual(["NW-100", "NW-200", "NW-400"]);
      expect(p["NW-100"]).toMatchObject({
        title: "Ridge Trail Runner",
        url: "https://shop.example/p/ridge-trail-runner",
        description: "Grippy trail shoe & more",
        priceCents: 9900,
        listPriceCents: 12990,
        currency: "EUR",
        availability: "in_stock",
        imageUrl: "https://cdn.shop.example/nw-100.jpg",
        brand: "Northwind",
        categoryPath: ["Footwear", "Running", "Trail"],
      });
      expect(p["NW-400"]).toMatchObject({
        priceCents: 1500,
        currency: "JPY",
        availability: "preorder",
        categoryPath: ["Google category 2271"],
      });
    }
  });

  it("folds variants sharing item_group_id into one product priced at the cheapest orderable one", async () => {
    const feed = await parseFeed(fixture("gmc-rss.xml"), "gmc-xml");
    expect(byId(feed.products)["NW-200"]).toMatchObject({
      id: "NW-200",
      groupId: "NW-200",
      variantIds: ["NW-200-M", "NW-200-L"],
      title: "Summit Shell Jacket M",
      priceCents: 21000,
      availability: "in_stock",
      categoryPath: ["Apparel & Accessories", "Clothing", "Outerwear"],
    });
  });

  it("reports a malformed item with its line and field and imports the rest", async () => {
    const feed = await parseFeed(fixture("gmc-rss.xml"), "gmc-xml");
    // The item starts on the line above its id: the id's 0-based index is the item's line number.
    const line = fixture("gmc-rss.xml")
      .split("\n")
      .findIndex((l) => l.includes("NW-300"));
    expect(feed.errors).toEqual([
      {
        line,
        item: 4,
        field: "price",
        message: '"twelve euros" is not a price with a currency, e.g. "15.00 USD"',
        id: "NW-300",
      },
    ]);
  });
});

describe("Google Merchant Center XML (Atom)", () => {
  it("takes the alternate link's href and the summary, resolving relative links", async () => {
    const feed = await parseFeed(fixture("gmc-atom.xml"), undefined, {
      baseUrl: "https://shop.example",
    });
    expect(feed.errors).toEqual([]);
    const p = byId(feed.products);
    expect(p["NW-500"]).toMatchObject({
      title: "Alpine Poles",
      url: "https://shop.example/p/alpine-poles",
      description: "Light carbon poles",
      priceCents: 8900,
      currency: "USD",
      availability: "backorder",
    });
    expect(p["NW-600"]).toMatchObject({ url: "https://shop.example/p/headlamp", imageUrl: "" });
  });
});

describe("broken XML", () => {
  it("keeps the items before a syntax error and reports the error's line", async () => {
    const text = fixture("gmc-rss.xml").replace("<g:id>NW-400</g:id>", "<g:id>NW-400</g:idd>");
    const feed = await parseFeed(text, "gmc-xml");
    expect(feed.products.map((p) => p.id)).toEqual(["NW-100", "NW-200"]);
    const line = text.split("\n").findIndex((l) => l.includes("NW-400")) + 1;
    expect(feed.errors.at(-1)).toMatchObject({ line, item: 5, field: "xml" });
    expect(feed.errors.at(-1)!.id).toBeUndefined();
  });

  it("refuses a document that is not a feed", async () => {
    const feed = await parseFeed("<html><body>Not found</body></html>", "gmc-xml");
    expect(feed.products).toEqual([]);
    expect(feed.errors).toMatchObject([
      { line: 1, field: "xml", message: expect.stringMatching(/<html>/) },
    ]);
  });
});
