/** A product as the hot path knows it: what a module needs to show it, nothing more. */
export type CatalogItem = {
  id: string;
  name: string;
  url: string;
  imageUrl: string;
  priceCents: number;
  currency: string;
  rating: number;
  reviewCount: number;
  stock: number;
  categoryId: string;
  brand: string;
  /** Products this one is an accessory for. */
  accessoryFor: string[];
};

/** Named product lists a variant can show; each resolves from the published model. */
export const LIST_SOURCES = [
  "bestsellers",
  "topRated",
  "lowStock",
  "trending",
  "similar",
  "alsoBought",
  "recommended",
  "accessories",
  "completePurchase",
  /** The visitor's past purchases that are due again (recommend/buy-again.ts). */
  "buyAgain",
] as const;
export type ListSource = (typeof LIST_SOURCES)[number];
