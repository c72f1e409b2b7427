import { describe, expect, it } from "vitest";
import type { MerchModel } from "../catalog/lists.ts";
import { demoConfig } from "../decide/test-fixtures.ts";
import type { CatalogItem } from "../model/catalog.ts";
import { plannableBeforePage, productIdForPage, slotSelectorsFor } from "./page-plan.ts";

const active = () => ({ version: 7, config: demoConfig() });

function item(id: string, url: string): CatalogItem {
  return {
    id,
    name: id,
    url,
    imageUrl: `/img/${id}.svg`,
    priceCents: 1000,
    currency: "EUR",
    rating: 4,
    reviewCount: 1,
    stock: 3,
    categoryId: "c",
    brand: "b",
    accessoryFor: [],
  };
}

function model(items: CatalogItem[]): MerchModel {
  return {
    version: "m1",
    generatedAt: 0,
    items: Object.fromEntries(items.map((i) => [i.id, i])),
    bestsellers: [],
    bestsellersByCategory: {},
    topRated: [],
    lowStock: [],
  };
}

describe("slotSelectorsFor", () => {
  it("watches only the slots configured for the page type", () => {
    const a = active();
    const product = slotSelectorsFor(a, "product", null).map((s) => s.slotId);
    expect(product.sort()).toEqual(
      ["help-prompt", "product-badges", "product-extras", "promo-banner", "recommendations"].sort(),
    );
    expect(slotSelectorsFor(a, "other", null)).toEqual([]);
    for (const s of slotSelectorsFor(a, "checkout", null)) {
      expect(a.config.slots[s.slotId]!.selector).toBe(s.selector);
    }
    // Computed once per config and page type.
    expect(slotSelectorsFor(a, "product", null)).toBe(slotSelectorsFor(a, "product", null));
  });

  it("adds the slot of a previewed variant wherever it is forced", () => {
    const a = active();
    const withHero = slotSelectorsFor(a, "product", "gift-hero");
    expect(withHero.at(-1)).toEqual({ slotId: "hero", selector: "#hero" });
    expect(withHero).toHaveLength(slotSelectorsFor(a, "product", null).length + 1);
    // A variant whose slot is already watched, or an unknown one, changes nothing.
    expect(slotSelectorsFor(a, "product", "help-prompt")).toBe(
      slotSelectorsFor(a, "product", null),
    );
    expect(slotSelectorsFor(a, "product", "no-such-variant")).toBe(
      slotSelectorsFor(a, "product", null),
    );
  });
});

describe("productIdForPage", () => {
  const m = model([
    item("p-1", "/p/trail-runner"),
    item("p-2", "/products/sch%C3%B6n.html"),
    item("p-3", "/p/trail-runner"),
  ]);

  it("finds the product by the page's path or by the demo layout's slug URL", () => {
    expect(productIdForPage(m, "/p/trail-runner", "trail-runner")).toBe("p-1");
    expect(productIdForPage(m, "/products/sch%C3%B6n.html", "schön")).toBe("p-2");
    expect(productIdForPage(m, "/p/trail-runner/", "trail-runner")).toBe("p-1");
  });

  it("finds a catalog URL whatever the URL rules captured, absolute catalog URLs included", () => {
    expect(productIdForPage(m, "/p/trail-runner", null)).toBe("p-1");
    const absolute = model([item("p-9", "https://shop.example/shop/boot-9/")]);
    expect(productIdForPage(absolute, "/shop/boot-9", null)).toBe("p-9");
  });

  it("is null without a model or a match", () => {
    expect(productIdForPage(m, "/p/elsewhere", null)).toBeNull();
    expect(productIdForPage(null, "/p/trail-runner", "trail-runner")).toBeNull();
    expect(productIdForPage(m, "/p/unknown", "unknown")).toBeNull();
  });
});

describe("plannableBeforePage", () => {
  it("plans every page before it arrives but a product page the catalog's URLs do not name", () => {
    expect(plannableBeforePage("home", null)).toBe(true);
    expect(plannableBeforePage("product", "p-0001")).toBe(true);
    expect(plannableBeforePage("product", null)).toBe(false);
  });
});
