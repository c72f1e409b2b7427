import { parentPort, workerData } from "node:worker_threads";
import type { EngineCall, EngineReply } from "./engine-messages.ts";
import { NeedsWriteLock, Session } from "./engine.ts";
import { toProtoError } from "./protocol.ts";

/**
 * An engine thread: runs one stream's SQL at a time on its own connection (engine.ts), one
 * message at a time, and answers each with its result and the connection's autocommit state.
 */
const { file, busyTimeoutMs, fullSync } = workerData as {
  file: string;
  busyTimeoutMs: number;
  fullSync: boolean;
};
const session = new Session(file, busyTimeoutMs, fullSync);
const port = parentPort!;

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
  port.postMessage(reply);
}

let queue = Promise.resolve();
port.on("message", (call: EngineCall) => {
  queue = queue.then(() => handle(call));
});
