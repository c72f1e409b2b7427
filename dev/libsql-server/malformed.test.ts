import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute, openFds, testServer, type TestServer } from "./test-support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await testServer();
  await t.client().execute("CREATE TABLE m (v TEXT)");
});
afterAll(() => t.dispose());

const count = async () => (await t.client().execute("SELECT count(*) AS n FROM m")).rows[0]!.n;

describe("malformed requests", () => {
  it("are refused whole, before any request of the pipeline runs", async () => {
    const res = await t.pipeline({
      requests: [
        execute("BEGIN IMMEDIATE"),
        execute("INSERT INTO m VALUES ('never')"),
        execute("COMMIT"),
        { type: "execute", stmt: { sql: "SELECT ?", args: [{ type: "integer", value: "x" }] } },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/requests\[3\].*integer/);
    expect(await count()).toBe(0);
    // Nothing holds the write lock: a write goes through at once.
    await t.client().execute("INSERT INTO m VALUES ('after')");
    expect(await count()).toBe(1);
  });

  it("report SQL-level problems per request and keep running the others", async () => {
    const res = await t.pipeline({
      requests: [
        execute("INSERT INTO m VALUES ('one')"),
        { type: "execute", stmt: { sql_id: 99 } },
        execute("SELEC 1"),
        execute("INSERT INTO m VALUES ('two')"),
        { type: "close" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { type: string }) => r.type)).toEqual([
      "ok",
      "error",
      "error",
      "ok",
      "ok",
    ]);
    expect(res.body.results[1].error.code).toBe("SQL_NOT_FOUND");
    expect(await count()).toBe(3);
  });

  it("leak no file descriptors, streams or locks (2,000 of them)", async () => {
    const bodies = [
      "{not json",
      JSON.stringify({ requests: "nope" }),
      JSON.stringify({ requests: [{ type: "teleport" }] }),
      JSON.stringify({ requests: [execute("SELECT 1"), { type: "execute", stmt: {} }] }),
      JSON.stringify({ baton: "forged", requests: [execute("SELECT 1")] }),
      JSON.stringify({
        requests: [
          execute("BEGIN IMMEDIATE"),
          { type: "batch", batch: { steps: [{ stmt: { sql: 1 } }] } },
        ],
      }),
    ];
    const round = async (n: number) => {
      for (let i = 0; i < n; i += 20) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, j) => t.pipeline(bodies[(i + j) % bodies.length]!)),
        );
        for (const a of answers) expect(a.status).toBe(400);
      }
    };
    // Warm up: the client's keep-alive sockets (20 at once) are open before measuring.
    await round(100);
    const before = openFds();
    const started = performance.now();
    await round(2000);
    expect(performance.now() - started).toBeLessThan(10_000);
    // Flat: a leak would be one or more per request; the slack is the client's sockets.
    expect(openFds() - before).toBeLessThan(40);
    const res = await t.pipeline({
      requests: [execute("BEGIN IMMEDIATE"), execute("COMMIT"), { type: "close" }],
    });
    expect(res.body.results.map((r: { type: string }) => r.type)).toEqual(["ok", "ok", "ok"]);
  }, 20_000);

  it("and ordinary traffic leaves no descriptors behind either", async () => {
    // A fixed number of engine threads, so that starting threads does not count.
    const own = await testServer({ maxEngineThreads: 4 });
    const c = own.client();
    await c.execute("CREATE TABLE m (v TEXT)");
    const burst = () =>
      Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? c.execute({ sql: "SELECT count(*) FROM m WHERE v = ?", args: [String(i)] })
            : c.batch([{ sql: "INSERT INTO m VALUES (?)", args: [String(i)] }], "write"),
        ),
      );
    for (let i = 0; i < 3; i++) await burst();
    const before = openFds();
    for (let i = 0; i < 25; i++) await burst();
    // 500 streams: a leak is three descriptors each (database, WAL, shared memory).
    expect(openFds() - before).toBeLessThan(40);
    await own.dispose();
  }, 20_000);
});
