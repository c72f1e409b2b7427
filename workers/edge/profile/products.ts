import type { CatalogItem } from "../model/catalog.ts";

/** What the profile builder needs to know about a product; nothing else is read. */
export type ProductFacts = {
  categoryId: string;
  brand: string;
  priceCents: number;
  inStock: boolean;
  /** 1-based position in its category's bestseller ranking, when the shop ranks it. */
  categoryRank?: number;
};

/**
 * Looks a product up; `undefined` for products the catalog no longer (or never) had. The
 * builder then falls back to what the event itself carries (category, brand, price).
 */
export type ProductLookup = (productId: string) => ProductFacts | undefined;

/**
 * A lookup over the published merchandising model (`MerchModel.items` and, for rankings,
 * `MerchModel.bestsellersByCategory`).
 */
export function lookupFromItems(
  items: Readonly<
    Record<string, Pick<CatalogItem, "categoryId" | "brand" | "priceCents" | "stock">>
  >,
  bestsellersByCategory: Readonly<Record<string, readonly string[]>> = {},
): ProductLookup {
  const rank = new Map<string, number>();
  for (const ids of Object.values(bestsellersByCategory)) {
    ids.forEach((id, i) => rank.set(id, i + 1));
  }
  return (id) => {
    const item = Object.hasOwn(items, id) ? items[id] : undefined;
    if (!item) return undefined;
    const facts: ProductFacts = {
      categoryId: item.categoryId,
      brand: item.brand,
      priceCents: item.priceCents,
      inStock: item.stock > 0,
    };
    const r = rank.get(id);
    if (r !== undefined) facts.categoryRank = r;
    return facts;
  };
}

/** For replays where no catalog is at hand: everything comes from the events. */
export const noProducts: ProductLookup = () => undefined;
