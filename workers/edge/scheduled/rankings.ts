/** Inputs and outputs of ranking are plain data so the logic is testable without bindings. */
export type ProductStats = {
  id: string;
  categoryId: string;
  rating: number;
  reviewCount: number;
  stock: number;
};

export type Sales = { productId: string; units: number };

export type Rankings = {
  bestsellers: string[];
  bestsellersByCategory: Record<string, string[]>;
  topRated: string[];
  lowStock: string[];
  /** Hot right now (decayed velocity); absent in models published before it existed. */
  trending?: string[];
};

/** Views and cart adds of one product on one day (0 = the latest day), cart adds weighted. */
export type ActivityBucket = { productId: string; daysAgo: number; weight: number };

export type RankingOptions = {
  size: number;
  /** Reviews a product needs before its own average outweighs the catalog's (Bayesian prior). */
  priorReviews: number;
  lowStockAt: number;
};

const DEFAULTS: RankingOptions = { size: 20, priorReviews: 20, lowStockAt: 5 };

/**
 * Rating shrunk toward the catalog mean: a 5.0 from 2 reviews should not beat a 4.8 from 900
 * (Bayesian average with `prior` pseudo-reviews at the mean).
 */
export function shrunkRating(rating: number, reviews: number, mean: number, prior: number): number {
  return (mean * prior + rating * reviews) / (prior + reviews);
}

/** Bestsellers (overall and per category), top rated with a confidence correction, low stock. */
export function buildRankings(
  products: ProductStats[],
  sales: Sales[],
  options: Partial<RankingOptions> = {},
  activity: ActivityBucket[] = [],
): Rankings {
  const { size, priorReviews, lowStockAt } = { ...DEFAULTS, ...options };
  const units = new Map(sales.map((s) => [s.productId, s.units]));
  const inStock = products.filter((p) => p.stock > 0);
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const sold = inStock
    .filter((p) => (units.get(p.id) ?? 0) > 0)
    .sort((a, b) => (units.get(b.id) ?? 0) - (units.get(a.id) ?? 0) || byId(a.id, b.id));
  const bestsellersByCategory: Record<string, string[]> = {};
  for (const p of sold) {
    const list = (bestsellersByCategory[p.categoryId] ??= []);
    if (list.length < size) list.push(p.id);
  }

  const reviewed = inStock.filter((p) => p.reviewCount > 0);
  const totalReviews = reviewed.reduce((n, p) => n + p.reviewCount, 0);
  const mean = totalReviews
    ? reviewed.reduce((s, p) => s + p.rating * p.reviewCount, 0) / totalReviews
    : 0;
  const score = new Map(
    reviewed.map((p) => [p.id, shrunkRating(p.rating, p.reviewCount, mean, priorReviews)]),
  );
  const topRated = reviewed
    .sort((a, b) => (score.get(b.id) ?? 0) - (score.get(a.id) ?? 0) || byId(a.id, b.id))
    .slice(0, size)
    .map((p) => p.id);

  const lowStock = inStock
    .filter((p) => p.stock <= lowStockAt)
    .sort((a, b) => a.stock - b.stock || byId(a.id, b.id))
    .slice(0, size)
    .map((p) => p.id);

  const heat = trendingScores(activity);
  const trending = inStock
    .filter((p) => (heat.get(p.id) ?? 0) > 0)
    .sort((a, b) => (heat.get(b.id) ?? 0) - (heat.get(a.id) ?? 0) || byId(a.id, b.id))
    .slice(0, size)
    .map((p) => p.id);

  return {
    bestsellers: sold.slice(0, size).map((p) => p.id),
    bestsellersByCategory,
    topRated,
    lowStock,
    trending,
  };
}

/**
 * "Hot": decayed velocity (activity halving every `halfLifeDays`) times how far it runs above
 * the product's own baseline over the window, so a steady bestseller does not crowd out a
 * product that suddenly takes off. `prior` keeps a product with two views from topping it.
 */
export function trendingScores(
  activity: ActivityBucket[],
  { halfLifeDays = 1, windowDays = 14, prior = 2 } = {},
): Map<string, number> {
  const velocity = new Map<string, number>();
  const baseline = new Map<string, number>();
  for (const a of activity) {
    if (a.daysAgo < 0 || a.daysAgo >= windowDays) continue;
    velocity.set(
      a.productId,
      (velocity.get(a.productId) ?? 0) + a.weight * 2 ** (-a.daysAgo / halfLifeDays),
    );
    baseline.set(a.productId, (baseline.get(a.productId) ?? 0) + a.weight / windowDays);
  }
  // The velocity sums a geometric series: scale it back to "per day" before comparing.
  const perDay = 1 - 2 ** (-1 / halfLifeDays);
  const out = new Map<string, number>();
  for (const [id, v] of velocity) {
    const rate = v * perDay;
    out.set(id, rate * Math.sqrt((rate + prior) / ((baseline.get(id) ?? 0) + prior)));
  }
  return out;
}

/**
 * What makes a published ranking degenerate: modules fed by it show nothing (bestseller lists
 * disappear without a word). Empty: the rankings are fine. `soldProducts` counts the products
 * with units in the sales window, in stock or not; `windowDays` is that window.
 */
export function rankingWarnings(
  rankings: Rankings,
  counts: { products: number; soldProducts: number; windowDays: number },
): string[] {
  if (counts.products === 0) return ["the catalog has no products"];
  const warnings: string[] = [];
  if (counts.soldProducts === 0)
    warnings.push(`no products sold in the last ${counts.windowDays} days`);
  else if (rankings.bestsellers.length === 0)
    warnings.push(
      `no bestsellers: every product sold in the last ${counts.windowDays} days is out of stock`,
    );
  if (rankings.topRated.length === 0) warnings.push("no rated product in stock");
  return warnings;
}
