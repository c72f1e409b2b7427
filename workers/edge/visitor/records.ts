import { asc, desc, eq, inArray, or } from "drizzle-orm";
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
} from "../../../schema/index.ts";
import type { Db } from "../db/client.ts";

export type RecordOptions = {
  /** The customer the visitor ids belong to: their orders and annotations are included. */
  customerId?: string | null;
  /** At most this many of each kind, newest first (a page); all, oldest first, when absent. */
  limit?: number;
};

/**
 * Everything Turso holds about a person's visitor ids (their devices): the one place that
 * knows which tables hold personal data, for the access export, the single customer view and
 * the dashboard.
 */
export async function readVisitorRecords(db: Db, visitorIds: string[], opts: RecordOptions = {}) {
  const { customerId = null, limit } = opts;
  const ids = visitorIds.length ? visitorIds : ["\u0000"];
  const subjects = customerId ? [...ids, customerId] : ids;
  // SQLite reads a negative LIMIT as none.
  const max = limit ?? -1;
  const order = limit ? desc : asc;
  const [
    visitorRows,
    sessionRows,
    eventRows,
    orderRows,
    exposureRows,
    consentRows,
    identityRows,
    notes,
  ] = await Promise.all([
    db.select().from(visitors).where(inArray(visitors.id, ids)),
    db
      .select()
      .from(sessions)
      .where(inArray(sessions.visitorId, ids))
      .orderBy(order(sessions.startedAt))
      .limit(max),
    db
      .select()
      .from(events)
      .where(inArray(events.visitorId, ids))
      .orderBy(order(events.occurredAt), order(events.seq))
      .limit(max),
    db
      .select()
      .from(orders)
      .where(
        customerId
          ? or(inArray(orders.visitorId, ids), eq(orders.customerId, customerId))
          : inArray(orders.visitorId, ids),
      )
      .orderBy(order(orders.createdAt))
      .limit(max),
    db.select().from(exposures).where(inArray(exposures.visitorId, ids)),
    db
      .select()
      .from(consents)
      .where(inArray(consents.visitorId, ids))
      .orderBy(order(consents.createdAt))
      .limit(max),
    db.select().from(identities).where(inArray(identities.visitorId, ids)),
    db
      .select()
      .from(annotations)
      .where(inArray(annotations.subjectId, subjects))
      .orderBy(order(annotations.createdAt))
      .limit(max),
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
    visitors: visitorRows,
    identities: identityRows,
    sessions: sessionRows,
    events: eventRows,
    orders: orderRows.map((o) => ({
      ...o,
      lines: lines.filter((l) => l.orderId === o.id).sort((a, b) => a.lineNo - b.lineNo),
    })),
    exposures: exposureRows,
    consents: consentRows,
    annotations: notes,
  };
}

/** Deletes every row about these visitor ids (and, given, their customer record), in one transaction. */
export async function eraseVisitorRecords(
  db: Db,
  visitorIds: string[],
  customerId: string | null,
): Promise<number> {
  if (!visitorIds.length && !customerId) return 0;
  const ids = visitorIds.length ? visitorIds : ["\u0000"];
  const subjects = customerId ? [...ids, customerId] : ids;
  const results = await db.batch([
    db
      .delete(orderLines)
      .where(
        inArray(
          orderLines.orderId,
          db.select({ id: orders.id }).from(orders).where(inArray(orders.visitorId, ids)),
        ),
      ),
    db.delete(orders).where(inArray(orders.visitorId, ids)),
    db.delete(events).where(inArray(events.visitorId, ids)),
    db.delete(sessions).where(inArray(sessions.visitorId, ids)),
    db.delete(exposures).where(inArray(exposures.visitorId, ids)),
    db.delete(consents).where(inArray(consents.visitorId, ids)),
    db.delete(identities).where(inArray(identities.visitorId, ids)),
    db.delete(annotations).where(inArray(annotations.subjectId, subjects)),
    db.delete(visitors).where(inArray(visitors.id, ids)),
    ...(customerId
      ? [
          db.delete(identities).where(eq(identities.customerId, customerId)),
          db.delete(customers).where(eq(customers.id, customerId)),
        ]
      : []),
  ]);
  return results.reduce<number>(
    (n, r) => n + ((r as { rowsAffected?: number }).rowsAffected ?? 0),
    0,
  );
}
