import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { HOLDOUT_EXPERIMENT } from "../../decide/index.ts";
import { DAY_MS as DAY, fillDays } from "../series/fill-days.ts";

export type Range = { from: number; to: number };

export type Overview = {
  knownVisitors: number;
  activeVisitors: number;
  sessions: number;
  /** Active visitors who saw personalization (the "personalized" side of the holdout). */
  personalizedVisitors: number;
  /** Share of known visitors whose latest consent allows personalization. */
  consentShare: number;
  orders: number;
  buyers: number;
  revenueCents: number;
  /** Every UTC day of the range, oldest first; a day without visits or orders is all zeros. */
  daily: {
    /** Midnight UTC, ms. */
    day: number;
    visitors: number;
    sessions: number;
    orders: number;
    revenueCents: number;
  }[];
};

/** Head figures of the dashboard's first page, for sessions and orders in `range`. */
export async function overview(db: Db, range: Range): Promise<Overview> {
  const { from, to } = range;
  const [[known], [active], [personalized], [consent], [sales], visitDays, orderDays] =
    await Promise.all([
      db.all<{ n: number }>(sql`SELECT count(*) AS n FROM visitors`),
      db.all<{ visitors: number; sessions: number }>(sql`
        SELECT count(DISTINCT visitor_id) AS visitors, count(*) AS sessions FROM sessions
        WHERE started_at >= ${from} AND started_at <= ${to}`),
      db.all<{ n: number }>(sql`
        SELECT count(DISTINCT s.visitor_id) AS n FROM sessions s
        WHERE s.started_at >= ${from} AND s.started_at <= ${to} AND s.visitor_id IN (
          SELECT visitor_id FROM exposures
          WHERE experiment_id = ${HOLDOUT_EXPERIMENT} AND variant = 'personalized'
          UNION
          SELECT e.visitor_id FROM events e, json_each(e.payload, '$.exposures') x
          WHERE e.type = 'page_view' AND json_extract(x.value, '$.experiment') = ${HOLDOUT_EXPERIMENT}
            AND json_extract(x.value, '$.arm') = 'personalized')`),
      db.all<{ yes: number | null; n: number }>(sql`
        SELECT sum(personalization) AS yes, count(*) AS n FROM consents c
        WHERE c.id = (SELECT max(id) FROM consents c2 WHERE c2.visitor_id = c.visitor_id)`),
      db.all<{ orders: number; buyers: number; revenue: number }>(sql`
        SELECT count(*) AS orders, count(DISTINCT coalesce(customer_id, visitor_id)) AS buyers,
          coalesce(sum(total_cents), 0) AS revenue
        FROM orders WHERE created_at >= ${from} AND created_at <= ${to}`),
      db.all<{ day: number; visitors: number; sessions: number }>(sql`
        SELECT CAST(started_at / ${DAY} AS INTEGER) AS day, count(DISTINCT visitor_id) AS visitors,
          count(*) AS sessions
        FROM sessions WHERE started_at >= ${from} AND started_at <= ${to} GROUP BY day`),
      db.all<{ day: number; orders: number; revenue: number }>(sql`
        SELECT CAST(created_at / ${DAY} AS INTEGER) AS day, count(*) AS orders, sum(total_cents) AS revenue
        FROM orders WHERE created_at >= ${from} AND created_at <= ${to} GROUP BY day`),
    ]);
  const byDay = new Map<number, Overview["daily"][number]>();
  const dayOf = (d: number) => {
    let row = byDay.get(d);
    if (!row) {
      row = { day: d * DAY, visitors: 0, sessions: 0, orders: 0, revenueCents: 0 };
      byDay.set(d, row);
    }
    return row;
  };
  for (const r of visitDays)
    Object.assign(dayOf(Number(r.day)), {
      visitors: Number(r.visitors),
      sessions: Number(r.sessions),
    });
  for (const r of orderDays)
    Object.assign(dayOf(Number(r.day)), {
      orders: Number(r.orders),
      revenueCents: Number(r.revenue),
    });
  return {
    knownVisitors: Number(known?.n ?? 0),
    activeVisitors: Number(active?.visitors ?? 0),
    sessions: Number(active?.sessions ?? 0),
    personalizedVisitors: Number(personalized?.n ?? 0),
    consentShare:
      consent && Number(consent.n) > 0 ? Number(consent.yes ?? 0) / Number(consent.n) : 0,
    orders: Number(sales?.orders ?? 0),
    buyers: Number(sales?.buyers ?? 0),
    revenueCents: Number(sales?.revenue ?? 0),
    daily: fillDays([...byDay.values()], range, (day) => ({
      day,
      visitors: 0,
      sessions: 0,
      orders: 0,
      revenueCents: 0,
    })),
  };
}
