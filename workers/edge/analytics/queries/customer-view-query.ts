import { desc, eq, inArray, or, sql } from "drizzle-orm";
import {
  annotations,
  consents,
  customers,
  events,
  exposures,
  identities,
  orderLines,
  orders,
  sessions,
  visitors,
} from "../../../../schema/index.ts";
import type { Db } from "../../db/client.ts";

const MAX_ID_LENGTH = 200;

/**
 * What Turso holds about one person, found by a visitor id, a customer id or an order id:
 * the customer and every linked visitor (device), their visits, recent events, orders with
 * lines, consent history, experiment exposures and the departments' annotations.
 */
export async function customerView(db: Db, rawId: string) {
  const id = rawId.trim();
  if (!id || id.length > MAX_ID_LENGTH) return null;
  const [visitor] = await db.select().from(visitors).where(eq(visitors.id, id));
  const [order] = visitor ? [] : await db.select().from(orders).where(eq(orders.id, id));
  const [link] = await db
    .select()
    .from(identities)
    .where(eq(identities.visitorId, visitor?.id ?? order?.visitorId ?? id))
    .limit(1);
  const customerId =
    visitor?.customerId ?? order?.customerId ?? link?.customerId ?? (visitor || order ? null : id);
  const [customer] = customerId
    ? await db.select().from(customers).where(eq(customers.id, customerId))
    : [];
  // A visitor whose Durable Object has not flushed a visitors row yet is still known by what
  // was written directly: consent records, events, visits, exposures.
  const knownElsewhere =
    !visitor && !order && !customer
      ? await db.all(sql`
          SELECT 1 FROM consents WHERE visitor_id = ${id}
          UNION ALL SELECT 1 FROM events WHERE visitor_id = ${id}
          UNION ALL SELECT 1 FROM sessions WHERE visitor_id = ${id}
          UNION ALL SELECT 1 FROM exposures WHERE visitor_id = ${id}
          LIMIT 1`)
      : [];
  if (!visitor && !order && !customer && knownElsewhere.length === 0) return null;

  const linked = customer
    ? await db
        .select({ visitorId: identities.visitorId, linkedAt: identities.linkedAt })
        .from(identities)
        .where(eq(identities.customerId, customer.id))
    : [];
  const visitorIds = [
    ...new Set(
      [
        visitor?.id ?? (order || customer ? undefined : id),
        order?.visitorId,
        ...linked.map((l) => l.visitorId),
      ].filter((v): v is string => typeof v === "string"),
    ),
  ];
  if (customer) {
    const others = await db
      .select({ id: visitors.id })
      .from(visitors)
      .where(eq(visitors.customerId, customer.id));
    for (const o of others) if (!visitorIds.includes(o.id)) visitorIds.push(o.id);
  }
  const subjects = customer ? [...visitorIds, customer.id] : visitorIds;
  const [visitorRows, visits, recent, orderRows, consentRows, exposureRows, notes] =
    await Promise.all([
      db.select().from(visitors).where(inArray(visitors.id, visitorIds)),
      db
        .select()
        .from(sessions)
        .where(inArray(sessions.visitorId, visitorIds))
        .orderBy(desc(sessions.startedAt))
        .limit(50),
      db
        .select()
        .from(events)
        .where(inArray(events.visitorId, visitorIds))
        .orderBy(desc(events.occurredAt))
        .limit(100),
      db
        .select()
        .from(orders)
        .where(
          customer
            ? or(inArray(orders.visitorId, visitorIds), eq(orders.customerId, customer.id))
            : inArray(orders.visitorId, visitorIds),
        )
        .orderBy(desc(orders.createdAt))
        .limit(50),
      db
        .select()
        .from(consents)
        .where(inArray(consents.visitorId, visitorIds))
        .orderBy(desc(consents.createdAt))
        .limit(50),
      db.select().from(exposures).where(inArray(exposures.visitorId, visitorIds)),
      db
        .select()
        .from(annotations)
        .where(inArray(annotations.subjectId, subjects))
        .orderBy(desc(annotations.createdAt))
        .limit(50),
    ]);
  const lines = orderRows.length
    ? await db
        .select()
        .from(orderLines)
        .where(
          inArray(
            orderLines.orderId,
            orderRows.map((o) => o.id),
          ),
        )
    : [];
  return {
    customer: customer ?? null,
    visitorIds,
    visitors: visitorRows,
    sessions: visits,
    events: recent,
    orders: orderRows.map((o) => ({
      ...o,
      lines: lines.filter((l) => l.orderId === o.id).sort((a, b) => a.lineNo - b.lineNo),
    })),
    consents: consentRows,
    exposures: exposureRows,
    annotations: notes,
  };
}

export type CustomerView = NonNullable<Awaited<ReturnType<typeof customerView>>>;
