import type { Bucket } from "../ingest/token-bucket.ts";
import type { TrackedEvent } from "../model/events.ts";

/** The keys of the object's `meta` table (one string value each). */
export const META = {
  journey: "journey",
  /** The events API's per-visitor token bucket. */
  eventsBucket: "events_bucket",
  visitor: "visitor",
  attempts: "flush_attempts",
  /** While Turso is failing, new touchpoints do not bring the next attempt before this (backoff). */
  retryAt: "flush_retry_at",
  erasing: "erasing",
  /** The builder's state and the last touchpoint folded into it. */
  profileState: "profile_state",
  profileSeq: "profile_seq",
  /** When KV last got the profile, whether it is out of date, and when time alone changes it. */
  profileWrittenAt: "profile_written_at",
  profileDirty: "profile_dirty",
  profileRefreshAt: "profile_refresh_at",
  /**
   * A profile KV held before this object met the visitor (seeded, imported from another
   * system): it is served until the object's first KV write replaces it with its own.
   */
  adopted: "adopted_profile",
  /** Own touchpoints changed a customer's merged profile: the other devices should rewrite theirs. */
  notifyPeers: "notify_peers",
  /** The latest withdrawal of personalization consent: choices made before it are void. */
  withdrawnAt: "consent_withdrawn_at",
  /**
   * The tombstone of an erased visitor: when the erasure completed. Nothing is stored for the id
   * afterwards and every consent choice the browser may replay is void (see data-rights.ts).
   */
  erasedAt: "erased_at",
  /**
   * The last touchpoint (by `seq`) Turso has: the ones after it wait for the next flush. One
   * value per flush instead of a flag and an index entry per row, each a billed row write.
   */
  flushedThrough: "flushed_through",
  /** A touchpoint Turso has was corrected since: rows with `resend` > 0 go again. */
  resendPending: "resend_pending",
};

/** Who the visitor is, as stored under `META.visitor`. */
export type VisitorFacts = {
  id: string;
  customerId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
};

