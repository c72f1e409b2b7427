import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP proxy in front of a real service (the libSQL server) that tests can switch into
 * failure modes through `POST /__fault/<mode>`:
 *  - `up`: forwards everything;
 *  - `down`: drops every connection, like an unreachable Turso;
 *  - `lose-responses`: forwards the request (so it commits), then drops the connection before
 *    answering, like a worker that restarts right after Turso committed.
 * The fault lives at the network edge; the code under test runs unchanged.
 */
export const FAULT_MODES = ["up", "down", "lose-responses"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export async function startFaultProxy(target: string, port = 0) {
  let mode: FaultMode = "up";
  const server = createServer((req, res) => void relay(req, res));
  async function relay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const control = /^\/__fault\/([a-z-]+)$/.exec(req.url ?? "");
    if (control) {
      const next = control[1] as FaultMode;
      if (!FAULT_MODES.includes(next)) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `mode must be one of ${FAULT_MODES.join(", ")}` }));
        return;
      }
      mode = next;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ mode }));
      return;
    }
    if (mode === "down") {
      req.socket.destroy();
      return;
    }
    try {
      const body = await bodyOf(req);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === "string" && name !== "host" && name !== "connection")
          headers.set(name, value);
      const upstream = await fetch(new URL(req.url ?? "/", target), {
        method: req.method,
        headers,
        body: body.length ? body : undefined,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (mode === "lose-responses") {
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(answer);
    } catch {
      req.socket.destroy();
    }
  }
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    setMode: (next: FaultMode) => (mode = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
