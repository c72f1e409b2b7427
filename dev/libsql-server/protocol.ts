/**
 * The JSON shapes of the libSQL remote protocol (Hrana 2 and 3, over HTTP and WebSocket) that
 * this server speaks: validation of what clients send, conversion between protocol values and
 * the engine's JS values, and the JSON encoding of answers. Pure: no I/O, no engine.
 */
export type ProtoValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

export type Stmt = {
  sql?: string;
  sql_id?: number;
  args?: ProtoValue[];
  named_args?: { name: string; value: ProtoValue }[];
  want_rows?: boolean;
};

export type BatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and"; conds: BatchCond[] }
  | { type: "or"; conds: BatchCond[] }
  | { type: "is_autocommit" };

export type Batch = { steps: { condition?: BatchCond | null; stmt: Stmt }[] };

export type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: Stmt }
  | { type: "batch"; batch: Batch }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "describe"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number }
  | { type: "get_autocommit" };

export type ProtoError = { message: string; code?: string };

export type Col = { name: string | null; decltype: string | null };

export type StmtResult = {
  cols: Col[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
  rows_read: number;
  rows_written: number;
  query_duration_ms: number;
};

export type BatchResult = {
  step_results: (StmtResult | null)[];
  step_errors: (ProtoError | null)[];
};

export type DescribeResult = {
  params: { name: string | null }[];
  cols: Col[];
  is_explain: boolean;
  is_readonly: boolean;
};

/** A malformed request: answered with HTTP 400 (or a WebSocket protocol error). */
export class RequestError extends Error {}

/** An error the client caused that is reported in the protocol, e.g. a bad argument list. */
export class StmtError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function fail(where: string, what: string): never {
  throw new RequestError(`${where}: ${what}`);
}

/** Checks one protocol value's shape (it is converted to an engine value later). */
export function checkValue(v: unknown, where: string): ProtoValue {
  if (!isObject(v)) fail(where, "value must be an object");
  switch (v.type) {
    case "null":
      return { type: "null" };
    case "integer":
      // Hrana sends integers as strings; numbers are accepted too, as sqld does.
      if (typeof v.value === "number" && Number.isSafeInteger(v.value))
        return { type: "integer", value: String(v.value) };
      if (typeof v.value !== "string" || !/^-?\d+$/.test(v.value))
        fail(where, `invalid integer value ${JSON.stringify(v.value)}`);
      if (BigInt(v.value) > 2n ** 63n - 1n || BigInt(v.value) < -(2n ** 63n))
        fail(where, `integer ${v.value} does not fit in 64 bits`);
      return { type: "integer", value: v.value };
    case "float":
      if (typeof v.value !== "number") fail(where, "float value must be a number");
      return { type: "float", value: v.value };
    case "text":
      if (typeof v.value !== "string") fail(where, "text value must be a string");
      return { type: "text", value: v.value };
    case "blob":
      if (typeof v.base64 !== "string") fail(where, "blob value needs base64");
      return { type: "blob", base64: v.base64 };
    default:
      return fail(where, `unknown value type ${JSON.stringify(v.type)}`);
  }
}

function checkSqlRef(r: Record<string, unknown>, where: string): void {
  const hasSql = typeof r.sql === "string";
  const hasId = typeof r.sql_id === "number" && Number.isInteger(r.sql_id);
  if (hasSql === hasId) fail(where, "needs exactly one of sql (a string) and sql_id (an integer)");
}

export function checkStmt(s: unknown, where: string): Stmt {
  if (!isObject(s)) fail(where, "stmt must be an object");
  checkSqlRef(s, where);
  if (s.args !== undefined && s.args !== null && !Array.isArray(s.args))
    fail(where, "args must be an array");
  if (s.named_args !== undefined && s.named_args !== null && !Array.isArray(s.named_args))
    fail(where, "named_args must be an array");
  if (s.want_rows !== undefined && s.want_rows !== null && typeof s.want_rows !== "boolean")
    fail(where, "want_rows must be a boolean");
  return {
    sql: s.sql as string | undefined,
    sql_id: s.sql_id as number | undefined,
    args: ((s.args as unknown[] | null) ?? []).map((a, i) => checkValue(a, `${where}.args[${i}]`)),
    named_args: ((s.named_args as unknown[] | null) ?? []).map((a, i) => {
      const at = `${where}.named_args[${i}]`;
      if (!isObject(a) || typeof a.name !== "string") fail(at, "needs a name and a value");
      return { name: a.name, value: checkValue(a.value, at) };
    }),
    want_rows: s.want_rows !== false,
  };
}

/**
 * How deep batch conditions may nest. Checking and evaluating them recurses, so a deeper one
 * would overflow the stack; sqld's JSON decoder stops at 128 levels of nesting too.
 */
const MAX_COND_DEPTH = 100;

function checkCond(c: unknown, where: string, depth = 1): BatchCond {
  if (!isObject(c)) fail(where, "condition must be an object");
  if (depth > MAX_COND_DEPTH) fail(where, `condition nests more than ${MAX_COND_DEPTH} levels`);
  switch (c.type) {
    case "ok":
    case "error":
      if (!Number.isInteger(c.step) || (c.step as number) < 0)
        fail(where, "condition step must be a step index");
      return { type: c.type, step: c.step as number };
    case "not":
      return { type: "not", cond: checkCond(c.cond, where, depth + 1) };
    case "and":
    case "or":
      if (!Array.isArray(c.conds)) fail(where, "conds must be an array");
      return { type: c.type, conds: c.conds.map((x) => checkCond(x, where, depth + 1)) };
    case "is_autocommit":
      return { type: "is_autocommit" };
    default:
      return fail(where, `unknown batch condition ${JSON.stringify(c.type)}`);
  }
}

export function checkBatch(b: unknown, where: string): Batch {
  if (!isObject(b) || !Array.isArray(b.steps)) fail(where, "batch.steps must be an array");
  return {
    steps: b.steps.map((step, i) => {
      const at = `${where}.steps[${i}]`;
      if (!isObject(step)) fail(at, "step must be an object");
      return {
        condition: step.condition == null ? null : checkCond(step.condition, at),
        stmt: checkStmt(step.stmt, at),
      };
    }),
  };
}

/** Validates one stream request; throws RequestError naming what is wrong. */
export function checkRequest(r: unknown, where: string): StreamRequest {
  if (!isObject(r)) fail(where, "request must be an object");
  switch (r.type) {
    case "close":
    case "get_autocommit":
      return { type: r.type };
    case "execute":
      return { type: "execute", stmt: checkStmt(r.stmt, `${where}.stmt`) };
    case "batch":
      return { type: "batch", batch: checkBatch(r.batch, `${where}.batch`) };
    case "sequence":
    case "describe":
      checkSqlRef(r, where);
      return { type: r.type, sql: r.sql as string, sql_id: r.sql_id as number };
    case "store_sql":
      if (!Number.isInteger(r.sql_id) || typeof r.sql !== "string")
        fail(where, "store_sql needs sql_id (an integer) and sql (a string)");
      return { type: "store_sql", sql_id: r.sql_id as number, sql: r.sql as string };
    case "close_sql":
      if (!Number.isInteger(r.sql_id)) fail(where, "close_sql needs sql_id (an integer)");
      return { type: "close_sql", sql_id: r.sql_id as number };
    default:
      return fail(where, `unknown request type ${JSON.stringify(r.type)}`);
  }
}

/** A whole HTTP pipeline body, validated before anything in it runs. */
export function checkPipeline(body: unknown): {
  baton: string | null;
  requests: StreamRequest[];
} {
  if (!isObject(body)) fail("body", "must be a JSON object");
  if (body.baton != null && typeof body.baton !== "string") fail("baton", "must be a string");
  if (!Array.isArray(body.requests)) fail("requests", "must be an array");
  return {
    baton: (body.baton as string | null | undefined) ?? null,
    requests: body.requests.map((r, i) => checkRequest(r, `requests[${i}]`)),
  };
}

/** Protocol value -> what the libSQL engine binds (integers as BigInt: no precision loss). */
export function decodeValue(v: ProtoValue): null | bigint | number | string | Buffer {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Buffer.from(v.base64, "base64");
  }
}

