import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import type { Range } from "./overview-query.ts";

export type Count = { key: string; count: number };

export type SegmentSizes = {
  buyerModes: Count[];
  segments: Count[];
  lifecycles: Count[];
  valueTiers: Count[];
  /** Whatever text labels the segment jobs store on customers (e.g. rfm, tier). */
  customerSegments: Count[];
  devices: Count[];
  channels: Count[];
  giftBuyers: number;
};

const NO_PROFILE = "(no profile yet)";

const counts = (rows: { key: unknown; n: unknown }[]): Count[] =>
  rows
    .map((r) => ({ key: String(r.key), count: Number(r.n) }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));

/** Buyer modes, segments and the visit mix, from the profiles the Durable Objects flushed. */
export async function segmentSizes(db: Db, range: Range): Promise<SegmentSizes> {
  const field = (path: string) => sql`
    SELECT coalesce(json_extract(profile, ${path}), ${NO_PROFILE}) AS key, count(*) AS n
    FROM visitors GROUP BY 1`;
  const [modes, segments, lifecycles, tiers, customer, devices, channels, [gifts]] =
    await Promise.all([
      db.all<{ key: string; n: number }>(field("$.topMode")),
      // Grouped by s.value: a bare `key` would name json_each's own column (the array index).
      db.all<{ key: string; n: number }>(sql`
        SELECT s.value AS key, count(DISTINCT v.id) AS n
        FROM visitors v, json_each(v.profile, '$.segments') s
        GROUP BY s.value`),
      db.all<{ key: string; n: number }>(field("$.lifecycle")),
      db.all<{ key: string; n: number }>(field("$.valueTier")),
      db.all<{ key: string; n: number }>(sql`
        SELECT j.key || ': ' || j.value AS key, count(*) AS n
        FROM customers c, json_each(c.segment) j WHERE j.type = 'text' GROUP BY 1`),
      db.all<{ key: string; n: number }>(sql`
        SELECT device AS key, count(DISTINCT visitor_id) AS n FROM sessions
        WHERE started_at >= ${range.from} AND started_at <= ${range.to} GROUP BY device`),
      db.all<{ key: string; n: number }>(sql`
        SELECT channel AS key, count(*) AS n FROM sessions
        WHERE started_at >= ${range.from} AND started_at <= ${range.to} GROUP BY channel`),
      db.all<{ n: number }>(sql`
        SELECT count(DISTINCT coalesce(customer_id, visitor_id)) AS n FROM orders
        WHERE is_gift = 1 AND created_at >= ${range.from} AND created_at <= ${range.to}`),
    ]);
  return {
    buyerModes: counts(modes),
    segments: counts(segments),
    lifecycles: counts(lifecycles),
    valueTiers: counts(tiers),
    customerSegments: counts(customer),
    devices: counts(devices),
    channels: counts(channels),
    giftBuyers: Number(gifts?.n ?? 0),
  };
}
