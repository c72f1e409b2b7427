import type { Batch, ProtoError, Stmt } from "./protocol.ts";

/** A request from the server to an engine process (engine-child.ts). */
export type EngineCall = { id: number } & (
  | { op: "execute"; stmt: Stmt; haveLock: boolean }
  | { op: "batch"; batch: Batch; haveLock: boolean }
  | { op: "sequence"; sql: string; haveLock: boolean }
  | { op: "describe"; sql: string }
  | { op: "autocommit" }
  | { op: "reset" }
  | { op: "close" }
);

/** An engine's answer: a result, an SQL error, or "take the write lock and retry". */
export type EngineReply =
  | { id: number; ok: true; result: unknown; autocommit: boolean }
  | { id: number; ok: false; error: ProtoError; autocommit: boolean }
  | { id: number; needsLock: true };

/** Distributes a union over its members, so `Omit` keeps each call's own fields. */
export type CallBody = EngineCall extends infer C
  ? C extends EngineCall
    ? Omit<C, "id">
    : never
  : never;
