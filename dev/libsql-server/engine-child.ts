import type { EngineCall, EngineReply } from "./engine-messages.ts";
import { NeedsWriteLock, Session } from "./engine.ts";
import { toJson, toProtoError } from "./protocol.ts";

/**
 * An engine process (started by engine-pool.ts): runs one stream's SQL at a time on its own
 * connection (engine.ts), one message at a time, and answers each with its result and the
 * connection's autocommit state. A process of its own because the `libsql` binding aborts the
 * whole process when it panics: only this engine's requests are lost, never the server.
 */
const { file, busyTimeoutMs, fullSync } = JSON.parse(process.argv[2] ?? "{}") as {
  file: string;
  busyTimeoutMs: number;
  fullSync: boolean;
};
const session = new Session(file, busyTimeoutMs, fullSync);

function run(call: EngineCall): unknown {
  switch (call.op) {
    case "execute":
      return session.execute(call.stmt, call.haveLock);
    case "batch":
      return session.batch(call.batch, call.haveLock);
    case "sequence":
      return session.sequence(call.sql, call.haveLock);
    case "describe":
      return session.describe(call.sql);
    case "autocommit":
      return session.isAutocommit;
    case "close":
      return session.close();
    case "reset":
      // The next stream's connection is opened now, off its critical path.
      session.close();
      return session.prepareNext();
  }
}

async function handle(call: EngineCall): Promise<void> {
  let reply: EngineReply;
  try {
    reply = { id: call.id, ok: true, result: run(call), autocommit: true };
  } catch (err) {
    reply =
      err instanceof NeedsWriteLock
        ? { id: call.id, needsLock: true }
        : { id: call.id, ok: false, error: toProtoError(err), autocommit: true };
  }
  await session.settle().catch(() => session.close());
  if ("autocommit" in reply) reply.autocommit = session.isAutocommit;
  // Messages travel as JSON (cheaper than Node's structured serialization), which has no
  // Infinity: a reply holding one (a REAL overflow) goes as text that keeps it.
  process.send!(hasNonFinite(reply) ? { id: reply.id, json: toJson(reply) } : reply);
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasNonFinite);
  for (const key in value) if (hasNonFinite((value as Record<string, unknown>)[key])) return true;
  return false;
}

let queue = Promise.resolve();
process.on("message", (call: EngineCall) => {
  queue = queue.then(() => handle(call));
});
process.send!({ ready: true });
// The server is gone (or stopped this engine): nothing is left to answer.
process.on("disconnect", () => {
  session.close();
  process.exit(0);
});
