import Database from "libsql";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import {
  decodeValue,
  encodeValue,
  toProtoError,
  StmtError,
  type Batch,
  type BatchCond,
  type BatchResult,
  type DescribeResult,
  type ProtoError,
  type Stmt,
  type StmtResult,
} from "./protocol.ts";
import { nulSafeQuery, restoreNulText, type TextEncoding } from "./nul-text.ts";
import { countStatements, withoutBlobLiterals } from "./sql-text.ts";

/**
 * One Hrana stream's database connection, run inside an engine process (engine-child.ts) so
 * that slow SQL and lock waits never block the server's event loop, and a crash of the
 * `libsql` binding ends only this engine. Every stream gets a
 * connection of its own, opened on first use and closed when the stream ends: nothing (TEMP
 * tables, PRAGMAs, a half-finished statement) carries over to another client.
 *
 * Written in erasable TypeScript only: Node loads the engine's modules without a build step.
 */
type Engine = InstanceType<typeof Database>;

/** Thrown when a statement would write and the stream does not hold the server's write lock. */
export class NeedsWriteLock extends Error {}

type Param = { name: string | null; used: boolean };
/** What the engine's compiled program says about a statement (from EXPLAIN). */
type StmtMeta = { params: Param[] | null; writes: boolean; explain: boolean };

const META_CACHE_SIZE = 500;
const metaCache = new Map<string, StmtMeta>();

// A failed SQLITE_BUSY statement stays active inside the engine until it is finalized, and the
// binding has no reset: drop it and collect it so its finalizer runs.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;
const collectGarbage = () => gc();
let closes = 0;

/**
 * An EXPLAIN statement stays active after its last row until reset (blocking every later
 * commit on the connection); the binding's get() resets when it is done.
 */
function finishExplain(stmt: { get(args: unknown[]): unknown }): void {
  stmt.get([]);
}

const isExplain = (sql: string) =>
  /^\s*(?:(?:--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)\s*)*explain\b/i.test(sql);

export class Session {
  private db: Engine | null = null;
  /**
   * A second connection for EXPLAIN only. Running EXPLAIN of a write on the stream's own
   * connection resets its changes() count when the statement ends, which breaks SQL such as
   * `INSERT ... WHERE changes() = 0` that reads the count of the statement before it.
   */
  private probeDb: Engine | null = null;
  /** A statement failed with BUSY/LOCKED and may still hold the connection's transaction. */
  private suspect = false;
  /** The database's text encoding, for text read back whole (nul-text.ts). */
  private encoding: TextEncoding = "UTF-8";
  private readonly file: string;
  private readonly busyTimeoutMs: number;
  private readonly fullSync: boolean;

  constructor(file: string, busyTimeoutMs: number, fullSync: boolean) {
    this.file = file;
    this.busyTimeoutMs = busyTimeoutMs;
    this.fullSync = fullSync;
  }

  private conn(): Engine {
    if (!this.db) {
      const db = new Database(this.file);
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
      db.pragma("foreign_keys = ON");
      // WAL + NORMAL: a commit survives the server crashing or being killed; only an OS crash
      // or power cut can lose the last commits. FULL syncs the disk on every commit.
      db.pragma(`synchronous = ${this.fullSync ? "FULL" : "NORMAL"}`);
      this.encoding = db.pragma("encoding", { simple: true }) as TextEncoding;
      this.db = db;
    }
    return this.db;
  }

  /** Opens the connection the next stream will use (a fresh one). */
  prepareNext(): void {
    try {
      this.conn();
    } catch {
      // Retried, with its error reported, on the stream's first request.
      this.db = null;
    }
  }

  get isAutocommit(): boolean {
    return this.db ? !this.db.inTransaction : true;
  }

  private probe(): Engine {
    if (!this.probeDb) {
      const db = new Database(this.file);
      db.pragma("query_only = ON");
      this.probeDb = db;
    }
    return this.probeDb;
  }

  /** Ends the stream: its transaction is rolled back and its connection closed. */
  close(): void {
    try {
      this.probeDb?.close();
    } catch {
      // Nothing of it is reused.
    }
    this.probeDb = null;
    const db = this.db;
    this.db = null;
    this.suspect = false;
    if (!db) return;
    try {
      if (db.inTransaction) db.exec("ROLLBACK");
    } catch {
      // Closing the connection rolls back anyway.
    }
    try {
      db.close();
    } catch {
      // Already unusable; nothing of it is reused.
    }
    // The engine closes the file only once every statement prepared on the connection is
    // finalized, which waits for garbage collection: a quick young-generation collection
    // (where a stream's statements usually still are) releases the descriptors now, and now
    // and then a full one catches statements of long-lived streams.
    gc({ type: ++closes % 32 === 0 ? "major" : "minor" });
  }

