import type { CatalogIndex, Product } from "./catalog-index.ts";
import { kindOf } from "./catalog.ts";
import { PERSONAS, TRAITS, type Persona } from "./personas.ts";
import { applyListing, bestsellers } from "./shop/listing.ts";
import { searchProducts } from "./shop/search.ts";
import { categoryPath, type ListingQuery } from "./shop/urls.ts";

/** The catalog as simulated shoppers see it: precomputed appeal per persona, similar items. */
export type ShopperCatalog = {
  index: CatalogIndex;
  byKind: Map<string, Product[]>;
  /** How strongly each persona is drawn to each product (popularity and rating, per traits). */
  appeal: Record<Persona, Map<string, number>>;
  /** The shop's /bestsellers list, in order. */
  bestsellers: Product[];
  /** Memoized listings (by URL) and search results (by query): visitors repeat them a lot. */
  listings: Map<string, Product[]>;
  searches: Map<string, Product[]>;
};

export function shopperCatalog(index: CatalogIndex): ShopperCatalog {
  const byKind = new Map<string, Product[]>();
  for (const p of index.products) {
    const list = byKind.get(kindOf(p)) ?? [];
    list.push(p);
    byKind.set(kindOf(p), list);
  }
  const appeal = {} as Record<Persona, Map<string, number>>;
  for (const persona of PERSONAS) {
    const { crowd, ratingPull } = TRAITS[persona];
    appeal[persona] = new Map(
      index.products.map((p) => {
        const rating = p.reviewCount > 0 ? p.rating / 5 : 0.75;
        return [p.id, Math.pow(1 + p.reviewCount, 0.5 * crowd) * Math.pow(rating, ratingPull)];
      }),
    );
  }
  return {
    index,
    byKind,
    appeal,
    bestsellers: bestsellers(index.products),
    listings: new Map(),
    searches: new Map(),
  };
}

/** Products like `p` (same kind, else same category), without `p` itself. */
export function similarTo(cat: ShopperCatalog, p: Product): Product[] {
  const same = (cat.byKind.get(kindOf(p)) ?? []).filter((q) => q.id !== p.id);
  if (same.length > 0) return same;
  return (cat.index.byCategory.get(p.categoryId) ?? []).filter((q) => q.id !== p.id);
}

/** What goes with `p`: its accessories if it is a base product, else the bases it fits. */
export function companionsOf(cat: ShopperCatalog, p: Product): Product[] {
  const accessories = cat.index.accessoriesOf.get(p.id) ?? [];
  if (accessories.length > 0) return accessories;
  return p.accessoryFor.flatMap((id) => {
    const base = cat.index.byId.get(id);
    return base ? [base] : [];
  });
}

/** A category listing as the shop renders it for `query`. */
export function listingOf(cat: ShopperCatalog, categoryId: string, query: ListingQuery): Product[] {
  const key = categoryPath(categoryId, query);
  let list = cat.listings.get(key);
  if (!list) {
    list = applyListing(cat.index.byCategory.get(categoryId) ?? [], query);
    cat.listings.set(key, list);
  }
  return list;
}

/** The shop's search results for `query`. */
export function searchOf(cat: ShopperCatalog, query: string): Product[] {
  let list = cat.searches.get(query);
  if (!list) {
    list = searchProducts(cat.index.products, query);
    cat.searches.set(query, list);
  }
  return list;
}
