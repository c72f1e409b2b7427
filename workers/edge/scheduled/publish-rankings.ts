import { and, desc, gte, inArray, isNotNull, max, sql } from "drizzle-orm";
import { events, orderLines, orders, products, trainingRuns } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import type { MerchModel } from "../catalog/lists.ts";
import type { CatalogItem } from "../model/catalog.ts";
import { buildRankings, type ActivityBucket } from "./rankings.ts";

/** KV keys of the published rankings: immutable versions plus one pointer that flips. */
export const RANKINGS_POINTER = "rankings:current";
export const rankingsKey = (version: string) => `rankings:v:${version}`;

const DAY_MS = 24 * 3600 * 1000;
const SALES_WINDOW_MS = 30 * DAY_MS;
const TRENDING_DAYS = 14;

/** Shop URL of a product page; the demo shop's rule, overridable once catalogs carry URLs. */
export const productPath = (slug: string) => `/p/${encodeURIComponent(slug)}`;

/**
 * Recomputes rankings from Turso and publishes them to KV: the versioned value is written
 * first, then the pointer, so readers never see a half-written model. The run is recorded.
 */
export async function publishRankings(
  env: Pick<Env, "MODELS">,
  settings: Settings,
  now = Date.now(),
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
      db.select().from(products),
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
        url: productPath(p.slug),
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
    await db
      .update(trainingRuns)
      .set({
        status: "succeeded",
        finishedAt: Date.now(),
        modelVersion: version,
        metrics: {
          products: catalog.length,
          productsSold: sales.length,
          trending: rankings.trending?.length ?? 0,
        },
      })
      .where(sql`${trainingRuns.id} = ${runId}`);
    return published;
  } catch (err) {
    await db
      .update(trainingRuns)
      .set({ status: "failed", finishedAt: Date.now(), error: String(err) })
      .where(sql`${trainingRuns.id} = ${runId}`)
      .catch(() => undefined);
    throw err;
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
