import { describe, expect, it } from "vitest";
import { indexCatalog } from "../catalog-index.ts";
import { generateCatalog } from "../catalog.ts";
import { availabilityOf, productJsonLd } from "./json-ld.ts";

describe("product JSON-LD", () => {
  it("maps stock to schema.org availability at the low-stock boundary", () => {
    expect([0, -1, 1, 5, 6, 200].map(availabilityOf)).toEqual([
      "OutOfStock",
      "OutOfStock",
      "LimitedAvailability",
      "LimitedAvailability",
      "InStock",
      "InStock",
    ]);
  });

  it("prices as a decimal string and leaves out ratings nobody gave", () => {
    const index = indexCatalog(generateCatalog());
    const p = { ...index.products[0]!, priceCents: 100_000, reviewCount: 0, rating: 0 };
    const ld = productJsonLd(p, index.categoryById.get(p.categoryId));
    expect(ld.offers).toMatchObject({ price: "1000.00", priceCurrency: "EUR" });
    expect(ld).not.toHaveProperty("aggregateRating");
    expect(productJsonLd({ ...p, priceCents: 5 }, undefined)).toMatchObject({
      category: p.categoryId,
      offers: { price: "0.05" },
    });
  });
});
