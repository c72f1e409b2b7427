import { eq, sql } from "drizzle-orm";
import { customers, identities, orders, segments, visitors } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import { computeSegments, type Buyer } from "./segments.ts";
import * as clock from "../clock.ts";

const CHUNK = 100;

/**
 * Nightly: recomputes every buyer's segment (RFM against the population, value tier,
 * lifecycle, gift buyer) into `segments`, and mirrors it into `customers.segment` for the
 * single customer view. Whole-population quintiles are why this is a batch job.
 */
export async function recomputeSegments(
  settings: Settings,
  now = clock.now(),
): Promise<{ buyers: number }> {
  const db = createDb(settings);
  const subject = sql<string>`coalesce(${orders.customerId}, ${orders.visitorId})`;
  const [totals, seen] = await Promise.all([
    db
      .select({
        subjectId: subject,
        isCustomer: sql<number>`max(${orders.customerId} is not null)`,
        orders: sql<number>`count(*)`,
        spentCents: sql<number>`sum(${orders.totalCents})`,
        giftOrders: sql<number>`sum(${orders.isGift})`,
        firstOrderAt: sql<number>`min(${orders.createdAt})`,
        lastOrderAt: sql<number>`max(${orders.createdAt})`,
      })
      .from(orders)
      .groupBy(subject),
    db
      .select({
        subjectId: sql<string>`coalesce(${identities.customerId}, ${visitors.id})`,
        firstSeenAt: sql<number>`min(${visitors.firstSeenAt})`,
        lastSeenAt: sql<number>`max(${visitors.lastSeenAt})`,
      })
      .from(visitors)
      .leftJoin(identities, eq(identities.visitorId, visitors.id))
      .groupBy(sql`coalesce(${identities.customerId}, ${visitors.id})`),
  ]);
  const seenBy = new Map(seen.map((s) => [s.subjectId, s]));
  const buyers: Buyer[] = totals.map((t) => ({
    subjectId: t.subjectId,
    kind: Number(t.isCustomer) ? "customer" : "visitor",
    orders: Number(t.orders),
    spentCents: Number(t.spentCents),
    giftOrders: Number(t.giftOrders),
    firstOrderAt: Number(t.firstOrderAt),
    lastOrderAt: Number(t.lastOrderAt),
    firstSeenAt: seenBy.has(t.subjectId) ? Number(seenBy.get(t.subjectId)!.firstSeenAt) : null,
    lastSeenAt: seenBy.has(t.subjectId) ? Number(seenBy.get(t.subjectId)!.lastSeenAt) : null,
  }));
  const rows = computeSegments(buyers, now);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const upsert = db
      .insert(segments)
      .values(chunk)
      .onConflictDoUpdate({
        target: segments.subjectId,
        set: Object.fromEntries(
          [
            "subjectKind",
            "recency",
            "frequency",
            "monetary",
            "valueTier",
            "lifecycle",
            "giftBuyer",
            "orders",
            "spentCents",
            "lastOrderAt",
            "computedAt",
          ].map((k) => [k, sql.raw(`excluded.${segments[k as "recency"].name}`)]),
        ),
      });
    const mirrors = chunk
      .filter((s) => s.subjectKind === "customer")
      .map((s) =>
        db
          .update(customers)
          .set({
            segment: {
              rfm: { r: s.recency, f: s.frequency, m: s.monetary },
              valueTier: s.valueTier,
              lifecycle: s.lifecycle,
              giftBuyer: s.giftBuyer,
              computedAt: now,
            },
          })
          .where(eq(customers.id, s.subjectId)),
      );
    await db.batch([upsert, ...mirrors]);
  }
  return { buyers: rows.length };
}
