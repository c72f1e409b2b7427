import { createClient } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLibsqlServer } from "./server.ts";

/**
 * `npx tsx dev/libsql-server/engine-bench.ts`: what a request pays for the engine boundary.
 * Times a 1,000-statement HTTP pipeline, 10,000-row, 5-column selects through @libsql/client
 * (ASCII text, and text with accents, which the engine reads as bytes: nul-text.ts) and a
 * one-row select, median of several runs each (`[runs]`, default 7).
 */
const runs = Number(process.argv[2] ?? 7);
const dir = mkdtempSync(join(tmpdir(), "libsql-bench-"));
const server = await startLibsqlServer({ file: join(dir, "db.sqlite"), port: 0 });
const client = createClient({ url: server.url });
await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c INTEGER, d TEXT)");
await client.execute(
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO t SELECT i, 'name ' || i, i * 0.5, i * 7, 'some longer text value ' || i FROM n",
);

await client.execute(
  "CREATE TABLE u AS SELECT id, 'nämé ' || id AS a, b, c, 'sömé löngér téxt välüé ' || id AS d FROM t",
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const requests = Array.from({ length: 1000 }, (_, i) => ({
  type: "execute",
  stmt: {
    sql: "SELECT a, b FROM t WHERE id = ?",
    args: [{ type: "integer", value: String(i + 1) }],
  },
}));
const pipeline = await time(async () => {
  const res = await fetch(server.url + "/v3/pipeline", {
    method: "POST",
    body: JSON.stringify({ requests: [...requests, { type: "close" }] }),
  });
  const body = (await res.json()) as { results: { type: string }[] };
  if (body.results.some((r) => r.type !== "ok")) throw new Error("pipeline failed");
});
const select = await time(async () => {
  const rs = await client.execute("SELECT * FROM t");
  if (rs.rows.length !== 10000) throw new Error("select failed");
});
const selectNonAscii = await time(async () => {
  const rs = await client.execute("SELECT * FROM u");
  if (rs.rows.length !== 10000) throw new Error("select failed");
});
const one = await time(() => client.execute("SELECT 1"));
console.log(
  JSON.stringify({
    pipeline1000Ms: +pipeline.toFixed(1),
    select10kMs: +select.toFixed(1),
    select10kNonAsciiMs: +selectNonAscii.toFixed(1),
    selectOneMs: +one.toFixed(2),
  }),
);
client.close();
await server.close();
rmSync(dir, { recursive: true, force: true });
