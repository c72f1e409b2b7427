import { desc, gte, sql } from "drizzle-orm";
import { orderLines, orders, products, trainingRuns } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import type { MerchModel } from "../catalog/lists.ts";
import type { CatalogItem } from "../model/catalog.ts";
import { buildRankings } from "./rankings.ts";

/** KV keys of the published rankings: immutable versions plus one pointer that flips. */
export const RANKINGS_POINTER = "rankings:current";
export const rankingsKey = (version: string) => `rankings:v:${version}`;

const SALES_WINDOW_MS = 30 * 24 * 3600 * 1000;

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
        metrics: { products: catalog.length, productsSold: sales.length },
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
