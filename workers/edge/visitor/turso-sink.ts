import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import {
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
import type { ConsentRow, FlushPlan } from "./outbox.ts";

// SQLite binds at most 32,766 parameters per statement; events have 14 columns.
const ROWS_PER_INSERT = 200;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    out.push(rows.slice(i, i + ROWS_PER_INSERT));
  return out;
}

/**
 * Writes one flush in a single transaction (libSQL batch): all of it lands or none of it does.
 * Inserts skip rows that exist (events take the payload sent) and counters are absolute, so a
 * repeated flush changes nothing.
 */
export async function writeFlush(db: Db, plan: FlushPlan): Promise<void> {
  const statements: BatchItem<"sqlite">[] = consentInserts(db, plan.consents);
  const v = plan.visitor;
  if (!v) {
    if (statements.length)
      await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    return;
  }
  statements.push(
    db
      .insert(visitors)
      .values({ ...v, profileVersion: v.profile ? 1 : 0 })
      .onConflictDoUpdate({
        target: visitors.id,
        set: {
          customerId: sql`coalesce(excluded.customer_id, ${visitors.customerId})`,
          firstSeenAt: sql`min(${visitors.firstSeenAt}, excluded.first_seen_at)`,
          lastSeenAt: sql`max(${visitors.lastSeenAt}, excluded.last_seen_at)`,
          visitCount: sql`max(${visitors.visitCount}, excluded.visit_count)`,
          profile: sql`coalesce(excluded.profile, ${visitors.profile})`,
          profileVersion: sql`${visitors.profileVersion} + (excluded.profile is not null)`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );
  if (plan.identity) {
    const { customerId, linkedAt } = plan.identity;
    statements.push(
      db
        .insert(customers)
        .values({ id: customerId, createdAt: linkedAt, lastSeenAt: v.lastSeenAt })
        .onConflictDoUpdate({
          target: customers.id,
          set: { lastSeenAt: sql`max(${customers.lastSeenAt}, excluded.last_seen_at)` },
        }),
      db.insert(identities).values(plan.identity).onConflictDoNothing(),
    );
  }
  // A page view corrected after the page (visitor-session.ts recordView) brings its new payload.
  for (const rows of chunks(plan.events))
    statements.push(
      db
        .insert(events)
        .values(rows)
        .onConflictDoUpdate({
          target: [events.visitorId, events.eventId],
          set: { payload: sql`excluded.payload` },
        }),
    );
  for (const rows of chunks(plan.sessions))
    statements.push(
      db
        .insert(sessions)
        .values(rows)
        .onConflictDoUpdate({
          target: sessions.id,
          set: {
            lastSeenAt: sql`max(${sessions.lastSeenAt}, excluded.last_seen_at)`,
            pageViews: sql`max(${sessions.pageViews}, excluded.page_views)`,
            channel: sql`excluded.channel`,
            campaign: sql`excluded.campaign`,
            referrer: sql`excluded.referrer`,
            landingPath: sql`excluded.landing_path`,
            country: sql`coalesce(excluded.country, ${sessions.country})`,
          },
        }),
    );
  for (const rows of chunks(plan.orders))
    statements.push(db.insert(orders).values(rows).onConflictDoNothing());
  for (const rows of chunks(plan.orderLines))
    statements.push(db.insert(orderLines).values(rows).onConflictDoNothing());
  for (const rows of chunks(plan.exposures))
    statements.push(db.insert(exposures).values(rows).onConflictDoNothing());
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/**
 * Appends consent choices to the audit log, each only if that exact choice (visitor, time,
 * flags, source) is not there yet: the log has no natural key, and a flush that reached Turso
 * but was not acknowledged is sent again. The (visitor_id, created_at) index keeps the check cheap.
 */
export function consentInserts(db: Db, rows: ConsentRow[]): BatchItem<"sqlite">[] {
  return rows.map((r) => {
    const p = r.personalization ? 1 : 0;
    const a = r.analytics ? 1 : 0;
    return db.run(
      sql`insert into ${consents} (visitor_id, personalization, analytics, source, created_at)
        select ${r.visitorId}, ${p}, ${a}, ${r.source}, ${r.createdAt}
        where not exists (select 1 from ${consents}
          where visitor_id = ${r.visitorId} and created_at = ${r.createdAt}
            and personalization = ${p} and analytics = ${a} and source = ${r.source})`,
    );
  });
}
