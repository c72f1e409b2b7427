import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { clickThrough, type SlotPerformance } from "../recommendations/click-through.ts";
import type { Range } from "./overview-query.ts";

/** Impressions (slots rendered on page views) and slot clicks in `range`, per slot variant. */
export async function slotPerformance(db: Db, range: Range): Promise<SlotPerformance[]> {
  const [impressions, clicks] = await Promise.all([
    db.all<{ slot: string; variant: string; n: number }>(sql`
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
      slot: String(r.slot),
      variant: String(r.variant),
      impressions: Number(r.n),
      clicks: 0,
    })),
    clicks.map((r) => ({
      slot: r.slot ?? "(unknown)",
      variant: r.variant ?? "(unknown)",
      impressions: 0,
      clicks: Number(r.n),
    })),
  );
}
