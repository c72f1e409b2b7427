import { DurableObject } from "cloudflare:workers";

/** One step of a visitor's journey as the Durable Object keeps it. */
export type Touchpoint = {
  at: number;
  type: string;
  path: string | null;
  channel: string | null;
};

export type SessionSnapshot = {
  touchpoints: number;
  recent: Touchpoint[];
};

const RECENT = 20;

/**
 * The single writer of one visitor's state. SQLite storage keeps touchpoints ordered and
 * durable before anything is acknowledged; reads answer the hot path from the same store.
 */
export class VisitorSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Schema creation is idempotent and cheap; running it before any call avoids a race.
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS touchpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        path TEXT,
        channel TEXT
      )`);
    });
  }

  /** Appends a touchpoint and returns the snapshot the hot path would see next. */
  async record(touchpoint: Touchpoint): Promise<SessionSnapshot> {
    this.sql.exec(
      "INSERT INTO touchpoints (at, type, path, channel) VALUES (?, ?, ?, ?)",
      touchpoint.at,
      touchpoint.type,
      touchpoint.path,
      touchpoint.channel,
    );
    return this.snapshot();
  }

  /** Touchpoint count and the most recent ones, newest last (journey order). */
  async snapshot(): Promise<SessionSnapshot> {
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM touchpoints").one().n;
    const recent = this.sql
      .exec<Touchpoint>(
        "SELECT at, type, path, channel FROM touchpoints ORDER BY seq DESC LIMIT ?",
        RECENT,
      )
      .toArray()
      .reverse();
    return { touchpoints: count, recent };
  }
}
