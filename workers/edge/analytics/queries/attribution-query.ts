import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  attributeOrders,
  DEFAULT_ATTRIBUTION,
  type AttributionOptions,
  type AttributionReport,
  type Order,
  type Touchpoint,
} from "../attribution/attribution.ts";

/**
 * Orders placed in [from, to] and every visit of their journeys in the look-back window.
 * A journey is the customer's (all visitor ids linked by login) when the order or the visitor
 * is known to belong to one, else the single visitor's.
 */
export async function attributionReport(
  db: Db,
  range: { from: number; to: number },
  options: AttributionOptions = DEFAULT_ATTRIBUTION,
): Promise<AttributionReport> {
  const [orderRows, links, sessionRows] = await Promise.all([
    db.all<{
      id: string;
      visitor_id: string;
      customer_id: string | null;
      total_cents: number;
      created_at: number;
    }>(sql`
      SELECT id, visitor_id, customer_id, total_cents, created_at FROM orders
      WHERE created_at >= ${range.from} AND created_at <= ${range.to}`),
    db.all<{ customer_id: string; visitor_id: string }>(sql`
      SELECT customer_id, visitor_id FROM identities
      UNION SELECT customer_id, id AS visitor_id FROM visitors WHERE customer_id IS NOT NULL`),
    db.all<{
      visitor_id: string;
      started_at: number;
      channel: string;
      campaign: string | null;
      device: string;
    }>(sql`
      SELECT visitor_id, started_at, channel, campaign, device FROM sessions
      WHERE started_at >= ${range.from - options.lookbackMs} AND started_at <= ${range.to}`),
  ]);
  const customerOf = new Map<string, string>();
  for (const l of links) customerOf.set(l.visitor_id, l.customer_id);
  for (const o of orderRows) if (o.customer_id) customerOf.set(o.visitor_id, o.customer_id);
  const keyOf = (visitorId: string) => customerOf.get(visitorId) ?? visitorId;

  const journeys = new Map<string, Touchpoint[]>();
  for (const s of sessionRows) {
    const key = keyOf(s.visitor_id);
    const list = journeys.get(key) ?? [];
    list.push({
      at: Number(s.started_at),
      visitorId: s.visitor_id,
      channel: s.channel,
      campaign: s.campaign,
      device: s.device,
    });
    journeys.set(key, list);
  }
  const orders: Order[] = orderRows
    .map((o) => ({
      id: o.id,
      at: Number(o.created_at),
      valueCents: Number(o.total_cents),
      journeyKey: o.customer_id ?? keyOf(o.visitor_id),
    }))
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return attributeOrders(orders, journeys, options);
}
