/**
 * What the shop sells, before ids, prices and stock are drawn: invented brands with product
 * lines that look like a real sports, phone and home shop. `provides`/`fits` are compatibility
 * keys; the catalog turns them into `accessoryFor` links.
 */
export type ProductSpec = {
  categoryId: CategoryId;
  /** The product kind; also the first tag, so consumers can group similar products. */
  kind: string;
  brand: string;
  name: string;
  /** Indicative list price in euros; the catalog adds noise and rounds to a shop price. */
  priceEur: number;
  tags: string[];
  description: string;
  /** Compatibility keys this product offers (e.g. "phone:Lumio A5"). */
  provides?: string[];
  /** Compatibility keys this accessory works with. */
  fits?: string[];
  /** Relative demand; scales review volume and how often visitors look at it. */
  demand: number;
};

export const CATEGORIES = [
  { id: "sports-watches", name: "Sports watches" },
  { id: "running-shoes", name: "Running shoes" },
  { id: "running-apparel", name: "Running apparel" },
  { id: "phones", name: "Phones" },
  { id: "phone-accessories", name: "Phone accessories" },
  { id: "home", name: "Home & kitchen" },
] as const;
export type CategoryId = (typeof CATEGORIES)[number]["id"];

/** Gendered product lines: the label in names and the tag. */
export const GENDERS = [
  ["Men's", "men"],
  ["Women's", "women"],
] as const;