/** Creates the object's tables; idempotent, so it runs before the first call of every start. */
export function migrate(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  // `resend`: corrections of the row not yet sent to Turso (see META.resendPending).
  sql.exec(`CREATE TABLE IF NOT EXISTS touchpoints (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      session_id TEXT,
      type TEXT NOT NULL,
      at INTEGER NOT NULL,
      body TEXT NOT NULL,
      resend INTEGER NOT NULL DEFAULT 0,
      received_at INTEGER NOT NULL DEFAULT 0
    )`);
  toWatermark(sql);
  sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      started_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      page_views INTEGER NOT NULL DEFAULT 0,
      channel TEXT, campaign TEXT, referrer TEXT, device TEXT, country TEXT, landing_path TEXT,
      version INTEGER NOT NULL DEFAULT 1,
      flushed_version INTEGER NOT NULL DEFAULT 0
    )`);
  // Consent choices wait here for Turso's audit log, like touchpoints do.
  sql.exec(`CREATE TABLE IF NOT EXISTS consents (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      visitor_id TEXT NOT NULL,
      personalization INTEGER NOT NULL,
      analytics INTEGER NOT NULL,
      source TEXT NOT NULL,
      at INTEGER NOT NULL,
      flushed INTEGER NOT NULL DEFAULT 0
    )`);
}

/**
 * Storage laid out with a `flushed` flag per touchpoint (and an index on it) moves to
 * META.flushedThrough: the watermark goes just before the first row Turso does not have, so
 * nothing waiting is skipped (rows after it that Turso has are sent again, which it ignores).
 */
function toWatermark(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>("PRAGMA table_info(touchpoints)").toArray();
  if (!columns.some((c) => c.name === "flushed")) return;
  const { through } = sql
    .exec<{ through: number }>(
      "SELECT coalesce((SELECT min(seq) - 1 FROM touchpoints WHERE flushed = 0), (SELECT max(seq) FROM touchpoints), 0) AS through",
    )
    .one();
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
    META.flushedThrough,
    String(through),
  );
  sql.exec("DROP INDEX IF EXISTS touchpoints_unflushed");
  sql.exec("ALTER TABLE touchpoints DROP COLUMN flushed");
  sql.exec("ALTER TABLE touchpoints ADD COLUMN resend INTEGER NOT NULL DEFAULT 0");
}

/** The last touchpoint Turso has (see META.flushedThrough). */
export function flushedThrough(store: Pick<SessionStore, "meta">): number {
  return Number(store.meta(META.flushedThrough) ?? 0);
}

/** A row of the `consents` table as the flush reads it. */
export type ConsentTableRow = {
  seq: number;
  visitor_id: string;
  personalization: number;
  analytics: number;
  source: string;
  at: number;
};

/** A row of the `sessions` table. */
export type SessionTableRow = {
  id: string;
  started_at: number;
  last_seen_at: number;
  page_views: number;
  channel: string | null;
  campaign: string | null;
  referrer: string | null;
  device: string | null;
  country: string | null;
  landing_path: string | null;
  version: number;
  flushed_version: number;
};

/**
 * The object's SQLite storage and the meta values in it. Meta values are kept as stored: the
 * object is their only writer, so reads after the first come from memory (the hot path reads
 * several per call).
 */
export class SessionStore {
  private readonly cache = new Map<string, string | null>();
  private parsedFacts: { raw: string; facts: VisitorFacts } | null = null;

  constructor(readonly sql: SqlStorage) {}

  meta(key: string): string | null {
    if (this.cache.has(key)) return this.cache.get(key)!;
    const value =
      this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]
        ?.value ?? null;
    this.cache.set(key, value);
    return value;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    else
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        key,
        value,
      );
    this.cache.set(key, value);
  }

  /** Forgets what was read: the storage was emptied. */
  forget(): void {
    this.cache.clear();
    this.parsedFacts = null;
  }

  facts(): VisitorFacts | null {
    const raw = this.meta(META.visitor);
    if (raw !== this.parsedFacts?.raw)
      this.parsedFacts = raw ? { raw, facts: JSON.parse(raw) as VisitorFacts } : null;
    return this.parsedFacts?.facts ?? null;
  }

  /** The latest withdrawal; an erasure counts as one (every choice before it is void). */
  withdrawnAt(): number | null {
    const raw = this.meta(META.erasedAt) ?? this.meta(META.withdrawnAt);
    return raw === null ? null : Number(raw);
  }

  storedBucket(): Bucket | null {
    const raw = this.meta(META.eventsBucket);
    if (raw === null) return null;
    const b = JSON.parse(raw) as Partial<Bucket>;
    return Number.isFinite(b.tokens) && Number.isFinite(b.at) ? (b as Bucket) : null;
  }
}

/**
 * Stores a touchpoint unless its client event id is already stored: its `seq`, or undefined
 * for a repeat.
 */
export function insertTouchpoint(
  sql: SqlStorage,
  event: TrackedEvent,
  receivedAt: number,
): number | undefined {
  // RETURNING tells whether the row is new; rowsWritten also counts index work on conflicts.
  return sql
    .exec<{ seq: number }>(
      "INSERT INTO touchpoints (event_id, session_id, type, at, body, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING RETURNING seq",
      event.id,
      event.sessionId,
      event.type,
      event.at,
      JSON.stringify(event),
      receivedAt,
    )
    .toArray()[0]?.seq;
}

/** Running totals per session, so Turso gets absolute counts (repeatable writes). */
export function countSession(sql: SqlStorage, event: TrackedEvent): void {
  if (!event.sessionId) return;
  const data = event.data;
  const text = (v: unknown) => (typeof v === "string" && v ? v : null);
  sql.exec(
    `INSERT INTO sessions (id, started_at, last_seen_at, page_views, channel, campaign, referrer, device, country, landing_path)
       VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT(id) DO UPDATE SET
         started_at = min(started_at, ?2), last_seen_at = max(last_seen_at, ?2),
         page_views = page_views + ?3,
         channel = coalesce(channel, ?4), campaign = coalesce(campaign, ?5),
         referrer = coalesce(referrer, ?6), device = coalesce(device, ?7),
         country = coalesce(country, ?8), landing_path = coalesce(landing_path, ?9),
         version = version + 1`,
    event.sessionId,
    event.at,
    event.type === "page_view" ? 1 : 0,
    event.channel,
    text(data.campaign),
    text(data.referrerHost),
    event.device,
    text(data.country),
    event.type === "page_view" ? event.path : null,
  );
}

/** The latest touchpoints in journey order (oldest first). */
export function latestTouchpoints(sql: SqlStorage, limit: number): TrackedEvent[] {
  return sql
    .exec<{ body: string }>(
      "SELECT body FROM (SELECT body, at, seq FROM touchpoints ORDER BY at DESC, seq DESC LIMIT ?) ORDER BY at, seq",
      limit,
    )
    .toArray()
    .map((row) => JSON.parse(row.body) as TrackedEvent);
}
