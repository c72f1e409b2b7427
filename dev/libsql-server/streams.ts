import { randomBytes } from "node:crypto";
import type { CallBody, EngineReply } from "./engine-messages.ts";
import { EngineCrashed, EnginePool, type EngineProcess } from "./engine-pool.ts";
import {
  RequestError,
  StmtError,
  type Batch,
  type BatchResult,
  type DescribeResult,
  type Stmt,
  type StmtResult,
  type StreamRequest,
} from "./protocol.ts";
import { looksLikeWrite } from "./sql-text.ts";
import { WriteLock } from "./write-lock.ts";

/** A Hrana stream: its engine process (and connection) and, over HTTP, its stored SQL. */
export class Stream {
  /** Stored SQL: per stream over HTTP; shared by a WebSocket connection's streams. */
  sqls: Map<number, string>;
  broken = false;
  /** Why the stream ended on its own: its engine crashed. Later requests get this error. */
  lost: string | null = null;
  constructor(
    readonly engine: EngineProcess,
    sqls?: Map<number, string>,
  ) {
    this.sqls = sqls ?? new Map();
  }
}

export type StreamOptions = {
  file: string;
  /** How long an unused HTTP stream (and its transaction) is kept, in ms. */
  idleMs: number;
  /** How long a writer may wait in line for the write lock before getting SQLITE_BUSY. */
  writeLockTimeoutMs: number;
  /** The engine's own busy timeout (other processes writing the same file), in ms. */
  busyTimeoutMs: number;
  /** Sync the disk on every commit (survives power loss), at a few ms per commit. */
  fullSync: boolean;
  /** Engine processes at most (one per open stream; more streams wait for one). */
  maxThreads: number;
  /** Told when an engine crashes. */
  log?: (msg: string) => void;
};

type Kept = { stream: Stream; timer: NodeJS.Timeout };

/**
 * Streams and what runs on them. Over HTTP a stream lives across requests through a baton that
 * changes on every response (a replayed or stale baton is refused); an idle stream is rolled
 * back and closed, as sqld does after its stream timeout, which also frees the write lock.
 */
export class StreamRegistry {
  private readonly byBaton = new Map<string, Kept>();
  private readonly live = new Set<Stream>();
  private readonly releasing = new Set<Promise<void>>();
  private readonly pool: EnginePool;
  private readonly lock: WriteLock;
  private closed = false;
  /** SQL texts an engine has refused to run without the write lock. */
  private readonly writingSql = new Set<string>();

  constructor(private readonly options: StreamOptions) {
    this.pool = new EnginePool(
      { file: options.file, busyTimeoutMs: options.busyTimeoutMs, fullSync: options.fullSync },
      options.maxThreads,
    );
    this.pool.warm(Math.min(6, options.maxThreads));
    this.lock = new WriteLock(options.writeLockTimeoutMs);
  }

  /** A new stream on an engine of its own with a fresh connection. */
  async create(sqls?: Map<number, string>): Promise<Stream> {
    if (this.closed) throw new RequestError("server is shutting down");
    const stream = new Stream(await this.pool.acquire(), sqls);
    this.live.add(stream);
    stream.engine.onCrash = (reason) => this.crashed(stream, reason);
    return stream;
  }

  /**
   * The stream's engine died: SQLite has rolled its transaction back. The stream ends (write
   * lock freed, the pool starts another engine); its requests in flight and any later ones
   * get an error saying so.
   */
  private crashed(stream: Stream, reason: string): void {
    if (stream.lost) return;
    stream.lost = `its database engine crashed (${reason}); its uncommitted transaction was rolled back`;
    stream.broken = true;
    this.options.log?.(`libsql-server: engine process crashed: ${reason}`);
    this.lock.release(stream);
    void this.release(stream);
  }

  /** The stream an HTTP request continues (its baton) or a new one (no baton). */
  async open(baton: string | null): Promise<Stream> {
    if (baton === null) return this.create();
    const kept = this.byBaton.get(baton);
    if (!kept) throw new RequestError("invalid or expired baton");
    this.byBaton.delete(baton);
    clearTimeout(kept.timer);
    if (kept.stream.lost) throw new RequestError(`stream closed: ${kept.stream.lost}`);
    return kept.stream;
  }

  /** Keeps an HTTP stream open for its next request and returns its new baton. */
  keep(stream: Stream): string | null {
    // A stream whose engine crashed keeps its baton for a while, so that the client's next
    // request in it (say, a COMMIT) is refused rather than run on a new stream outside it.
    if ((stream.broken && !stream.lost) || this.closed) {
      void this.release(stream);
      return null;
    }
    const baton = randomBytes(24).toString("base64url");
    const timer = setTimeout(() => {
      this.byBaton.delete(baton);
      void this.release(stream);
    }, this.options.idleMs);
    timer.unref();
    this.byBaton.set(baton, { stream, timer });
    return baton;
  }

  /** Ends a stream: rolled back, its connection closed, the write lock freed. */
  release(stream: Stream): Promise<void> {
    if (!this.live.delete(stream)) return Promise.resolve();
    // Never rejects: an engine that fails to reset is stopped by the pool.
    const done = this.pool
      .release(stream.engine)
      .catch(() => undefined)
      .finally(() => {
        this.lock.release(stream);
        this.releasing.delete(done);
      });
    this.releasing.add(done);
    return done;
  }

