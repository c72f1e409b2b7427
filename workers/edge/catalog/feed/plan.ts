import type { categories, products } from "../../../../schema/index.ts";
import { slugFromUrl, slugify } from "./normalize.ts";
import type { FeedError, FeedProduct } from "./types.ts";

export type StoredProduct = typeof products.$inferSelect;
export type ProductRow = typeof products.$inferInsert;
export type CategoryRow = typeof categories.$inferInsert;

/**
 * Stock for a product the feed says is orderable but does not count: above every low-stock
 * threshold, so no module claims "only 2 left" on a guess.
 */
export const UNCOUNTED_STOCK = 1000;
/** Products without a category in the feed land here. */
export const UNCATEGORIZED: CategoryRow = {
  id: "uncategorized",
  name: "Uncategorized",
  parentId: null,
};

export type ImportMode =
  /** The feed is the whole catalog: stored products missing from it are hidden. */
  | "full"
  /** The feed adds and updates products; nothing is hidden. */
  | "upsert";

export type ImportPlan = {
  /** New rows and changed rows, complete (stored columns the feed does not carry are kept). */
  upserts: ProductRow[];
  categories: CategoryRow[];
  /** Ids of visible stored products the feed no longer has. */
  hide: string[];
  added: number;
  changed: number;
  unchanged: number;
  /** Why nothing was hidden although the mode is full, if so. */
  removalsSkipped?: string;
};

// The columns a feed sets; a difference in any of them makes the product "changed".
const COMPARED = [
  "sku",
  "name",
  "slug",
  "url",
  "categoryId",
  "brand",
  "priceCents",
  "listPriceCents",
  "currency",
  "stock",
  "availability",
  "imageUrl",
  "description",
  "tags",
  "accessoryFor",
  "variantIds",
  "rating",
  "reviewCount",
  "hiddenAt",
] as const satisfies (keyof StoredProduct)[];

const same = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));

/** Category rows for a path, root first, ids built from the slugged path ("shoes--trail"). */
export function categoryRows(path: string[]): CategoryRow[] {
  const rows: CategoryRow[] = [];
  let parentId: string | null = null;
  let id = "";
  for (const name of path) {
    const part = slugify(name) || "category";
    id = id ? `${id}--${part}` : part;
    rows.push({ id, name, parentId });
    parentId = id;
  }
  return rows;
}

/** A value nobody else holds: the wanted one, else suffixed with the product id, else numbered. */
function claim(taken: Map<string, string>, wanted: string, id: string): string {
  let value = wanted;
  const owner = taken.get(value);
  if (owner !== undefined && owner !== id) {
    const suffix = slugify(id) || "item";
    value = `${wanted}-${suffix}`;
    for (let n = 2; taken.has(value) && taken.get(value) !== id; n++)
      value = `${wanted}-${suffix}-${n}`;
  }
  taken.set(value, id);
  return value;
}

/**
 * What an import changes, decided from the stored catalog and the parsed feed. Pure: no I/O.
 * In full mode, stored products the feed no longer lists are hidden, except when the feed
 * could not be read whole: a row that failed without a readable id, or no product at all,
 * means an absence may be a parse failure, so nothing is hidden. Rows that failed with an id
 * keep their stored product as it is.
 */
export function planImport(
  stored: StoredProduct[],
  storedCategoryIds: Iterable<string>,
  feed: { products: FeedProduct[]; errors: FeedError[] },
  mode: ImportMode,
  now: number,
  /** Hide nothing when more than this share of the visible catalog would go (unattended pulls). */
  maxHideShare = 1,
): ImportPlan {
  const byId = new Map(stored.map((p) => [p.id, p]));
  const slugs = new Map<string, string>();
  const skus = new Map<string, string>();
  for (const p of stored) {
    slugs.set(p.slug, p.id);
    skus.set(p.sku, p.id);
  }
  const knownCategories = new Set(storedCategoryIds);
  const newCategories: CategoryRow[] = [];
  const addCategory = (row: CategoryRow) => {
    if (knownCategories.has(row.id)) return;
    knownCategories.add(row.id);
    newCategories.push(row);
  };

  const plan: ImportPlan = {
    upserts: [],
    categories: newCategories,
    hide: [],
    added: 0,
    changed: 0,
    unchanged: 0,
  };
  const inFeed = new Set<string>();
  for (const f of feed.products) {
    inFeed.add(f.id);
    const old = byId.get(f.id);
    let categoryId: string;
    if (f.categoryId) {
      categoryId = f.categoryId;
      addCategory({ id: categoryId, name: categoryId, parentId: null });
    } else if (f.categoryPath.length) {
      const path = categoryRows(f.categoryPath);
      path.forEach(addCategory);
      categoryId = path.at(-1)!.id;
    } else {
      categoryId = old?.categoryId ?? UNCATEGORIZED.id;
      addCategory(UNCATEGORIZED);
    }
    const orderable = f.availability === "in_stock";
    const stock =
      f.quantity ??
      (!orderable ? 0 : old && old.stock > 0 && !old.hiddenAt ? old.stock : UNCOUNTED_STOCK);
    const wantedSlug =
      f.slug ??
      (old && !f.url ? old.slug : null) ??
      slugFromUrl(f.url) ??
      (slugify(f.title) || slugify(f.id) || "product");
    const next: StoredProduct = {
      ...(old ?? {
        rating: 0,
        reviewCount: 0,
        tags: [],
        accessoryFor: [],
        createdAt: now,
        updatedAt: now,
      }),
      id: f.id,
      sku: claim(skus, f.sku ?? f.id, f.id),
      name: f.title,
      slug: claim(slugs, wantedSlug, f.id),
      url: f.url,
      categoryId,
      brand: f.brand,
      priceCents: f.priceCents,
      listPriceCents: f.listPriceCents,
      currency: f.currency,
      stock,
      availability: f.availability,
      imageUrl: f.imageUrl,
      description: f.description,
      variantIds: f.variantIds,
      hiddenAt: null,
      ...definedOnly(f.extra ?? {}),
    } as StoredProduct;
    if (!old) {
      plan.added++;
      plan.upserts.push(next);
    } else if (COMPARED.some((k) => !same(old[k], next[k]))) {
      plan.changed++;
      plan.upserts.push({ ...next, updatedAt: now });
    } else {
      plan.unchanged++;
    }
  }

  if (mode === "full") {
    const unreadable = feed.errors.filter((e) => !e.id);
    if (!feed.products.length) plan.removalsSkipped = "the feed has no readable product";
    else if (unreadable.length)
      plan.removalsSkipped = `${unreadable.length} row(s) could not be read far enough to know their product`;
    else {
      const kept = new Set(feed.errors.map((e) => e.id!));
      for (const p of stored)
        if (!p.hiddenAt && !inFeed.has(p.id) && !kept.has(p.id)) plan.hide.push(p.id);
      const visible = stored.filter((p) => !p.hiddenAt).length;
      if (plan.hide.length > maxHideShare * visible) {
        plan.removalsSkipped = `the feed would hide ${plan.hide.length} of ${visible} visible products (over ${Math.round(maxHideShare * 100)}%)`;
        plan.hide = [];
      }
    }
  }
  return plan;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Feeds (Merchant Center, Shopify, WooCommerce) list the whole catalog, so they sync fully;
 * Vitrine's own JSON and NDJSON are bulk upserts of the rows they carry.
 */
export function defaultMode(format: string): ImportMode {
  return format === "json" || format === "ndjson" ? "upsert" : "full";
}
