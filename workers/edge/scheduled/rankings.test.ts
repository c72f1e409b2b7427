import { describe, expect, it } from "vitest";
import { buildRankings, shrunkRating, type ProductStats } from "./rankings.ts";

const p = (
  id: string,
  categoryId: string,
  rating: number,
  reviewCount: number,
  stock = 10,
): ProductStats => ({
  id,
  categoryId,
  rating,
  reviewCount,
  stock,
});

describe("shrunkRating", () => {
  it("pulls a rating toward the mean by the prior's weight", () => {
    // (4 * 20 + 5 * 5) / 25 = 4.2
    expect(shrunkRating(5, 5, 4, 20)).toBeCloseTo(4.2, 10);
    expect(shrunkRating(3, 0, 4, 20)).toBe(4);
  });
});

describe("buildRankings", () => {
  const products = [
    p("a", "watches", 5.0, 2),
    p("b", "watches", 4.8, 900),
    p("c", "shoes", 4.5, 300),
    p("d", "shoes", 4.9, 40, 0), // out of stock: never ranked
    p("e", "shoes", 3.9, 100, 3),
  ];
  const sales = [
    { productId: "c", units: 12 },
    { productId: "a", units: 7 },
    { productId: "d", units: 50 },
    { productId: "e", units: 7 },
  ];

  it("orders bestsellers by units, breaking ties by id, skipping out-of-stock products", () => {
    const r = buildRankings(products, sales);
    expect(r.bestsellers).toEqual(["c", "a", "e"]);
    expect(r.bestsellersByCategory).toEqual({ shoes: ["c", "e"], watches: ["a"] });
  });

  it("does not let a perfect score from two reviews beat a strong score from hundreds", () => {
    const r = buildRankings(products, sales);
    expect(r.topRated.indexOf("b")).toBeLessThan(r.topRated.indexOf("a"));
    expect(r.topRated).not.toContain("d");
  });

  it("lists low-stock items, scarcest first, and respects the size limit", () => {
    const r = buildRankings([...products, p("f", "shoes", 4, 1, 1)], sales, { size: 1 });
    expect(r.lowStock).toEqual(["f"]);
    expect(r.bestsellers).toHaveLength(1);
  });
});
