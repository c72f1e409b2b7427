import { randomBytes } from "node:crypto";
import type { CallBody, EngineReply } from "./engine-messages.ts";
import { EnginePool, type EngineThread } from "./engine-pool.ts";
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

/** A Hrana stream: its engine thread (and connection) and, over HTTP, its stored SQL. */
export class Stream {
  /** Stored SQL: per stream over HTTP; shared by a WebSocket connection's streams. */
  sqls: Map<number, string>;
  broken = false;
  constructor(
    readonly thread: EngineThread,
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
  /** Engine threads at most (one per open stream; more streams wait for one). */
  maxThreads: number;
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
  /** SQL texts an engine thread has refused to run without the write lock. */
  private readonly writingSql = new Set<string>();

  constructor(private readonly options: StreamOptions) {
    this.pool = new EnginePool(
      { file: options.file, busyTimeoutMs: options.busyTimeoutMs, fullSync: options.fullSync },
      options.maxThreads,
    );
    this.pool.warm(Math.min(6, options.maxThreads));
    this.lock = new WriteLock(options.writeLockTimeoutMs);
  }

  /** A new stream on a thread of its own with a fresh connection. */
  async create(sqls?: Map<number, string>): Promise<Stream> {
    if (this.closed) throw new RequestError("server is shutting down");
    const stream = new Stream(await this.pool.acquire(), sqls);
    this.live.add(stream);
    return stream;
  }

  /** The stream an HTTP request continues (its baton) or a new one (no baton). */
  async open(baton: string | null): Promise<Stream> {
    if (baton === null) return this.create();
    const kept = this.byBaton.get(baton);
    if (!kept) throw new RequestError("invalid or expired baton");
    this.byBaton.delete(baton);
    clearTimeout(kept.timer);
    return kept.stream;
  }

  /** Keeps an HTTP stream open for its next request and returns its new baton. */
  keep(stream: Stream): string | null {
    if (stream.broken || this.closed) {
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
    // Never rejects: a thread that fails to reset is stopped by the pool.
    const done = this.pool
      .release(stream.thread)
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
        await this.engine(stream, {
          op: "sequence",
          sql: this.sqlOf(stream, request),
          haveLock: false,
        });
        return { type: "sequence" };
      case "describe":
        return {
          type: "describe",
          result: (await this.engine(stream, {
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
          is_autocommit: (await this.engine(stream, { op: "autocommit" })) as boolean,
        };
    }
  }

  execute(stream: Stream, stmt: Stmt): Promise<StmtResult> {
    return this.engine(stream, {
      op: "execute",
      stmt: this.resolve(stream, stmt),
      haveLock: false,
    }) as Promise<StmtResult>;
  }

  batch(stream: Stream, batch: Batch): Promise<BatchResult> {
    const steps = batch.steps.map((s) => ({ ...s, stmt: this.resolve(stream, s.stmt) }));
    return this.engine(stream, {
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
   * One call into the stream's engine thread. A call that would write is first refused by the
   * thread; the stream then queues for the write lock and the call is repeated holding it.
   * The lock is given back once the connection is in autocommit again.
   */
  private async engine(stream: Stream, body: CallBody): Promise<unknown> {
    let reply: EngineReply;
    try {
      // A writer joins the lock's queue as it arrives (so writers are served in order); SQL
      // that does not look like a write is asked about first.
      if (this.knownToWrite(body)) await this.acquireLock(stream);
      reply = await stream.thread.call(this.withLock(stream, body));
      if ("needsLock" in reply) {
        this.learnWrites(body);
        await this.acquireLock(stream);
        reply = await stream.thread.call(this.withLock(stream, body));
      }
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_BUSY") stream.broken = true;
      if (stream.broken || (await this.autocommit(stream))) this.lock.release(stream);
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
      throw new Error("stream closed while waiting for the write lock");
    }
  }

  private async autocommit(stream: Stream): Promise<boolean> {
    const reply = await stream.thread.call({ op: "autocommit" }).catch(() => null);
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