  /** Runs one request (not `close`) on a stream; SQL errors are thrown for the caller to report. */
  async run(stream: Stream, request: Exclude<StreamRequest, { type: "close" }>) {
    switch (request.type) {
      case "execute":
        return {
          type: "execute",
          result: await this.execute(stream, request.stmt),
        };
      case "batch":
        return { type: "batch", result: await this.batch(stream, request.batch) };
      case "sequence":
        await this.call(stream, {
          op: "sequence",
          sql: this.sqlOf(stream, request),
          haveLock: false,
        });
        return { type: "sequence" };
      case "describe":
        return {
          type: "describe",
          result: (await this.call(stream, {
            op: "describe",
            sql: this.sqlOf(stream, request),
          })) as DescribeResult,
        };
      case "store_sql":
        stream.sqls.set(request.sql_id, request.sql);
        return { type: "store_sql" };
      case "close_sql":
        stream.sqls.delete(request.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return {
          type: "get_autocommit",
          is_autocommit: (await this.call(stream, { op: "autocommit" })) as boolean,
        };
    }
  }

  execute(stream: Stream, stmt: Stmt): Promise<StmtResult> {
    return this.call(stream, {
      op: "execute",
      stmt: this.resolve(stream, stmt),
      haveLock: false,
    }) as Promise<StmtResult>;
  }

  batch(stream: Stream, batch: Batch): Promise<BatchResult> {
    const steps = batch.steps.map((s) => ({ ...s, stmt: this.resolve(stream, s.stmt) }));
    return this.call(stream, {
      op: "batch",
      batch: { steps },
      haveLock: false,
    }) as Promise<BatchResult>;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    for (const kept of this.byBaton.values()) clearTimeout(kept.timer);
    this.byBaton.clear();
    await Promise.all([...this.live].map((s) => this.release(s)));
    await Promise.allSettled([...this.releasing]);
    await this.pool.closeAll();
  }

  private sqlOf(stream: Stream, r: { sql?: string; sql_id?: number }): string {
    if (typeof r.sql === "string") return r.sql;
    const sql = stream.sqls.get(r.sql_id!);
    if (sql === undefined)
      throw new StmtError(`no SQL stored under sql_id ${r.sql_id}`, "SQL_NOT_FOUND");
    return sql;
  }

  private resolve(stream: Stream, stmt: Stmt): Stmt {
    return { ...stmt, sql: this.sqlOf(stream, stmt), sql_id: undefined };
  }

  /**
   * One call into the stream's engine. A call that would write is first refused by the
   * engine; the stream then queues for the write lock and the call is repeated holding it.
   * The lock is given back once the connection is in autocommit again.
   */
  private async call(stream: Stream, body: CallBody): Promise<unknown> {
    if (stream.lost) throw new EngineCrashed(`stream closed: ${stream.lost}`);
    let reply: EngineReply;
    try {
      // A writer joins the lock's queue as it arrives (so writers are served in order); SQL
      // that does not look like a write is asked about first.
      if (this.knownToWrite(body)) await this.acquireLock(stream);
      reply = await stream.engine.call(this.withLock(stream, body));
      if ("needsLock" in reply) {
        this.learnWrites(body);
        await this.acquireLock(stream);
        reply = await stream.engine.call(this.withLock(stream, body));
      }
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY") stream.broken = true;
      if (stream.broken || (await this.autocommit(stream))) this.lock.release(stream);
      if (err instanceof EngineCrashed) {
        this.crashed(stream, stream.engine.exitReason ?? err.message);
        throw new EngineCrashed(
          `the database engine crashed while running ${describeCall(body)} (${stream.engine.exitReason}); the stream is closed and its uncommitted transaction was rolled back`,
        );
      }
      throw err;
    }
    if ("needsLock" in reply) throw new Error("engine asked for the write lock twice");
    if (reply.autocommit) this.lock.release(stream);
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
    return reply.result;
  }

  private async acquireLock(stream: Stream): Promise<void> {
    await this.lock.acquire(stream);
    // The stream may have ended (server shutting down) while it waited in line.
    if (!this.live.has(stream)) {
      this.lock.release(stream);
      if (stream.lost) throw new EngineCrashed(`stream closed: ${stream.lost}`);
      throw new Error("stream closed while waiting for the write lock");
    }
  }

  private async autocommit(stream: Stream): Promise<boolean> {
    const reply = await stream.engine.call({ op: "autocommit" }).catch(() => null);
    return !reply || !("ok" in reply) || reply.ok !== true || reply.result === true;
  }

  private withLock(stream: Stream, body: CallBody): CallBody {
    return "haveLock" in body ? { ...body, haveLock: this.lock.holds(stream) } : body;
  }

  private sqlsOf(body: CallBody): string[] {
    if (body.op === "execute") return [body.stmt.sql ?? ""];
    if (body.op === "batch") return body.batch.steps.map((s) => s.stmt.sql ?? "");
    return [];
  }

  private knownToWrite(body: CallBody): boolean {
    if (body.op === "sequence") return true;
    return this.sqlsOf(body).some((sql) => this.writingSql.has(sql) || looksLikeWrite(sql));
  }

  private learnWrites(body: CallBody): void {
    const sqls = this.sqlsOf(body);
    // A batch is refused if any step writes; only a single statement identifies the writer.
    if (sqls.length !== 1) return;
    if (this.writingSql.size >= 1000) this.writingSql.clear();
    this.writingSql.add(sqls[0]!);
  }
}

/** What a call ran, for the error of an engine that crashed running it. */
function describeCall(body: CallBody): string {
  const quote = (sql: string) => JSON.stringify(sql.length > 200 ? sql.slice(0, 200) + "..." : sql);
  switch (body.op) {
    case "execute":
      return `the statement ${quote(body.stmt.sql ?? "")}`;
    case "batch":
      return `a batch of ${body.batch.steps.length} statement(s) starting ${quote(body.batch.steps[0]?.stmt.sql ?? "")}`;
    case "sequence":
    case "describe":
      return `the ${body.op} ${quote(body.sql)}`;
    default:
      return `a ${body.op} request`;
  }
}
