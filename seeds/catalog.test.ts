import { beforeAll, describe, expect, it } from "vitest";
import { indexCatalog, type CatalogIndex } from "./catalog-index.ts";
import { DEFAULT_NOW, generateCatalog, kindOf, shopPrice, type Catalog } from "./catalog.ts";

let catalog: Catalog;
let index: CatalogIndex;
beforeAll(() => {
  catalog = generateCatalog();
  index = indexCatalog(catalog);
});

describe("generateCatalog", () => {
  it("is deterministic for a seed and changes with the seed", () => {
    expect(generateCatalog()).toEqual(catalog);
    expect(generateCatalog({ seed: 42, now: DEFAULT_NOW })).toEqual(catalog);
    const other = generateCatalog({ seed: 7 });
    expect(other.products.map((p) => p.priceCents)).not.toEqual(
      catalog.products.map((p) => p.priceCents),
    );
  });

  it("has about 300 products in 6 populated categories", () => {
    expect(catalog.products).toHaveLength(300);
    expect(catalog.categories.map((c) => c.id)).toEqual([
      "sports-watches",
      "running-shoes",
      "running-apparel",
      "phones",
      "phone-accessories",
      "home",
    ]);
    for (const c of catalog.categories) {
      expect(index.byCategory.get(c.id)!.length, c.id).toBeGreaterThanOrEqual(30);
    }
  });

  it("has unique, well-formed ids, slugs and SKUs", () => {
    const ps = index.products;
    expect(ps[0]!.id).toBe("p-0001");
    expect(ps.every((p) => /^p-\d{4}$/.test(p.id))).toBe(true);
    for (const key of ["id", "slug", "sku"] as const) {
      expect(new Set(ps.map((p) => p[key])).size, key).toBe(ps.length);
    }
    expect(ps.filter((p) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(p.slug))).toEqual([]);
    expect(ps.filter((p) => !/^[A-Z]{3}-[A-Z]{2,3}-\d{4}$/.test(p.sku))).toEqual([]);
    expect(ps.filter((p) => p.imageUrl !== `/img/${p.id}.svg`)).toEqual([]);
    expect(index.bySlug.get("lumen-and-oak-wall-sconce")?.brand).toBe("Lumen & Oak");
  });

  it("prices in euro cents with per-category ranges", () => {
    const range = (categoryId: string) => {
      const prices = index.byCategory.get(categoryId)!.map((p) => p.priceCents);
      return [Math.min(...prices), Math.max(...prices)];
    };
    for (const p of index.products) {
      expect(Number.isInteger(p.priceCents)).toBe(true);
      expect(p.priceCents % 100).toBe(99);
      expect(p.currency).toBe("EUR");
    }
    const [phoneMin, phoneMax] = range("phones");
    expect(phoneMin).toBeGreaterThanOrEqual(17_999);
    expect(phoneMax).toBeGreaterThanOrEqual(120_000);
    const [, accessoryMax] = range("phone-accessories");
    expect(accessoryMax).toBeLessThan(30_000);
    const [shoeMin, shoeMax] = range("running-shoes");
    expect(shoeMin).toBeGreaterThanOrEqual(7_999);
    expect(shoeMax).toBeLessThanOrEqual(34_999);
    expect(shopPrice(149)).toBe(14_999);
    expect(shopPrice(24.4)).toBe(2_399);
  });

  it("rates 2.5-5.0 with a long tail of review counts; unrated products carry 0", () => {
    const counts = index.products.map((p) => p.reviewCount).sort((a, b) => a - b);
    for (const p of index.products) {
      if (p.reviewCount === 0) expect(p.rating).toBe(0);
      else {
        expect(p.rating).toBeGreaterThanOrEqual(2.5);
        expect(p.rating).toBeLessThanOrEqual(5);
        expect(Math.round(p.rating * 10) / 10).toBe(p.rating);
      }
    }
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)!).toBeGreaterThan(2000);
    // Long tail: the median is far below the maximum.
    expect(counts[150]!).toBeLessThan(counts.at(-1)! / 10);
  });

  it("has sold-out and low-stock products", () => {
    const out = index.products.filter((p) => p.stock === 0).length;
    const low = index.products.filter((p) => p.stock >= 1 && p.stock <= 5).length;
    expect(out).toBeGreaterThanOrEqual(10);
    expect(low).toBeGreaterThanOrEqual(15);
    expect(index.products.every((p) => p.stock >= 0 && Number.isInteger(p.stock))).toBe(true);
  });

  it("links accessories to existing products they fit", () => {
    for (const p of index.products) {
      for (const id of p.accessoryFor) {
        expect(index.byId.has(id), `${p.id} -> ${id}`).toBe(true);
        expect(id).not.toBe(p.id);
      }
    }
    const linkedKinds = (kind: string) =>
      new Set(
        index.products
          .filter((p) => kindOf(p) === kind)
          .flatMap((p) => p.accessoryFor.map((id) => kindOf(index.byId.get(id)!))),
      );
    expect(linkedKinds("phone-case")).toEqual(new Set(["smartphone"]));
    expect(linkedKinds("watch-strap")).toEqual(new Set(["gps-watch"]));
    expect([...linkedKinds("running-socks")].every((k) => k.endsWith("-shoe"))).toBe(true);
    // Every case names the phone model it fits.
    for (const c of index.products.filter((p) => kindOf(p) === "phone-case")) {
      const model = c.name.split(" for ")[1]!;
      expect(c.accessoryFor.length).toBeGreaterThan(0);
      for (const id of c.accessoryFor)
        expect(index.byId.get(id)!.name.startsWith(`${model} `)).toBe(true);
    }
    // Every phone and every watch has at least one accessory.
    for (const p of index.products.filter((p) => ["smartphone", "gps-watch"].includes(kindOf(p)))) {
      expect(index.accessoriesOf.get(p.id)?.length ?? 0, p.name).toBeGreaterThan(0);
    }
  });

  it("dates products in the past and tags new arrivals", () => {
    for (const p of catalog.products) {
      expect(p.createdAt).toBeLessThanOrEqual(DEFAULT_NOW);
      expect(p.updatedAt).toBeGreaterThanOrEqual(p.createdAt);
      expect(p.updatedAt).toBeLessThanOrEqual(DEFAULT_NOW);
    }
    const fresh = index.products.filter((p) => p.tags.includes("new"));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((p) => DEFAULT_NOW - p.createdAt <= 22 * 86_400_000)).toBe(true);
  });
});
