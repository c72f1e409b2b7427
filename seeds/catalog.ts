import type { categories, products } from "../schema/index.ts";
import { CATEGORIES, productSpecs, type ProductSpec } from "./catalog-specs.ts";
import { createRng, type Rng } from "./random.ts";

export type CategoryRow = typeof categories.$inferInsert;
export type ProductRow = typeof products.$inferInsert;
export type Catalog = { categories: CategoryRow[]; products: ProductRow[] };

/**
 * A fixed instant for callers that pass no `now` (the generators' unit tests), so their output
 * is the same on any date. The seed runner passes the clock's day instead (seeds/run.ts).
 */
export const DEFAULT_NOW = Date.UTC(2026, 10, 1);
export const DEFAULT_SEED = 42;
const DAY = 86_400_000;

// SKU infixes per product kind.
const KIND_CODES: Record<string, string> = {
  "gps-watch": "GPS",
  "watch-strap": "STR",
  "watch-charger": "CHG",
  "heart-rate-strap": "HRM",
  "road-shoe": "RD",
  "trail-shoe": "TR",
  "racing-shoe": "RC",
  "running-top": "TOP",
  "running-bottom": "BTM",
  "running-jacket": "JKT",
  "running-socks": "SCK",
  "running-cap": "CAP",
  hydration: "HYD",
  smartphone: "PH",
  "phone-case": "CSE",
  "screen-protector": "SCR",
  charger: "PWR",
  earbuds: "AUD",
  "coffee-machine": "COF",
  "coffee-care": "CFC",
  vacuum: "VAC",
  "vacuum-care": "VCC",
  lamp: "LMP",
};

/**
 * The demo catalog: about 300 products in 6 categories. `tags[0]` is the product's kind (e.g.
 * "phone-case"); `accessoryFor` links cases to phones, bands to watches, socks to shoes,
 * spares to machines. Products with no reviews carry rating 0 (not rated yet).
 */
export function generateCatalog(opts: { seed?: number; now?: number } = {}): Catalog {
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const now = opts.now ?? DEFAULT_NOW;
  const specs = productSpecs(rng.fork("specs"));
  const draw = rng.fork("draws");
  const slugs = new Set<string>();

  const rows = specs.map((spec, i): ProductRow => {
    const id = `p-${String(i + 1).padStart(4, "0")}`;
    // New arrivals are current models, not last season's.
    const ageDays = spec.demand >= 1 && draw.chance(0.12) ? draw.int(1, 21) : draw.int(22, 720);
    const createdAt = now - ageDays * DAY - draw.int(0, DAY - 1);
    const isNew = ageDays <= 21;
    const reviewCount = reviewsFor(draw, spec, ageDays);
    return {
      id,
      sku: `${brandCode(spec.brand)}-${KIND_CODES[spec.kind] ?? "GEN"}-${String(i + 1).padStart(4, "0")}`,
      name: spec.name,
      slug: uniqueSlug(slugify(spec.name), slugs),
      categoryId: spec.categoryId,
      brand: spec.brand,
      priceCents: shopPrice(spec.priceEur * draw.float(0.95, 1.05)),
      currency: "EUR",
      rating: reviewCount === 0 ? 0 : ratingFor(draw),
      reviewCount,
      stock: stockLevel(draw),
      imageUrl: `/img/${id}.svg`,
      description: spec.description,
      tags: isNew ? [...spec.tags, "new"] : spec.tags,
      accessoryFor: [],
      createdAt,
      updatedAt: Math.min(now, createdAt + draw.int(0, ageDays) * DAY),
    };
  });

  linkAccessories(specs, rows);
  return {
    categories: CATEGORIES.map((c, position) => ({
      id: c.id,
      name: c.name,
      parentId: null,
      position,
    })),
    products: rows,
  };
}

/** A product's `accessoryFor` = every product providing a key the accessory fits. */
function linkAccessories(specs: ProductSpec[], rows: ProductRow[]): void {
  const providers = new Map<string, string[]>();
  specs.forEach((spec, i) => {
    for (const key of spec.provides ?? []) {
      const list = providers.get(key) ?? [];
      list.push(rows[i]!.id);
      providers.set(key, list);
    }
  });
  specs.forEach((spec, i) => {
    const ids = new Set<string>();
    for (const key of spec.fits ?? []) for (const id of providers.get(key) ?? []) ids.add(id);
    rows[i]!.accessoryFor = [...ids];
  });
}

/** Review volume is long-tailed: most products have tens, a few thousands, new ones none. */
function reviewsFor(rng: Rng, spec: ProductSpec, ageDays: number): number {
  if (ageDays <= 21 && rng.chance(0.6)) return 0;
  const base = Math.exp(rng.float(0, 7.9)) * spec.demand * Math.min(1, ageDays / 180 + 0.2);
  return Math.min(4800, Math.floor(base));
}

/** Most products rate well; a few are duds. One decimal, within 2.5-5.0. */
function ratingFor(rng: Rng): number {
  const centre = rng.chance(0.08) ? 3.1 : 4.35;
  const noise = (rng.next() + rng.next() + rng.next() - 1.5) * 0.6;
  return Math.round(Math.min(5, Math.max(2.5, centre + noise)) * 10) / 10;
}

/** Some sold out, some nearly (1-5), the rest comfortably stocked. */
function stockLevel(rng: Rng): number {
  const r = rng.next();
  if (r < 0.08) return 0;
  if (r < 0.2) return rng.int(1, 5);
  return rng.int(6, 240);
}

/** Shop prices: a round step that grows with the price, minus a cent (24.99, 149.99, 949.99). */
export function shopPrice(eur: number): number {
  const step = eur < 30 ? 1 : eur < 100 ? 5 : eur < 500 ? 10 : 50;
  const rounded = Math.max(step, Math.round(eur / step) * step);
  return rounded * 100 - 1;
}

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function uniqueSlug(base: string, taken: Set<string>): string {
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}

function brandCode(brand: string): string {
  return brand
    .replace(/[^A-Za-z]/g, "")
    .slice(0, 3)
    .toUpperCase();
}

/**
 * The shop's popularity score (bestsellers, `sort=popularity`) and the demand the histories
 * draw from: review volume as a proxy for sales, nudged by rating.
 */
export function popularityScore(p: Pick<ProductRow, "reviewCount" | "rating">): number {
  const reviews = p.reviewCount ?? 0;
  return reviews * (0.5 + (p.rating ?? 0) / 10);
}

/** The product kind (its first tag), used to group similar products. */
export function kindOf(p: Pick<ProductRow, "tags">): string {
  return p.tags?.[0] ?? "other";
}