  /**
   * Called after every request: if a statement failed with BUSY/LOCKED it is finalized, and a
   * connection that still has a statement in progress is replaced (otherwise later autocommit
   * writes would nest in its transaction and never commit).
   */
  async settle(): Promise<void> {
    if (!this.suspect || !this.db) return;
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    if (this.db.inTransaction) return;
    try {
      this.db.exec("SAVEPOINT vitrine_probe");
      this.db.exec("RELEASE vitrine_probe");
      this.suspect = false;
    } catch {
      this.close();
    }
  }

  private meta(sql: string): StmtMeta {
    const hit = metaCache.get(sql);
    if (hit) return hit;
    if (isExplain(sql)) return { params: null, writes: false, explain: true };
    let ops: unknown[][];
    try {
      // Tables this stream created and has not committed (and TEMP tables) are unknown to
      // the probe: such statements take the cautious answer below.
      const explain = this.probe()
        .prepare("EXPLAIN " + withoutBlobLiterals(sql))
        .raw(true);
      ops = explain.all([]) as unknown[][];
      finishExplain(explain);
    } catch {
      // It will fail the same way when run; until then assume the worst (e.g. a table this
      // batch creates first).
      return { params: null, writes: true, explain: false };
    }
    const params: Param[] = [];
    let writes = false;
    for (const [, opcode, p1, p2, , p4] of ops) {
      if (opcode === "Variable") {
        const index = Number(p1);
        while (params.length < index) params.push({ name: null, used: false });
        params[index - 1] = { name: typeof p4 === "string" ? p4 : null, used: true };
      } else if (opcode === "Transaction" && Number(p2) !== 0) writes = true;
      else if (opcode === "JournalMode" || opcode === "Vacuum") writes = true;
    }
    const meta = { params, writes, explain: false };
    if (metaCache.size >= META_CACHE_SIZE) metaCache.delete(metaCache.keys().next().value!);
    metaCache.set(sql, meta);
    return meta;
  }

  /** Whether running these statements needs the write lock. */
  writes(sqls: string[]): boolean {
    return sqls.some((sql) => this.meta(sql).writes);
  }

  /** Positional values for every parameter, checked against the statement's own list. */
  private bind(meta: StmtMeta, stmt: Stmt): unknown[] {
    const args = stmt.args ?? [];
    const named = stmt.named_args ?? [];
    if (meta.params === null) {
      if (named.length)
        throw new StmtError("named arguments are not supported here", "ARGS_INVALID");
      return args.map(decodeValue);
    }
    const params = meta.params;
    if (args.length > params.length)
      throw new StmtError(
        `statement takes ${params.length} argument(s) but ${args.length} were given`,
        "ARGS_INVALID",
      );
    const values: unknown[] = params.map(() => null);
    const bound = params.map(() => false);
    args.forEach((a, i) => {
      values[i] = decodeValue(a);
      bound[i] = true;
    });
    for (const { name, value } of named) {
      const i = params.findIndex(
        (p) =>
          p.name !== null &&
          (p.name === name || (!p.name.startsWith("?") && p.name.slice(1) === name)),
      );
      if (i < 0) throw new StmtError(`statement has no parameter named ${name}`, "ARGS_INVALID");
      values[i] = decodeValue(value);
      bound[i] = true;
    }
    params.forEach((p, i) => {
      if (p.used && !bound[i])
        throw new StmtError(
          `missing argument for parameter ${p.name ?? `?${i + 1}`}`,
          "ARGS_INVALID",
        );
    });
    return values;
  }

