import type { categories, products } from "../schema/index.ts";
import type { Catalog } from "./catalog.ts";

/** Complete rows (defaults filled in), so readers never deal with optional insert fields. */
export type Product = typeof products.$inferSelect;
export type Category = typeof categories.$inferSelect;

export type CatalogIndex = {
  products: Product[];
  categories: Category[];
  byId: Map<string, Product>;
  bySlug: Map<string, Product>;
  categoryById: Map<string, Category>;
  byCategory: Map<string, Product[]>;
  /** Base product id -> the accessories that fit it (reverse of `accessoryFor`). */
  accessoriesOf: Map<string, Product[]>;
};

export function indexCatalog(catalog: Catalog): CatalogIndex {
  const list: Product[] = catalog.products.map((p) => ({
    ...p,
    currency: p.currency ?? "EUR",
    rating: p.rating ?? 0,
    reviewCount: p.reviewCount ?? 0,
    stock: p.stock ?? 0,
    description: p.description ?? "",
    tags: p.tags ?? [],
    accessoryFor: p.accessoryFor ?? [],
    listPriceCents: p.listPriceCents ?? null,
    availability: p.availability ?? "in_stock",
    url: p.url ?? null,
    variantIds: p.variantIds ?? [],
    hiddenAt: p.hiddenAt ?? null,
  }));
  const cats: Category[] = catalog.categories
    .map((c) => ({ ...c, parentId: c.parentId ?? null, position: c.position ?? 0 }))
    .sort((a, b) => a.position - b.position);
  const byCategory = new Map<string, Product[]>(cats.map((c) => [c.id, []]));
  const accessoriesOf = new Map<string, Product[]>();
  for (const p of list) {
    byCategory.get(p.categoryId)?.push(p);
    for (const baseId of p.accessoryFor) {
      const fits = accessoriesOf.get(baseId) ?? [];
      fits.push(p);
      accessoriesOf.set(baseId, fits);
    }
  }
  return {
    products: list,
    categories: cats,
    byId: new Map(list.map((p) => [p.id, p])),
    bySlug: new Map(list.map((p) => [p.slug, p])),
    categoryById: new Map(cats.map((c) => [c.id, c])),
    byCategory,
    accessoriesOf,
  };
}
