import { describe, expect, it } from "vitest";
import {
  buildRankings,
  rankingWarnings,
  shrunkRating,
  trendingScores,
  type ProductStats,
} from "./rankings.ts";

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

describe("trendingScores", () => {
  const day = (productId: string, daysAgo: number, weight: number) => ({
    productId,
    daysAgo,
    weight,
  });

  it("ranks a product taking off today above a steady one with more total activity", () => {
    const steady = Array.from({ length: 14 }, (_, d) => day("steady", d, 10));
    const rising = [day("rising", 0, 20), day("rising", 1, 4)];
    const s = trendingScores([...steady, ...rising]);
    // 24 events against the steady product's 140 in the window, yet it is hotter.
    expect(s.get("rising")!).toBeGreaterThan(s.get("steady")!);
  });

  it("decays: the same burst counts less the longer ago it was", () => {
    const s = trendingScores([day("today", 0, 10), day("lastWeek", 6, 10)]);
    expect(s.get("today")!).toBeGreaterThan(s.get("lastWeek")! * 10);
  });

  it("puts trending in-stock products into the rankings", () => {
    const r = buildRankings(
      [p("a", "x", 4, 10), p("b", "x", 4, 10, 0), p("c", "x", 4, 10)],
      [],
      {},
      [day("a", 0, 1), day("b", 0, 50), day("c", 0, 9)],
    );
    expect(r.trending).toEqual(["c", "a"]);
  });
});

describe("rankingWarnings", () => {
  const catalog = [p("a", "watches", 4.5, 10), p("b", "shoes", 4.0, 3, 0)];
  const counts = (soldProducts: number) => ({ products: 2, soldProducts, windowDays: 30 });

  it("has none when bestsellers and top rated lists have products", () => {
    const sales = [{ productId: "a", units: 2 }];
    expect(rankingWarnings(buildRankings(catalog, sales), counts(1))).toEqual([]);
  });

  it("says so when nothing sold in the window: every bestseller list is empty", () => {
    expect(rankingWarnings(buildRankings(catalog, []), counts(0))).toEqual([
      "no products sold in the last 30 days",
    ]);
  });

  it("tells sales of out-of-stock products only apart from no sales at all", () => {
    const sales = [{ productId: "b", units: 5 }];
    expect(rankingWarnings(buildRankings(catalog, sales), counts(1))).toEqual([
      "no bestsellers: every product sold in the last 30 days is out of stock",
    ]);
  });

  it("flags an empty catalog and a catalog without rated products in stock", () => {
    expect(rankingWarnings(buildRankings([], []), { ...counts(0), products: 0 })).toEqual([
      "the catalog has no products",
    ]);
    const unrated = [p("a", "watches", 0, 0)];
    expect(
      rankingWarnings(buildRankings(unrated, [{ productId: "a", units: 1 }]), counts(1)),
    ).toEqual(["no rated product in stock"]);
  });
});