/** Engine value -> protocol value. With safeIntegers every INTEGER arrives as a BigInt. */
export function encodeValue(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: v.toString() };
  if (typeof v === "number") return { type: "float", value: v };
  if (typeof v === "string") return { type: "text", value: v };
  if (v instanceof Uint8Array) return { type: "blob", base64: Buffer.from(v).toString("base64") };
  throw new Error(`cannot encode value of type ${typeof v}`);
}

/**
 * SQLite's primary result code for an extended one (SQLITE_CONSTRAINT_PRIMARYKEY ->
 * SQLITE_CONSTRAINT): sqld reports the primary code.
 */
export function primaryCode(code: string | undefined): string {
  if (!code) return "UNKNOWN";
  const m = /^(SQLITE_[A-Z]+)(_[A-Z_]+)?$/.exec(code);
  return m ? m[1]! : code;
}

/** Any error thrown while running a request, as the protocol reports it. */
export function toProtoError(err: unknown): ProtoError {
  if (err instanceof StmtError) return { message: err.message, code: err.code };
  const e = err as { message?: string; code?: unknown };
  const code = typeof e?.code === "string" ? e.code : undefined;
  return {
    message: e?.message ?? String(err),
    code: code?.startsWith("SQLITE_") ? primaryCode(code) : (code ?? "UNKNOWN"),
  };
}

const INFINITY_MARK = `\u0000inf${Math.random().toString(36).slice(2)}`;

/**
 * JSON text for an answer. JSON has no Infinity, but JavaScript's JSON.parse reads 1e999 as
 * Infinity, so a REAL overflow (SELECT 1e999) reaches clients as the number it is.
 */
export function toJson(body: unknown): string {
  const text = JSON.stringify(body, (_k, v: unknown) =>
    v === Infinity ? `${INFINITY_MARK}+` : v === -Infinity ? `${INFINITY_MARK}-` : v,
  );
  if (!text.includes(INFINITY_MARK.slice(1))) return text;
  return text
    .replaceAll(`"\\u0000${INFINITY_MARK.slice(1)}+"`, "1e999")
    .replaceAll(`"\\u0000${INFINITY_MARK.slice(1)}-"`, "-1e999");
}
