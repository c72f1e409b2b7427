import { and, getTableColumns, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { LibSQLDatabase } from "drizzle-orm/libsql/driver-core";
import * as schema from "../../../../schema/index.ts";
import { slugFromUrl, slugify } from "./normalize.ts";
import type { ParsedFeed } from "./parse.ts";
import { planImport, type ImportMode } from "./plan.ts";
import type { FeedError } from "./types.ts";

/** Drizzle over libSQL, from the Worker (`createDb`) or Node (`dev/database.ts`). */
export type CatalogDb = LibSQLDatabase<typeof schema>;

export type ImportResult = {
  added: number;
  changed: number;
  hidden: number;
  unchanged: number;
  categoriesAdded: number;
  /** Rows read from the feed, good and bad. */
  rows: number;
  errors: FeedError[];
  /** Set when a full import hid nothing because the feed could not be read whole. */
  removalsSkipped?: string;
};

export type ApplyOptions = {
  mode: ImportMode;
  now: number;
  /** Called as rows are written: done and total row writes. */
  onProgress?: (done: number, total: number) => void;
  /** Hide nothing when more than this share of the visible catalog would go (default: no bound). */
  maxHideShare?: number;
  /**
   * Plan against only the stored products that share an id, sku or slug with the feed's (upsert
   * mode, a few products such as one learned from its page), not the whole catalog.
   */
  relatedOnly?: boolean;
};

// Products have ~25 columns: 40 rows stay well under SQLite's bound-parameter limit.
const ROWS_PER_STATEMENT = 40;
// Statements sent per round trip; each batch is one transaction.
const STATEMENTS_PER_BATCH = 25;
const IDS_PER_STATEMENT = 500;

type Statement = BatchItem<"sqlite">;

/**
 * Applies a parsed feed to the catalog: inserts new products and categories, updates the
 * changed ones, and in full mode hides (never deletes) products the feed no longer lists.
 * Hidden products get stock 0 as well, so every reader that skips out-of-stock products stops
 * showing them at once. Writes are upserts in batches: a failure part-way leaves every stored
 * product either as it was or as the feed says.
 */
export async function applyImport(
  db: CatalogDb,
  feed: Pick<ParsedFeed, "products" | "errors" | "rows">,
  options: ApplyOptions,
): Promise<ImportResult> {
  const related = options.relatedOnly && options.mode === "upsert";
  const [stored, cats] = await Promise.all([
    related ? relatedProducts(db, feed.products) : db.select().from(schema.products),
    db.select({ id: schema.categories.id }).from(schema.categories),
  ]);
  const plan = planImport(
    stored,
    cats.map((c) => c.id),
    feed,
    options.mode,
    options.now,
    options.maxHideShare,
  );

  const { id: _id, ...columns } = getTableColumns(schema.products);
  const set = Object.fromEntries(
    Object.entries(columns).map(([key, col]) => [key, sql`excluded.${sql.identifier(col.name)}`]),
  ) as Record<string, SQL>;
  // Built lazily, a batch at a time: a large catalog's statements never sit in memory at once.
  function* statements(): Generator<[Statement, number]> {
    for (let i = 0; i < plan.categories.length; i += ROWS_PER_STATEMENT)
      yield [
        db
          .insert(schema.categories)
          .values(plan.categories.slice(i, i + ROWS_PER_STATEMENT))
          .onConflictDoNothing(),
        0,
      ];
    for (let i = 0; i < plan.upserts.length; i += ROWS_PER_STATEMENT) {
      const rows = plan.upserts.slice(i, i + ROWS_PER_STATEMENT);
      yield [
        db
          .insert(schema.products)
          .values(rows)
          .onConflictDoUpdate({ target: schema.products.id, set }),
        rows.length,
      ];
    }
    for (let i = 0; i < plan.hide.length; i += IDS_PER_STATEMENT) {
      const ids = plan.hide.slice(i, i + IDS_PER_STATEMENT);
      yield [
        db
          .update(schema.products)
          .set({ hiddenAt: options.now, stock: 0, updatedAt: options.now })
          .where(and(inArray(schema.products.id, ids), isNull(schema.products.hiddenAt))),
        ids.length,
      ];
    }
  }

  const total = plan.upserts.length + plan.hide.length;
  let done = 0;
  options.onProgress?.(0, total);
  let batch: Statement[] = [];
  let rows = 0;
  const flush = async () => {
    if (!batch.length) return;
    await db.batch(batch as [Statement, ...Statement[]]);
    done += rows;
    batch = [];
    rows = 0;
    options.onProgress?.(done, total);
  };
  for (const [statement, count] of statements()) {
    batch.push(statement);
    rows += count;
    if (batch.length === STATEMENTS_PER_BATCH) await flush();
  }
  await flush();

  return {
    added: plan.added,
    changed: plan.changed,
    hidden: plan.hide.length,
    unchanged: plan.unchanged,
    categoriesAdded: plan.categories.length,
    rows: feed.rows,
    errors: feed.errors,
    ...(plan.removalsSkipped ? { removalsSkipped: plan.removalsSkipped } : {}),
  };
}

/** Stored products a few feed products could collide with: same id, sku or wanted slug. */
function relatedProducts(db: CatalogDb, feed: ParsedFeed["products"]) {
  const p = schema.products;
  const ids = feed.map((f) => f.id);
  const skus = feed.map((f) => f.sku ?? f.id);
  const slugs = feed.map((f) => f.slug ?? slugFromUrl(f.url) ?? slugify(f.title));
  return db
    .select()
    .from(p)
    .where(or(inArray(p.id, ids), inArray(p.sku, skus), inArray(p.slug, slugs)));
}
