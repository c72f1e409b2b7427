import { and, desc, eq, gte, lte, sql } from "drizzle-orm";
import { trainingRuns } from "../../../../schema/index.ts";
import type { Db } from "../../db/client.ts";
import { clickThrough, type SlotPerformance } from "../recommendations/click-through.ts";
import type { Range } from "./overview-query.ts";

/** Impressions (slots rendered on page views) and slot clicks in `range`, per slot variant. */
export async function slotPerformance(db: Db, range: Range): Promise<SlotPerformance[]> {
  const [impressions, clicks] = await Promise.all([
    db.all<{ slot: string | null; variant: string | null; n: number }>(sql`
      SELECT json_extract(s.value, '$.slot') AS slot, json_extract(s.value, '$.variant') AS variant,
        count(*) AS n
      FROM events e, json_each(e.payload, '$.slots') s
      WHERE e.type = 'page_view' AND e.occurred_at >= ${range.from} AND e.occurred_at <= ${range.to}
      GROUP BY slot, variant`),
    db.all<{ slot: string | null; variant: string | null; n: number }>(sql`
      SELECT json_extract(payload, '$.slot') AS slot, json_extract(payload, '$.variant') AS variant,
        count(*) AS n
      FROM events
      WHERE type = 'slot_click' AND occurred_at >= ${range.from} AND occurred_at <= ${range.to}
      GROUP BY slot, variant`),
  ]);
  return clickThrough(
    impressions.map((r) => ({
      slot: r.slot === null ? "(unknown)" : String(r.slot),
      variant: r.variant === null ? "(unknown)" : String(r.variant),
      impressions: Number(r.n),
      clicks: 0,
    })),
    clicks.map((r) => ({
      slot: r.slot === null ? "(unknown)" : String(r.slot),
      variant: r.variant === null ? "(unknown)" : String(r.variant),
      impressions: 0,
      clicks: Number(r.n),
    })),
  );
}

export type RunFlags = { runAt: number; flags: string[] };

/**
 * Item pairs the trainer flagged in `range` (co-views that jumped, or that new ids pushed; see
 * recommend/contribution-caps.ts), newest run first, at most `limit` runs.
 */
export async function recommendationFlags(db: Db, range: Range, limit = 10): Promise<RunFlags[]> {
  const runs = await db
    .select({ startedAt: trainingRuns.startedAt, metrics: trainingRuns.metrics })
    .from(trainingRuns)
    .where(
      and(
        eq(trainingRuns.job, "recommendations"),
        gte(trainingRuns.startedAt, range.from),
        lte(trainingRuns.startedAt, range.to),
        sql`json_extract(${trainingRuns.metrics}, '$.flags') IS NOT NULL`,
      ),
    )
    .orderBy(desc(trainingRuns.startedAt))
    .limit(limit);
  return runs.map((r) => {
    const flags = r.metrics?.flags;
    return { runAt: r.startedAt, flags: Array.isArray(flags) ? flags.map(String) : [] };
  });
}
