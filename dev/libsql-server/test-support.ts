import Database from "libsql";
import { createClient, type Client, type Config } from "@libsql/client";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLibsqlServer, type LibsqlServer, type LibsqlServerOptions } from "./server.ts";

/** A server on a fresh database file, with clients that are closed together with it. */
export async function testServer(options: Partial<LibsqlServerOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "libsql-server-test-"));
  const file = join(dir, "db.sqlite");
  const server: LibsqlServer = await startLibsqlServer({ file, port: 0, ...options });
  const clients: Client[] = [];
  return {
    server,
    file,
    /** A client over HTTP (`http:`) or Hrana over WebSocket (`ws:`). */
    client(transport: "http" | "ws" = "http", config: Partial<Config> = {}): Client {
      const url = transport === "ws" ? server.url.replace(/^http:/, "ws:") : server.url;
      const c = createClient({ url, ...config });
      clients.push(c);
      return c;
    },
    async pipeline(body: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(server.url + "/v3/pipeline", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    async stop() {
      for (const c of clients) c.close();
      await server.close();
    },
    async dispose() {
      for (const c of clients) c.close();
      await server.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof testServer>>;

/** Open file descriptors of this process (Linux). */
export const openFds = () => readdirSync("/proc/self/fd").length;

/** Process ids of this process's children, e.g. the server's engine processes (Linux). */
export const childPids = (): number[] =>
  readdirSync("/proc/self/task").flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );

export const execute = (sql: string, args: unknown[] = []) => ({
  type: "execute",
  stmt: { sql, args, want_rows: true },
});

/** The values of `sql`'s rows as a fresh connection reads them from the file: what is on disk. */
export function rowsOnDisk(file: string, sql: string): unknown[] {
  const db = new Database(file);
  try {
    return db.prepare(sql).raw(true).all([]).flat();
  } finally {
    db.close();
  }
}
