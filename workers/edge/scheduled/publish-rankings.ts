import { and, desc, gte, inArray, isNotNull, isNull, max, sql } from "drizzle-orm";
import { events, orderLines, orders, products, trainingRuns } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import type { MerchModel } from "../catalog/lists.ts";
import type { CatalogItem } from "../model/catalog.ts";
import { buildRankings, rankingWarnings, type ActivityBucket } from "./rankings.ts";
import { DEGRADED } from "./run-warnings.ts";
import * as clock from "../clock.ts";
import { failRun } from "./run-record.ts";

/** KV keys of the published rankings: immutable versions plus one pointer that flips. */
export { RANKINGS_POINTER, rankingsKey } from "../kv-keys.ts";
import { RANKINGS_POINTER, rankingsKey } from "../kv-keys.ts";

const DAY_MS = 24 * 3600 * 1000;
const SALES_WINDOW_DAYS = 30;
const SALES_WINDOW_MS = SALES_WINDOW_DAYS * DAY_MS;
const TRENDING_DAYS = 14;

/**
 * Where a product's card links: the shop's own URL from its catalog feed; products without
 * one (the seeded demo catalog) follow the demo shop's `/p/:slug` rule.
 */
export const productUrl = (p: { url: string | null; slug: string }) =>
  p.url ?? `/p/${encodeURIComponent(p.slug)}`;

/**
 * Recomputes rankings from Turso and publishes them to KV: the versioned value is written
 * first, then the pointer, so readers never see a half-written model. The run is recorded:
 * `degraded`, with its warnings in the metrics, when the rankings leave modules empty (e.g.
 * nothing sold in the sales window, so every bestseller list is empty).
 */
export async function publishRankings(
  env: Pick<Env, "MODELS">,
  settings: Settings,
  now = clock.now(),
): Promise<MerchModel> {
  const db = createDb(settings);
  const runId = `rankings-${now}`;
  await db.insert(trainingRuns).values({
    id: runId,
    job: "rankings",
    startedAt: now,
    status: "running",
    watermarkFrom: 0,
  });
  try {
    const [catalog, sales] = await Promise.all([
      // Products a feed removed are hidden: never in a list again.
      db.select().from(products).where(isNull(products.hiddenAt)),
      db
        .select({
          productId: orderLines.productId,
          units: sql<number>`sum(${orderLines.quantity})`,
        })
        .from(orderLines)
        .innerJoin(orders, sql`${orders.id} = ${orderLines.orderId}`)
        .where(gte(orders.createdAt, now - SALES_WINDOW_MS))
        .groupBy(orderLines.productId)
        .orderBy(desc(sql`sum(${orderLines.quantity})`)),
    ]);
    const rankings = buildRankings(
      catalog,
      sales.map((s) => ({ ...s, units: Number(s.units) })),
      {},
      await recentActivity(db, now),
    );
    const version = String(now);
    const items: Record<string, CatalogItem> = {};
    for (const p of catalog) {
      items[p.id] = {
        id: p.id,
        name: p.name,
        url: productUrl(p),
        imageUrl: p.imageUrl,
        priceCents: p.priceCents,
        currency: p.currency,
        rating: p.rating,
        reviewCount: p.reviewCount,
        stock: p.stock,
        categoryId: p.categoryId,
        brand: p.brand,
        accessoryFor: p.accessoryFor,
      };
    }
    const published: MerchModel = { ...rankings, version, generatedAt: now, items };
    await env.MODELS.put(rankingsKey(version), JSON.stringify(published));
    await env.MODELS.put(RANKINGS_POINTER, version);
    const warnings = rankingWarnings(rankings, {
      products: catalog.length,
      soldProducts: sales.length,
      windowDays: SALES_WINDOW_DAYS,
    });
    if (warnings.length)
      console.warn(JSON.stringify({ msg: "rankings published degraded", version, warnings }));
    await db
      .update(trainingRuns)
      .set({
        status: warnings.length ? DEGRADED : "succeeded",
        finishedAt: clock.now(),
        modelVersion: version,
        metrics: {
          products: catalog.length,
          productsSold: sales.length,
          bestsellers: rankings.bestsellers.length,
          trending: rankings.trending?.length ?? 0,
          ...(warnings.length ? { warnings } : {}),
        },
      })
      .where(sql`${trainingRuns.id} = ${runId}`);
    return published;
  } catch (err) {
    return failRun(db, runId, err);
  }
}

/**
 * Views and cart adds per product and day over the trending window, counted back from the
 * latest activity (at most `now`): a shop with a quiet week still has a "hot" list of what
 * moved last. Nothing in the last 30 days: no trending list.
 */
async function recentActivity(
  db: ReturnType<typeof createDb>,
  now: number,
): Promise<ActivityBucket[]> {
  const types = ["product_view", "add_to_cart"];
  const [latest] = await db
    .select({ at: max(events.occurredAt) })
    .from(events)
    .where(and(inArray(events.type, types), gte(events.occurredAt, now - SALES_WINDOW_MS)));
  const end = Math.min(now, Number(latest?.at ?? 0));
  if (!end) return [];
  const daysAgo = sql<number>`cast((${end} - ${events.occurredAt}) / ${DAY_MS} as integer)`;
  const rows = await db
    .select({
      productId: events.productId,
      daysAgo,
      weight: sql<number>`sum(case when ${events.type} = 'add_to_cart' then 3 else 1 end)`,
    })
    .from(events)
    .where(
      and(
        inArray(events.type, types),
        isNotNull(events.productId),
        gte(events.occurredAt, end - TRENDING_DAYS * DAY_MS),
      ),
    )
    .groupBy(events.productId, daysAgo);
  return rows.map((r) => ({
    productId: r.productId!,
    daysAgo: Number(r.daysAgo),
    weight: Number(r.weight),
  }));
}
