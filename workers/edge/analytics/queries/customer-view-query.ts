import { eq, sql } from "drizzle-orm";
import { customers, identities, orders, visitors } from "../../../../schema/index.ts";
import type { Db } from "../../db/client.ts";
import { readVisitorRecords } from "../../visitor/records.ts";

const MAX_ID_LENGTH = 200;
/** Rows of each kind a page shows, newest first. */
const PAGE = 100;

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
  // An order placed without the customer id still belongs to the customer its visitor is.
  const [orderVisitor] =
    order && !order.customerId
      ? await db.select().from(visitors).where(eq(visitors.id, order.visitorId))
      : [];
  const customerId =
    visitor?.customerId ??
    order?.customerId ??
    orderVisitor?.customerId ??
    link?.customerId ??
    (visitor || order ? null : id);
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
  const records = await readVisitorRecords(db, visitorIds, {
    customerId: customer?.id ?? null,
    limit: PAGE,
  });
  return { customer: customer ?? null, visitorIds, ...records };
}

export type CustomerView = NonNullable<Awaited<ReturnType<typeof customerView>>>;
