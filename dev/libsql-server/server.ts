import Database from "libsql";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { attachHranaWebSocket } from "./hrana-ws.ts";
import {
  checkBatch,
  checkPipeline,
  RequestError,
  toJson,
  toProtoError,
  type StreamRequest,
} from "./protocol.ts";
import { StreamRegistry } from "./streams.ts";

export type LibsqlServerOptions = {
  /** Database file; its folder is created if needed. */
  file: string;
  port?: number;
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  authToken?: string;
  log?: (msg: string) => void;
  /** How long an unused stream (and its transaction) is kept, in ms. Default 10 s. */
  streamIdleMs?: number;
  /**
   * How long a writer waits in line for the write lock before it gets SQLITE_BUSY, in ms.
   * Default 30 s: longer than `streamIdleMs`, so an abandoned transaction expires first.
   */
  writeLockTimeoutMs?: number;
  /** The engine's busy timeout, for locks held by other processes on the file, in ms. */
  busyTimeoutMs?: number;
  /**
   * Sync the disk on every commit (SQLite `synchronous = FULL`). By default commits survive
   * the server crashing or being killed, but an OS crash or power cut may lose the last few.
   */
  fullSync?: boolean;
  /** At most this many streams run at once, each on an engine process of its own. Default 64. */
  maxEngineThreads?: number;
  /** The URL clients are told to use (`base_url`); default the URL it listens on. */
  publicUrl?: string;
};

export type LibsqlServer = { url: string; port: number; close(): Promise<void> };

const MAX_BODY = 32 * 1024 * 1024;

/**
 * A local libSQL server speaking Hrana over HTTP (JSON: v2 and v3 pipelines, v3 cursors) and
 * over WebSocket (hrana2/hrana3) on the real libSQL engine. Clients such as @libsql/client use
 * it like Turso or sqld. SQL runs in engine processes (one per open stream), so no request waits
 * on another's; writers are serialized in arrival order by one write lock. See
 * docs/libsql-server.md.
 */
export async function startLibsqlServer(options: LibsqlServerOptions): Promise<LibsqlServer> {
  const { file, host = "127.0.0.1", authToken, log = () => undefined } = options;
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  // Fail early (bad path, corrupt file) rather than on the first request; WAL lets readers
  // work alongside the writer and is a property of the file.
  const probe = new Database(file);
  try {
    probe.pragma("journal_mode = WAL");
  } finally {
    probe.close();
  }
  const streamIdleMs = options.streamIdleMs ?? 10_000;
  const streams = new StreamRegistry({
    file,
    idleMs: streamIdleMs,
    writeLockTimeoutMs: options.writeLockTimeoutMs ?? Math.max(30_000, 3 * streamIdleMs),
    busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
    fullSync: options.fullSync ?? false,
    maxThreads: options.maxEngineThreads ?? 64,
    log,
  });
  let baseUrl = "";

  const authorized = (req: IncomingMessage): boolean => {
    if (!authToken) return true;
    const m = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    return m?.[1] === authToken;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof RequestError ? 400 : 500;
      if (status === 500) log(`libsql-server: ${String(err)}`);
      if (!res.headersSent)
        sendJson(res, status, {
          message: String((err as Error)?.message ?? err),
          code: status === 400 ? "BAD_REQUEST" : "INTERNAL",
        });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
    if (req.method === "GET" && path === "/health") return sendText(res, 200, "ok");
    if (!authorized(req)) {
      req.resume();
      return sendJson(res, 401, { message: "missing or wrong bearer token", code: "UNAUTHORIZED" });
    }
    if (req.method === "GET" && (path === "/v2" || path === "/v3")) return sendText(res, 200, "");
    if (req.method === "GET" && path === "/version")
      return sendText(res, 200, "vitrine-local-libsql");
    if (req.method === "POST" && (path === "/v2/pipeline" || path === "/v3/pipeline"))
      return sendJson(res, 200, await pipeline(await readJson(req)));
    if (req.method === "POST" && path === "/v3/cursor") return cursor(await readJson(req), res);
    req.resume();
    // Protobuf encodings and anything else: 404 makes clients fall back to JSON.
    sendJson(res, 404, { message: `no route for ${req.method} ${path}`, code: "NOT_FOUND" });
  }

  /** Every request is validated before any runs; then each gets its own result or error. */
  async function pipeline(body: unknown) {
    const { baton, requests } = checkPipeline(body);
    const stream = await streams.open(baton);
    const results: unknown[] = [];
    let closed = false;
    for (const request of requests) {
      if (closed) {
        results.push({
          type: "error",
          error: { message: "stream is closed", code: "STREAM_CLOSED" },
        });
      } else if (request.type === "close") {
        closed = true;
        results.push({ type: "ok", response: { type: "close" } });
      } else {
        results.push(await runOne(stream, request));
      }
    }
    if (closed) {
      // Rolled back and closed after the answer is sent; the write lock waits for that.
      void streams.release(stream);
      return { baton: null, base_url: baseUrl, results };
    }
    return { baton: streams.keep(stream), base_url: baseUrl, results };
  }

  async function runOne(
    stream: Awaited<ReturnType<typeof streams.open>>,
    request: Exclude<StreamRequest, { type: "close" }>,
  ) {
    try {
      return { type: "ok", response: await streams.run(stream, request) };
    } catch (err) {
      return { type: "error", error: toProtoError(err) };
    }
  }

  /** v3 cursor: the batch's results streamed as newline-delimited JSON entries. */
  async function cursor(body: unknown, res: ServerResponse): Promise<void> {
    const { baton, batch } = (body ?? {}) as { baton?: unknown; batch?: unknown };
    if (baton != null && typeof baton !== "string")
      throw new RequestError("baton must be a string");
    const checked = checkBatch(batch, "batch");
    const stream = await streams.open((baton as string | null | undefined) ?? null);
    const lines: string[] = [];
    try {
      const result = await streams.batch(stream, checked);
      result.step_results.forEach((step, i) => {
        const error = result.step_errors[i];
        if (error) lines.push(toJson({ type: "step_error", step: i, error }));
        if (!step) return;
        lines.push(toJson({ type: "step_begin", step: i, cols: step.cols }));
        for (const row of step.rows) lines.push(toJson({ type: "row", row }));
        lines.push(
          toJson({
            type: "step_end",
            affected_row_count: step.affected_row_count,
            last_insert_rowid: step.last_insert_rowid,
          }),
        );
      });
    } catch (err) {
      lines.push(toJson({ type: "error", error: toProtoError(err) }));
    }
    const next = streams.keep(stream);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end([toJson({ baton: next, base_url: baseUrl }), ...lines].join("\n") + "\n");
  }

  const ws = attachHranaWebSocket(server, { streams, authorized, authToken });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  baseUrl = options.publicUrl ?? url;
  log(`libsql-server listening on ${url} (${file})`);
  return {
    url,
    port,
    close: async () => {
      ws.close();
      server.closeAllConnections();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await streams.closeAll();
      await stopped;
    },
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RequestError(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new RequestError("request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = toJson(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(body);
}
