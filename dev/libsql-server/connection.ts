import Database from "libsql";
import {
  decodeValue,
  encodeValue,
  RequestError,
  type Batch,
  type BatchCond,
  type BatchResult,
  type ProtoError,
  type Stmt,
  type StmtResult,
} from "./protocol.ts";

type Engine = InstanceType<typeof Database>;

/** An SQL error from the engine, carried back to the client as a protocol error. */
export function toProtoError(err: unknown): ProtoError {
  const e = err as { message?: string; code?: string };
  return { message: e?.message ?? String(err), code: e?.code ?? "UNKNOWN" };
}

/**
 * One database connection: what a Hrana stream executes on. Each stream has its own, so an
 * interactive transaction is isolated from other clients exactly as with sqld.
 */
export class Connection {
  private readonly db: Engine;
  readonly sqls = new Map<number, string>();

  constructor(file: string) {
    this.db = new Database(file);
    // WAL lets readers and one writer work at once; the timeout waits out short write locks.
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("foreign_keys = ON");
  }

  get isAutocommit(): boolean {
    return !this.db.inTransaction;
  }

  close(): void {
    this.db.close();
  }

  /** Leaves the connection as a fresh one would be: no open transaction, no stored SQL. */
  reset(): void {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.sqls.clear();
  }

  sqlOf(req: { sql?: string; sql_id?: number }): string {
    if (typeof req.sql === "string") return req.sql;
    if (typeof req.sql_id === "number") {
      const sql = this.sqls.get(req.sql_id);
      if (sql === undefined) throw new RequestError(`unknown sql_id ${req.sql_id}`);
      return sql;
    }
    throw new RequestError("statement has neither sql nor sql_id");
  }

  execute(stmt: Stmt): StmtResult {
    const started = performance.now();
    const sql = this.sqlOf(stmt);
    const prepared = this.db.prepare(sql);
    prepared.safeIntegers(true);
    const args: unknown[] = (stmt.args ?? []).map(decodeValue);
    if (stmt.named_args?.length) {
      // The engine names parameters without their prefix (:a, @a and $a all bind "a").
      const named: Record<string, unknown> = {};
      for (const { name, value } of stmt.named_args)
        named[name.replace(/^[:@$]/, "")] = decodeValue(value);
      args.push(named);
    }
    const before = this.totalChanges();
    let rows: unknown[][] = [];
    if (prepared.reader) {
      rows = prepared.raw(true).all(...args) as unknown[][];
    } else {
      prepared.run(...args);
    }
    const [changes, lastRowid, after] = this.db
      .prepare("SELECT changes(), last_insert_rowid(), total_changes()")
      .safeIntegers(true)
      .raw(true)
      .get() as [bigint, bigint, bigint];
    const wrote = after !== before;
    const cols = prepared.reader
      ? prepared
          .columns()
          .map((c: { name: string; type: string | null }) => ({ name: c.name, decltype: c.type }))
      : [];
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

  /** Runs a batch step by step; a step runs only if its condition holds on earlier outcomes. */
  batch(
    batch: Batch,
    onStep?: (i: number, r: StmtResult | null, e: ProtoError | null) => void,
  ): BatchResult {
    if (!Array.isArray(batch?.steps)) throw new RequestError("batch.steps must be an array");
    const result: BatchResult = { step_results: [], step_errors: [] };
    batch.steps.forEach((step, i) => {
      let stepResult: StmtResult | null = null;
      let stepError: ProtoError | null = null;
      if (!step.condition || this.holds(step.condition, result)) {
        try {
          stepResult = this.execute(step.stmt);
        } catch (err) {
          if (err instanceof RequestError) throw err;
          stepError = toProtoError(err);
        }
      }
      result.step_results.push(stepResult);
      result.step_errors.push(stepError);
      onStep?.(i, stepResult, stepError);
    });
    return result;
  }

  sequence(sql: string): void {
    this.db.exec(sql);
  }

  describe(sql: string) {
    const prepared = this.db.prepare(sql);
    const cols = prepared.reader
      ? prepared
          .columns()
          .map((c: { name: string; type: string | null }) => ({ name: c.name, decltype: c.type }))
      : [];
    const params = [...sql.matchAll(/[:@$][A-Za-z_][A-Za-z0-9_]*|\?\d*/g)].map((m) => ({
      name: m[0].startsWith("?") ? null : m[0],
    }));
    return {
      params,
      cols,
      is_explain: /^\s*explain\b/i.test(sql),
      is_readonly:
        /^\s*(select|explain|pragma|with\s+[\s\S]*\bselect\b)/i.test(sql) &&
        !/\b(insert|update|delete)\b/i.test(sql),
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
      default:
        throw new RequestError(
          `unknown batch condition ${JSON.stringify((cond as { type?: unknown }).type)}`,
        );
    }
  }

  private totalChanges(): bigint {
    const row = this.db.prepare("SELECT total_changes()").safeIntegers(true).raw(true).get() as [
      bigint,
    ];
    return row[0];
  }
}
