import { sql } from "drizzle-orm";
import { trainingRuns } from "../../../schema/index.ts";
import { applyImport, type ImportResult } from "../catalog/feed/apply.ts";
import { readFeedUrl } from "../catalog/feed/fetch-feed.ts";
import { FEED_FORMATS, type FeedFormat } from "../catalog/feed/types.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import * as clock from "../clock.ts";
import { failRun } from "./run-record.ts";

/** The vars this job reads (add them to wrangler.toml `[vars]`; none set: the job does nothing). */
export type CatalogFeedVars = {
  /** The shop's feed: Merchant Center XML/TSV, Shopify products.json or WooCommerce Store API. */
  CATALOG_FEED_URL?: string;
  /** One of FEED_FORMATS; told from the content when empty. */
  CATALOG_FEED_FORMAT?: string;
  /** For feeds without a currency (Shopify's products.json). */
  CATALOG_FEED_CURRENCY?: string;
};

/**
 * An unattended pull does not trust a feed that would hide more than this share of the
 * catalog at once (a shop's error page or a truncated export); it imports and hides nothing.
 */
export const MAX_HIDE_SHARE = 0.5;

/**
 * A Worker has 128 MB: a feed past this (about 25,000 Merchant Center items) is refused with a
 * clear error; such catalogs are imported with `npm run catalog` from a machine instead.
 */
export const MAX_PULL_BYTES = 10 * 1024 * 1024;

export type PullResult = { skipped: true; reason: string } | ({ skipped: false } & ImportResult);

/**
 * Pulls the shop's catalog from CATALOG_FEED_URL and applies it as a full diff: new and
 * changed products are written, those gone from the feed hidden. The run is recorded in
 * training_runs (job "catalog"); unreadable rows make it "degraded", not failed.
 */
export async function pullCatalogFeed(
  env: Env,
  settings: Settings,
  now: number,
  fetcher: typeof fetch = fetch,
): Promise<PullResult> {
  const vars = env as Env & CatalogFeedVars;
  const url = vars.CATALOG_FEED_URL?.trim();
  if (!url) return { skipped: true, reason: "CATALOG_FEED_URL is not set" };
  const formatVar = vars.CATALOG_FEED_FORMAT?.trim();
  if (formatVar && !(FEED_FORMATS as readonly string[]).includes(formatVar))
    throw new Error(
      `CATALOG_FEED_FORMAT must be one of ${FEED_FORMATS.join(", ")}, got "${formatVar}"`,
    );

  const db = createDb(settings);
  const runId = `catalog-${now}`;
  await db
    .insert(trainingRuns)
    .values({ id: runId, job: "catalog", startedAt: now, status: "running", watermarkFrom: 0 });
  try {
    const feed = await readFeedUrl(
      url,
      fetcher,
      (formatVar || undefined) as FeedFormat | undefined,
      {
        currency: vars.CATALOG_FEED_CURRENCY?.trim() || undefined,
      },
      MAX_PULL_BYTES,
    );
    const result = await applyImport(db, feed, { mode: "full", now, maxHideShare: MAX_HIDE_SHARE });
    const warnings = [
      ...(result.errors.length ? [`${result.errors.length} row(s) not imported`] : []),
      ...(result.removalsSkipped ? [`nothing hidden: ${result.removalsSkipped}`] : []),
    ];
    if (warnings.length)
      console.warn(
        JSON.stringify({
          msg: "catalog pull degraded",
          url,
          warnings,
          errors: result.errors.slice(0, 20),
        }),
      );
    await db
      .update(trainingRuns)
      .set({
        status: warnings.length ? "degraded" : "succeeded",
        finishedAt: clock.now(),
        metrics: {
          rows: result.rows,
          added: result.added,
          changed: result.changed,
          hidden: result.hidden,
          unchanged: result.unchanged,
          errors: result.errors.length,
          ...(warnings.length ? { warnings } : {}),
        },
      })
      .where(sql`${trainingRuns.id} = ${runId}`);
    return { skipped: false, ...result };
  } catch (err) {
    return failRun(db, runId, err);
  }
}
