/**
 * The JSON shapes of the libSQL remote protocol (Hrana over HTTP, v2 and v3) that this server
 * speaks, and the conversion between protocol values and the engine's JS values. Pure.
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

/** A malformed request: answered with HTTP 400 and this message. */
export class RequestError extends Error {}

/** Protocol value -> what the libSQL engine binds (integers as BigInt: no precision loss). */
export function decodeValue(v: ProtoValue): null | bigint | number | string | Buffer {
  switch (v?.type) {
    case "null":
      return null;
    case "integer":
      if (!/^-?\d+$/.test(v.value)) throw new RequestError(`invalid integer value: ${v.value}`);
      return BigInt(v.value);
    case "float":
      if (typeof v.value !== "number") throw new RequestError("float value must be a number");
      return v.value;
    case "text":
      if (typeof v.value !== "string") throw new RequestError("text value must be a string");
      return v.value;
    case "blob":
      return Buffer.from(v.base64 ?? "", "base64");
    default:
      throw new RequestError(
        `unknown value type: ${JSON.stringify((v as { type?: unknown })?.type)}`,
      );
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
