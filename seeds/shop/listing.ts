import type { Product } from "../catalog-index.ts";
import { popularityScore } from "../catalog.ts";
import type { ListingQuery, SortKey } from "./urls.ts";

/** Filters then sorts a category's products as the listing's query asks. */
export function applyListing(items: readonly Product[], q: ListingQuery): Product[] {
  const brands = new Set(q.brands);
  const filtered = items.filter(
    (p) =>
      (brands.size === 0 || brands.has(p.brand)) &&
      (q.minEur === null || p.priceCents >= q.minEur * 100) &&
      (q.maxEur === null || p.priceCents <= q.maxEur * 100) &&
      (!q.inStock || p.stock > 0),
  );
  return sortProducts(filtered, q.sort);
}

export function sortProducts(items: readonly Product[], sort: SortKey): Product[] {
  const byId = (a: Product, b: Product) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const compare: Record<SortKey, (a: Product, b: Product) => number> = {
    // The merchandiser's order: what can be bought first, then catalog order.
    featured: (a, b) => Number(b.stock > 0) - Number(a.stock > 0) || byId(a, b),
    price_asc: (a, b) => a.priceCents - b.priceCents || byId(a, b),
    price_desc: (a, b) => b.priceCents - a.priceCents || byId(a, b),
    rating: (a, b) => b.rating - a.rating || b.reviewCount - a.reviewCount || byId(a, b),
    popularity: (a, b) => popularityScore(b) - popularityScore(a) || byId(a, b),
  };
  return [...items].sort(compare[sort]);
}

/** Distinct brands of a product list, alphabetically, for the filter sidebar. */
export function brandsOf(items: readonly Product[]): string[] {
  return [...new Set(items.map((p) => p.brand))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The /bestsellers list: what can be bought now, by popularity. */
export function bestsellers(items: readonly Product[], size = 24): Product[] {
  return sortProducts(
    items.filter((p) => p.stock > 0),
    "popularity",
  ).slice(0, size);
}