  private track<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      if (typeof code === "string" && /^SQLITE_(BUSY|LOCKED)/.test(code)) this.suspect = true;
      throw err;
    }
  }

  execute(stmt: Stmt, haveLock: boolean): StmtResult {
    const started = performance.now();
    const sql = stmt.sql ?? "";
    const count = countStatements(sql);
    if (count === 0)
      throw new StmtError("SQL string does not contain any statement", "SQL_NO_STATEMENT");
    if (count > 1)
      throw new StmtError(
        "SQL string contains more than one statement (use a batch or sequence)",
        "SQL_MANY_STATEMENTS",
      );
    const meta = this.meta(sql);
    if (meta.writes && !haveLock) throw new NeedsWriteLock();
    const values = this.bind(meta, stmt);
    const db = this.conn();
    const before = this.totalChanges();
    const { rows, cols } = this.track(() => {
      const prepared = db.prepare(sql);
      prepared.safeIntegers(true);
      if (!prepared.reader) {
        prepared.run(values);
        return { rows: [] as unknown[][], cols: [] };
      }
      const columns = prepared.columns() as { name: string; type: string | null }[];
      const cols = columns.map((c) => ({ name: c.name, decltype: c.type }));
      const names = columns.map((c) => c.name);
      const whole = meta.explain ? null : this.prepareNulSafe(db, sql, names);
      if (whole)
        return { rows: restoreNulText(whole.all(values) as unknown[][], this.encoding), cols };
      const rows = prepared.raw(true).all(values) as unknown[][];
      if (meta.explain) finishExplain(prepared);
      return { rows, cols };
    });
    const [changes, lastRowid, after] = db
      .prepare("SELECT changes(), last_insert_rowid(), total_changes()")
      .safeIntegers(true)
      .raw(true)
      .get([]) as [bigint, bigint, bigint];
    const wrote = after !== before;
    return {
      cols,
      rows: stmt.want_rows === false ? [] : rows.map((row) => row.map(encodeValue)),
      affected_row_count: wrote ? Number(changes) : 0,
      last_insert_rowid: wrote ? lastRowid.toString() : null,
      rows_read: rows.length,
      rows_written: wrote ? Number(changes) : 0,
      query_duration_ms: performance.now() - started,
    };
  }

  /**
   * The statement prepared so that text containing NUL reads back whole (nul-text.ts), or
   * null for statements that cannot be rewritten, which run as they are.
   */
  private prepareNulSafe(db: Engine, sql: string, columnNames: string[]) {
    const wrapped = nulSafeQuery(sql, columnNames);
    if (wrapped === null) return null;
    try {
      return db.prepare(wrapped).safeIntegers(true).raw(true);
    } catch {
      // E.g. a result as wide as SQLite allows has no room for the extra column.
      return null;
    }
  }

  /** Runs a batch step by step; a step runs only if its condition holds on earlier outcomes. */
  batch(batch: Batch, haveLock: boolean): BatchResult {
    if (!haveLock && this.writes(batch.steps.map((s) => s.stmt.sql ?? "")))
      throw new NeedsWriteLock();
    const result: BatchResult = { step_results: [], step_errors: [] };
    for (const step of batch.steps) {
      let stepResult: StmtResult | null = null;
      let stepError: ProtoError | null = null;
      if (!step.condition || this.holds(step.condition, result)) {
        try {
          stepResult = this.execute(step.stmt, true);
        } catch (err) {
          stepError = toProtoError(err);
        }
      }
      result.step_results.push(stepResult);
      result.step_errors.push(stepError);
    }
    return result;
  }

  sequence(sql: string, haveLock: boolean): void {
    if (!haveLock) throw new NeedsWriteLock();
    const db = this.conn();
    this.track(() => db.exec(sql));
  }

  describe(sql: string): DescribeResult {
    const count = countStatements(sql);
    if (count !== 1)
      throw new StmtError(
        count ? "SQL string contains more than one statement" : "SQL string is empty",
        count ? "SQL_MANY_STATEMENTS" : "SQL_NO_STATEMENT",
      );
    const prepared = this.conn().prepare(sql);
    const meta = this.meta(sql);
    return {
      params: (meta.params ?? []).map((p) => ({ name: p.name })),
      cols: prepared.reader
        ? prepared
            .columns()
            .map((c: { name: string; type: string | null }) => ({ name: c.name, decltype: c.type }))
        : [],
      is_explain: meta.explain,
      is_readonly: !meta.writes,
    };
  }

  private holds(cond: BatchCond, r: BatchResult): boolean {
    switch (cond.type) {
      case "ok":
        return r.step_results[cond.step] != null;
      case "error":
        return r.step_errors[cond.step] != null;
      case "not":
        return !this.holds(cond.cond, r);
      case "and":
        return cond.conds.every((c) => this.holds(c, r));
      case "or":
        return cond.conds.some((c) => this.holds(c, r));
      case "is_autocommit":
        return this.isAutocommit;
    }
  }

  private totalChanges(): bigint {
    const row = this.conn()
      .prepare("SELECT total_changes()")
      .safeIntegers(true)
      .raw(true)
      .get([]) as [bigint];
    return row[0];
  }
}
