import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile } from "../model/profile.ts";
import { settingsOf } from "../settings.ts";
import { planFlush, type ConsentRow, type SessionRow, type StoredTouchpoint } from "./outbox.ts";
import {
  flushedThrough,
  META,
  type ConsentTableRow,
  type SessionStore,
  type SessionTableRow,
  type VisitorFacts,
} from "./session-storage.ts";
import { writeFlush } from "./turso-sink.ts";

export type FlushResult = { flushed: number; remaining: number };

const FLUSH_BATCH = 500;
/** Flushed touchpoints older than this leave the object's storage (Turso keeps them). */
const LOCAL_RETENTION_MS = 90 * 24 * 3600 * 1000;

/**
 * Sends one batch of what waits in the object's storage to Turso: consent choices, touchpoints
 * and the sessions they changed, with the visitor's facts and `profile` (the one last written to
 * KV). Acknowledged only after Turso committed it; repeating one is harmless (see outbox.ts).
 */
export async function flushOnce(
  env: Env,
  store: SessionStore,
  facts: VisitorFacts | null,
  profile: Profile | null,
): Promise<FlushResult> {
  const { sql } = store;
  const consentRows = unflushedConsents(sql);
  const consents = consentRows.map(consentRow);
  const lastConsent = consentRows.at(-1)?.seq ?? 0;
  if (!facts) {
    // Only consent choices so far (the visitor chose before any touchpoint arrived).
    if (!consents.length) return { flushed: 0, remaining: 0 };
    const plan = planFlush({ visitor: null, touchpoints: [], sessions: [], consents });
    await writeFlush(createDb(settingsOf(env)), plan);
    acknowledgeConsents(sql, lastConsent);
    return { flushed: 0, remaining: unflushed(store) };
  }
  const through = flushedThrough(store);
  const fresh = touchpointsAfter(sql, through);
  const resent = store.meta(META.resendPending) ? correctedBefore(sql, through) : [];
  const rows = [...resent, ...fresh];
  const sessions = changedSessions(sql);
  if (!rows.length && !sessions.length && !consents.length) return { flushed: 0, remaining: 0 };
  const touchpoints: StoredTouchpoint[] = rows.map((r) => ({
    event: JSON.parse(r.body) as TrackedEvent,
    receivedAt: r.received_at || clock.now(),
  }));
  const visitCount = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n;
  const plan = planFlush({
    visitor: { ...facts, visitCount, updatedAt: clock.now(), profile },
    touchpoints,
    sessions: sessions.map((s) => sessionRow(facts.id, s)),
    consents,
  });
  await writeFlush(createDb(settingsOf(env)), plan);
  // Acknowledge only what was sent: rows corrected and sessions changed meanwhile stay pending.
  const last = fresh.at(-1)?.seq;
  if (last !== undefined) store.setMeta(META.flushedThrough, String(last));
  for (const r of rows)
    if (r.resend > 0)
      sql.exec("UPDATE touchpoints SET resend = 0 WHERE seq = ? AND resend = ?", r.seq, r.resend);
  if (resent.length && !correctedBefore(sql, Number.MAX_SAFE_INTEGER, 1).length)
    store.setMeta(META.resendPending, null);
  for (const s of sessions)
    sql.exec("UPDATE sessions SET flushed_version = ? WHERE id = ?", s.version, s.id);
  acknowledgeConsents(sql, lastConsent);
  return { flushed: rows.length, remaining: unflushed(store) };
}

/** Touchpoints Turso does not have, or has from before a correction. */
export function waitingTouchpoints(store: SessionStore): number {
  const through = flushedThrough(store);
  const after = store.sql
    .exec<{ n: number }>("SELECT count(*) AS n FROM touchpoints WHERE seq > ?", through)
    .one().n;
  if (!store.meta(META.resendPending)) return after;
  return (
    after +
    store.sql
      .exec<{ n: number }>(
        "SELECT count(*) AS n FROM touchpoints WHERE resend > 0 AND seq <= ?",
        through,
      )
      .one().n
  );
}

/** Touchpoints and consent choices still waiting for Turso. */
export function unflushed(store: SessionStore): number {
  const consents = store.sql
    .exec<{ n: number }>("SELECT count(*) AS n FROM consents WHERE flushed = 0")
    .one().n;
  return waitingTouchpoints(store) + consents;
}

/** Drops touchpoints Turso has, past the local retention. */
export function trimLocal(store: SessionStore, now: number): void {
  store.sql.exec(
    "DELETE FROM touchpoints WHERE seq <= ? AND resend = 0 AND at < ?",
    flushedThrough(store),
    now - LOCAL_RETENTION_MS,
  );
}

function unflushedConsents(sql: SqlStorage): ConsentTableRow[] {
  return sql
    .exec<ConsentTableRow>(
      "SELECT seq, visitor_id, personalization, analytics, source, at FROM consents WHERE flushed = 0 ORDER BY seq LIMIT ?",
      FLUSH_BATCH,
    )
    .toArray();
}

type TouchpointRow = { seq: number; body: string; received_at: number; resend: number };

/** The next batch Turso does not have, in order (the primary key's range). */
function touchpointsAfter(sql: SqlStorage, through: number): TouchpointRow[] {
  return sql
    .exec<TouchpointRow>(
      "SELECT seq, body, received_at, resend FROM touchpoints WHERE seq > ? ORDER BY seq LIMIT ?",
      through,
      FLUSH_BATCH,
    )
    .toArray();
}

/** Rows Turso has that were corrected since (a scan, only while some are: they are rare). */
function correctedBefore(sql: SqlStorage, through: number, limit = FLUSH_BATCH): TouchpointRow[] {
  return sql
    .exec<TouchpointRow>(
      "SELECT seq, body, received_at, resend FROM touchpoints WHERE resend > 0 AND seq <= ? ORDER BY seq LIMIT ?",
      through,
      limit,
    )
    .toArray();
}

function changedSessions(sql: SqlStorage): SessionTableRow[] {
  return sql
    .exec<SessionTableRow>("SELECT * FROM sessions WHERE version > flushed_version")
    .toArray();
}

function acknowledgeConsents(sql: SqlStorage, lastConsent: number): void {
  sql.exec("UPDATE consents SET flushed = 1 WHERE flushed = 0 AND seq <= ?", lastConsent);
}

function consentRow(r: ConsentTableRow): ConsentRow {
  return {
    visitorId: r.visitor_id,
    personalization: r.personalization === 1,
    analytics: r.analytics === 1,
    source: r.source,
    createdAt: r.at,
  };
}

function sessionRow(visitorId: string, s: SessionTableRow): SessionRow {
  return {
    id: s.id,
    visitorId,
    startedAt: s.started_at,
    lastSeenAt: s.last_seen_at,
    channel: s.channel ?? "direct",
    campaign: s.campaign,
    referrer: s.referrer,
    device: s.device ?? "desktop",
    country: s.country,
    landingPath: s.landing_path ?? "/",
    pageViews: s.page_views,
  };
}
