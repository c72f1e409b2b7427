import { DurableObject } from "cloudflare:workers";
import type { TrackedEvent } from "../model/events.ts";
import type { SessionState } from "../model/profile.ts";
import { applyEvent, emptyJourney, enterSession, type JourneyState } from "./journey.ts";

export type TrackResult = { accepted: number; duplicates: number; session: SessionState };

const JOURNEY_KEY = "journey";

/**
 * The single writer of one visitor's state. Touchpoints go to SQLite storage first (ordered,
 * idempotent by client event id); the journey (session, cart, stage) is folded from them and
 * answers the hot path without touching anything else.
 */
export class VisitorSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private journey: JourneyState | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Idempotent schema setup before the first call, so no call sees a missing table.
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS touchpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        session_id TEXT,
        type TEXT NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL,
        flushed INTEGER NOT NULL DEFAULT 0
      )`);
      this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    });
  }

  /** The session as the hot path needs it; a new session id starts a new session. */
  async state(sessionId: string, now: number): Promise<SessionState> {
    return enterSession(this.load(sessionId, now), sessionId, now).session;
  }

  /** Stores new touchpoints (a retried event id is ignored) and folds them into the journey. */
  async track(events: TrackedEvent[]): Promise<TrackResult> {
    let journey = this.load(events[0]?.sessionId ?? "unknown", events[0]?.at ?? Date.now());
    let accepted = 0;
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      // RETURNING tells whether the row is new; rowsWritten also counts index work on conflicts.
      const inserted = this.sql
        .exec(
          "INSERT INTO touchpoints (event_id, session_id, type, at, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING RETURNING seq",
          event.id,
          event.sessionId,
          event.type,
          event.at,
          JSON.stringify(event),
        )
        .toArray().length;
      if (!inserted) continue;
      accepted++;
      journey = applyEvent(journey, event);
    }
    if (accepted) this.save(journey);
    return { accepted, duplicates: events.length - accepted, session: journey.session };
  }

  /** Touchpoints in journey order (oldest first), for the single customer view and export. */
  async touchpoints(limit = 500): Promise<TrackedEvent[]> {
    return this.sql
      .exec<{ body: string }>("SELECT body FROM touchpoints ORDER BY at, seq LIMIT ?", limit)
      .toArray()
      .map((row) => JSON.parse(row.body) as TrackedEvent);
  }

  private load(sessionId: string, now: number): JourneyState {
    if (this.journey) return this.journey;
    const row = this.sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", JOURNEY_KEY)
      .toArray()[0];
    this.journey = row ? (JSON.parse(row.value) as JourneyState) : emptyJourney(sessionId, now);
    return this.journey;
  }

  private save(journey: JourneyState): void {
    this.journey = journey;
    this.sql.exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      JOURNEY_KEY,
      JSON.stringify(journey),
    );
  }
}
