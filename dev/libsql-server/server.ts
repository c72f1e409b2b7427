import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { Connection, toProtoError } from "./connection.ts";
import { RequestError, type Batch, type StreamRequest } from "./protocol.ts";
import { StreamRegistry } from "./streams.ts";

export type LibsqlServerOptions = {
  /** Database file; its folder is created if needed. */
  file: string;
  port?: number;
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  authToken?: string;
  log?: (msg: string) => void;
  /** How long an unused stream (and its transaction) is kept, in ms. */
  streamIdleMs?: number;
};

export type LibsqlServer = { url: string; port: number; close(): Promise<void> };

const MAX_BODY = 32 * 1024 * 1024;

/**
 * A local libSQL server speaking Hrana over HTTP (JSON: v2 and v3 pipelines, v3 cursors) on
 * the real libSQL engine. Clients such as @libsql/client use it exactly like Turso or sqld.
 */
export async function startLibsqlServer(options: LibsqlServerOptions): Promise<LibsqlServer> {
  const { file, host = "127.0.0.1", authToken, log = () => undefined } = options;
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  // Fail early (bad path, corrupt file) rather than on the first request.
  new Connection(file).close();
  const streams = new StreamRegistry(file, options.streamIdleMs);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof RequestError ? 400 : 500;
      if (status === 500) log(`libsql-server: ${String(err)}`);
      if (!res.headersSent)
        sendJson(res, status, {
          message: String((err as Error)?.message ?? err),
          code: "BAD_REQUEST",
        });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
    if (req.method === "GET" && path === "/health") return sendText(res, 200, "ok");
    if (authToken && req.headers.authorization !== `Bearer ${authToken}`) {
      return sendJson(res, 401, { message: "missing or wrong bearer token", code: "UNAUTHORIZED" });
    }
    if (req.method === "GET" && (path === "/v2" || path === "/v3")) return sendText(res, 200, "");
    if (req.method === "GET" && path === "/version")
      return sendText(res, 200, "vitrine-local-libsql");
    if (req.method === "POST" && (path === "/v2/pipeline" || path === "/v3/pipeline")) {
      return sendJson(res, 200, pipeline(await readJson(req), `http://${req.headers.host}`));
    }
    if (req.method === "POST" && path === "/v3/cursor")
      return cursor(await readJson(req), res, `http://${req.headers.host}`);
    // Protobuf encodings and anything else: 404 makes clients fall back to JSON.
    sendJson(res, 404, { message: `no route for ${req.method} ${path}`, code: "NOT_FOUND" });
  }

  function pipeline(body: unknown, baseUrl: string) {
    const { baton, requests } = (body ?? {}) as {
      baton?: string | null;
      requests?: StreamRequest[];
    };
    if (!Array.isArray(requests)) throw new RequestError("requests must be an array");
    const conn = streams.open(baton);
    let closed = false;
    const results = requests.map((request) => {
      if (closed)
        return { type: "error", error: { message: "stream is closed", code: "STREAM_CLOSED" } };
      try {
        const response = run(conn, request);
        if (request.type === "close") closed = true;
        return { type: "ok", response };
      } catch (err) {
        if (err instanceof RequestError) throw err;
        return { type: "error", error: toProtoError(err) };
      }
    });
    if (closed) {
      streams.release(conn);
      return { baton: null, base_url: baseUrl, results };
    }
    return { baton: streams.keep(conn), base_url: baseUrl, results };
  }

  function run(conn: Connection, request: StreamRequest) {
    switch (request?.type) {
      case "close":
        return { type: "close" };
      case "execute":
        return { type: "execute", result: conn.execute(request.stmt) };
      case "batch":
        return { type: "batch", result: conn.batch(request.batch) };
      case "sequence":
        conn.sequence(conn.sqlOf(request));
        return { type: "sequence" };
      case "describe":
        return { type: "describe", result: conn.describe(conn.sqlOf(request)) };
      case "store_sql":
        if (typeof request.sql !== "string" || typeof request.sql_id !== "number") {
          throw new RequestError("store_sql needs sql_id and sql");
        }
        conn.sqls.set(request.sql_id, request.sql);
        return { type: "store_sql" };
      case "close_sql":
        conn.sqls.delete(request.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: conn.isAutocommit };
      default:
        throw new RequestError(
          `unknown request type ${JSON.stringify((request as { type?: unknown })?.type)}`,
        );
    }
  }

  /** v3 cursor: the batch's results streamed as newline-delimited JSON entries. */
  function cursor(body: unknown, res: ServerResponse, baseUrl: string): void {
    const { baton, batch } = (body ?? {}) as { baton?: string | null; batch?: Batch };
    const conn = streams.open(baton);
    const lines: string[] = [];
    try {
      conn.batch(batch as Batch, (step, result, error) => {
        if (error) lines.push(JSON.stringify({ type: "step_error", step, error }));
        if (!result) return;
        lines.push(JSON.stringify({ type: "step_begin", step, cols: result.cols }));
        for (const row of result.rows) lines.push(JSON.stringify({ type: "row", row }));
        lines.push(
          JSON.stringify({
            type: "step_end",
            affected_row_count: result.affected_row_count,
            last_insert_rowid: result.last_insert_rowid,
          }),
        );
      });
    } catch (err) {
      streams.release(conn);
      throw err;
    }
    const next = streams.keep(conn);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end([JSON.stringify({ baton: next, base_url: baseUrl }), ...lines].join("\n") + "\n");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  log(`libsql-server listening on ${url} (${file})`);
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        streams.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
  const text = JSON.stringify(body);
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
