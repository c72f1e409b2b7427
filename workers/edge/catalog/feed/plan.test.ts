import { describe, expect, it } from "vitest";
import { groupVariants } from "./group.ts";
import { planImport, UNCOUNTED_STOCK, type StoredProduct } from "./plan.ts";
import type { FeedError, FeedProduct } from "./types.ts";

const NOW = 1_900_000_000_000;

const feedProduct = (id: string, over: Partial<FeedProduct> = {}): FeedProduct => ({
  id,
  title: `Product ${id}`,
  url: `https://shop.example/p/${id}`,
  slug: null,
  sku: null,
  priceCents: 1000,
  listPriceCents: null,
  currency: "EUR",
  availability: "in_stock",
  quantity: null,
  imageUrl: "",
  brand: "",
  description: "",
  categoryPath: ["Gear"],
  categoryId: null,
  groupId: null,
  variantIds: [id],
  ...over,
});

const stored = (id: string, over: Partial<StoredProduct> = {}): StoredProduct => ({
  id,
  sku: id,
  name: `Product ${id}`,
  slug: id,
  categoryId: "gear",
  brand: "",
  priceCents: 1000,
  listPriceCents: null,
  currency: "EUR",
  rating: 4.5,
  reviewCount: 12,
  stock: 7,
  availability: "in_stock",
  url: `https://shop.example/p/${id}`,
  imageUrl: "",
  description: "",
  tags: ["kind"],
  accessoryFor: [],
  variantIds: [id],
  hiddenAt: null,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

const plan = (
  s: StoredProduct[],
  products: FeedProduct[],
  errors: FeedError[] = [],
  share?: number,
) => planImport(s, ["gear"], { products, errors }, "full", NOW, share);

describe("planImport", () => {
  it("keeps what the feed does not carry (ratings, tags, counted stock) and counts no change", () => {
    const p = plan([stored("a")], [feedProduct("a")]);
    expect(p).toMatchObject({ added: 0, changed: 0, unchanged: 1, upserts: [], hide: [] });
  });

  it("gives uncounted in-stock products a stock above low-stock thresholds, others none", () => {
    const p = plan(
      [],
      [
        feedProduct("new"),
        feedProduct("pre", { availability: "preorder" }),
        feedProduct("counted", { quantity: 3 }),
      ],
    );
    expect(p.upserts.map((r) => [r.id, r.stock])).toEqual([
      ["new", UNCOUNTED_STOCK],
      ["pre", 0],
      ["counted", 3],
    ]);
  });

  it("builds category rows from a path, root first, and files the product under the leaf", () => {
    const p = plan([], [feedProduct("a", { categoryPath: ["Home & Garden", "Lamps"] })]);
    expect(p.categories).toEqual([
      { id: "home-and-garden", name: "Home & Garden", parentId: null },
      { id: "home-and-garden--lamps", name: "Lamps", parentId: "home-and-garden" },
    ]);
    expect(p.upserts[0]!.categoryId).toBe("home-and-garden--lamps");
  });

  it("never gives a slug or SKU another product holds", () => {
    const p = plan(
      [stored("old", { slug: "lamp", sku: "L-1" })],
      [feedProduct("old"), feedProduct("x", { url: "https://shop.example/p/lamp", sku: "L-1" })],
    );
    const x = p.upserts.find((r) => r.id === "x")!;
    expect(x.slug).toBe("lamp-x");
    expect(x.sku).toBe("L-1-x");
  });

  it("hides products gone from the feed, but not those whose rows failed to parse", () => {
    const p = plan(
      [stored("a"), stored("gone"), stored("bad"), stored("hidden", { hiddenAt: 5 })],
      [feedProduct("a")],
      [{ line: 9, item: 3, field: "price", message: "x", id: "bad" }],
    );
    expect(p.hide).toEqual(["gone"]);
  });

  it("hides nothing when a row failed before its id could be read, or nothing was read", () => {
    const unreadable = plan(
      [stored("a"), stored("gone")],
      [feedProduct("a")],
      [{ line: 40, item: 0, field: "xml", message: "unexpected end" }],
    );
    expect(unreadable.hide).toEqual([]);
    expect(unreadable.removalsSkipped).toMatch(/1 row/);
    expect(plan([stored("a")], []).hide).toEqual([]);
  });

  it("hides nothing past the allowed share of the visible catalog", () => {
    const p = plan([stored("a"), stored("b"), stored("c")], [feedProduct("a")], [], 0.5);
    expect(p.hide).toEqual([]);
    expect(p.removalsSkipped).toMatch(/would hide 2 of 3/);
  });

  it("brings a hidden product back when the feed lists it again", () => {
    const p = plan([stored("a", { hiddenAt: 5, stock: 0 })], [feedProduct("a")]);
    expect(p.changed).toBe(1);
    expect(p.upserts[0]).toMatchObject({ hiddenAt: null, stock: UNCOUNTED_STOCK, updatedAt: NOW });
  });
});

describe("groupVariants", () => {
  it("reports an id seen twice and keeps the first", () => {
    const { products, errors } = groupVariants([
      feedProduct("a"),
      feedProduct("a", { priceCents: 1 }),
    ]);
    expect(products.map((p) => p.priceCents)).toEqual([1000]);
    expect(errors).toMatchObject([{ item: 2, field: "id", id: "a" }]);
  });

  it("sums variant quantities only when every variant has one", () => {
    const g = (q: number | null, id: string) => feedProduct(id, { groupId: "G", quantity: q });
    expect(groupVariants([g(2, "a"), g(3, "b")]).products[0]!.quantity).toBe(5);
    expect(groupVariants([g(2, "a"), g(null, "b")]).products[0]!.quantity).toBeNull();
  });
});
