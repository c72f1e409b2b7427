import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { RawData, WebSocket } from "ws";
import {
  checkBatch,
  checkRequest,
  RequestError,
  toJson,
  toProtoError,
  type BatchResult,
  type StreamRequest,
} from "./protocol.ts";
import type { Stream, StreamRegistry } from "./streams.ts";

// Node's build of ws, also when this server starts inside a test project that resolves
// packages with browser conditions (the workerd projects' global setup).
const { WebSocketServer } = createRequire(import.meta.url)("ws") as typeof import("ws");

/** Subprotocols spoken, most preferred first (JSON encodings only). */
const SUBPROTOCOLS = ["hrana3", "hrana2"];

type Options = {
  streams: StreamRegistry;
  authorized: (req: IncomingMessage) => boolean;
  authToken?: string;
};

type Entry = Record<string, unknown>;

/**
 * Hrana over WebSocket (hrana2 / hrana3, JSON), what `libsql://` and `ws://` URLs use: a
 * `hello` with the token, then numbered requests. Each `open_stream` gets an engine process and
 * connection of its own; requests on one stream run in order, different streams concurrently.
 * Stored SQL is shared by the connection's streams; cursors are computed on open.
 */
export function attachHranaWebSocket(server: Server, options: Options): { close(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 32 * 1024 * 1024,
    handleProtocols: (offered) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  server.on("upgrade", (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, options));
  });
  return {
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serve(ws: WebSocket, req: IncomingMessage, { streams, authToken, authorized }: Options) {
  const version = ws.protocol === "hrana3" ? 3 : 2;
  const byId = new Map<number, { stream: Promise<Stream>; chain: Promise<unknown> }>();
  const cursors = new Map<number, { entries: Entry[]; ready: Promise<unknown> }>();
  const sqls = new Map<number, string>();
  let helloOk = false;
  let closed = false;

  const send = (msg: unknown) => {
    if (!closed) ws.send(toJson(msg));
  };
  const protocolError = (message: string) => {
    ws.close(1002, message.slice(0, 120));
  };

  /** Runs `fn` after everything already queued on the stream. */
  const onStream = <T>(id: unknown, fn: (s: Stream) => Promise<T>): Promise<T> => {
    const entry = typeof id === "number" ? byId.get(id) : undefined;
    if (!entry) return Promise.reject(new RequestError(`no open stream ${String(id)}`));
    const next = entry.chain.then(() => entry.stream).then(fn);
    entry.chain = next.catch(() => undefined);
    return next;
  };

  async function handle(r: Entry): Promise<unknown> {
    switch (r.type) {
      case "open_stream": {
        if (typeof r.stream_id !== "number" || byId.has(r.stream_id))
          throw new RequestError("open_stream needs a new stream_id");
        const stream = streams.create(sqls);
        byId.set(r.stream_id, { stream, chain: stream.catch(() => undefined) });
        await stream;
        return { type: "open_stream" };
      }
      case "close_stream": {
        const entry = typeof r.stream_id === "number" ? byId.get(r.stream_id) : undefined;
        if (!entry) return { type: "close_stream" };
        byId.delete(r.stream_id as number);
        await entry.chain;
        await streams.release(await entry.stream);
        return { type: "close_stream" };
      }
      case "store_sql":
      case "close_sql": {
        const request = checkRequest(r, "request");
        if (request.type === "store_sql") sqls.set(request.sql_id, request.sql);
        else {
          // Requests already queued may still use it.
          await Promise.all([...byId.values()].map((e) => e.chain));
          sqls.delete((request as { sql_id: number }).sql_id);
        }
        return { type: r.type };
      }
      case "open_cursor": {
        if (version < 3) throw new RequestError("cursors need hrana3");
        if (typeof r.cursor_id !== "number" || cursors.has(r.cursor_id))
          throw new RequestError("open_cursor needs a new cursor_id");
        const cursorId = r.cursor_id;
        const batch = checkBatch(r.batch, "batch");
        const entries: Entry[] = [];
        const ready = onStream(r.stream_id, async (stream) => {
          try {
            cursorEntries(await streams.batch(stream, batch), entries);
          } catch (err) {
            entries.push({ type: "error", error: toProtoError(err) });
          }
        });
        cursors.set(cursorId, { entries, ready: ready.catch(() => undefined) });
        await ready;
        return { type: "open_cursor" };
      }
      case "fetch_cursor": {
        const cursor = typeof r.cursor_id === "number" ? cursors.get(r.cursor_id) : undefined;
        if (!cursor) throw new RequestError(`no open cursor ${String(r.cursor_id)}`);
        const max = typeof r.max_count === "number" && r.max_count > 0 ? r.max_count : 100;
        await cursor.ready;
        const entries = cursor.entries;
        const chunk = entries.splice(0, max);
        return { type: "fetch_cursor", entries: chunk, done: entries.length === 0 };
      }
      case "close_cursor":
        if (typeof r.cursor_id === "number") cursors.delete(r.cursor_id);
        return { type: "close_cursor" };
      default: {
        if (
          !["execute", "batch", "sequence", "describe", "get_autocommit"].includes(r.type as string)
        )
          throw new RequestError(`unknown request type ${JSON.stringify(r.type)}`);
        const request = checkRequest(r, "request") as Exclude<StreamRequest, { type: "close" }>;
        return onStream(r.stream_id, (stream) => streams.run(stream, request));
      }
    }
  }

  ws.on("message", (data: RawData, isBinary: boolean) => {
    let msg: Entry;
    try {
      if (isBinary) throw new Error("binary messages need a protobuf subprotocol");
      msg = JSON.parse(data.toString()) as Entry;
      if (typeof msg !== "object" || msg === null) throw new Error("message must be an object");
    } catch (err) {
      return protocolError(`malformed message: ${(err as Error).message}`);
    }
    if (msg.type === "hello") {
      const token = typeof msg.jwt === "string" ? msg.jwt : undefined;
      if (authToken && token !== authToken && !authorized(req)) {
        send({
          type: "hello_error",
          error: { message: "missing or wrong token", code: "UNAUTHORIZED" },
        });
        ws.close(1008, "unauthorized");
        return;
      }
      helloOk = true;
      return send({ type: "hello_ok" });
    }
    if (msg.type !== "request" || typeof msg.request_id !== "number")
      return protocolError("expected a hello or a request with a request_id");
    if (!helloOk) return protocolError("a hello must come first");
    const requestId = msg.request_id;
    const request = msg.request;
    if (typeof request !== "object" || request === null)
      return protocolError("request must be an object");
    handle(request as Entry).then(
      (response) => send({ type: "response_ok", request_id: requestId, response }),
      (err: unknown) =>
        send({
          type: "response_error",
          request_id: requestId,
          error:
            err instanceof RequestError
              ? { message: err.message, code: "PROTOCOL_ERROR" }
              : toProtoError(err),
        }),
    );
  });

  ws.on("close", () => {
    closed = true;
    for (const entry of byId.values())
      void entry.chain
        .then(() => entry.stream)
        .then((s) => streams.release(s))
        .catch(() => undefined);
    byId.clear();
    cursors.clear();
  });
  ws.on("error", () => ws.terminate());
}

/** A batch's outcome as the cursor entries a hrana3 client reads. */
function cursorEntries(result: BatchResult, out: Entry[]): void {
  result.step_results.forEach((step, i) => {
    const error = result.step_errors[i];
    if (error) out.push({ type: "step_error", step: i, error });
    if (!step) return;
    out.push({ type: "step_begin", step: i, cols: step.cols });
    for (const row of step.rows) out.push({ type: "row", row });
    out.push({
      type: "step_end",
      affected_row_count: step.affected_row_count,
      last_insert_rowid: step.last_insert_rowid,
    });
  });
}
