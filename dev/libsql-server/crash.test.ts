import { afterEach, describe, expect, it } from "vitest";
import {
  childPids,
  execute,
  openFds,
  testServer,
  type TestServer,
  rowsOnDisk,
} from "./test-support.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Statements on which the `libsql` binding panics and aborts its process: text that is not
 * UTF-8 in a result the server does not rewrite (an EXPLAIN listing the literal; a RETURNING
 * expression, which needs the write lock).
 */
const CRASH_READ = "EXPLAIN SELECT CAST(x'ff' AS TEXT)";
const CRASH_WRITE = "INSERT INTO log VALUES ('crash') RETURNING CAST(x'ff' AS TEXT) AS bad";
const CRASHED = /database engine crashed while running .*(EXPLAIN SELECT|INSERT INTO log)/;

/** Waits until `check` holds (the pool replaces engines in the background). */
async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe.each(["http", "ws"] as const)("an engine crash over %s", (transport) => {
  it("fails only the crashing request; another client's transaction still commits", async () => {
    t = await testServer();
    const c = t.client(transport);
    await c.execute("CREATE TABLE log (v TEXT)");
    const tx = await t.client(transport).transaction("write");
    await tx.execute("INSERT INTO log VALUES ('in tx')");

    const err = await t
      .client(transport)
      .execute(CRASH_READ)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SQLITE_ABORT", message: expect.stringMatching(CRASHED) });

    await tx.execute("INSERT INTO log VALUES ('after crash')");
    await tx.commit();
    const after = await t.client(transport).execute("SELECT v FROM log ORDER BY rowid");
    expect(after.rows.map((r) => r.v)).toEqual(["in tx", "after crash"]);
  });

  it("rolls back the crashed stream's transaction, frees the write lock, closes the stream", async () => {
    t = await testServer({ writeLockTimeoutMs: 2000 });
    const c = t.client(transport);
    await c.execute("CREATE TABLE log (v TEXT)");
    await c.execute("INSERT INTO log VALUES ('committed')");
    const tx = await t.client(transport).transaction("write");
    await tx.execute("INSERT INTO log VALUES ('uncommitted')");
    const err = await tx.execute(CRASH_WRITE).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SQLITE_ABORT", message: expect.stringMatching(CRASHED) });
    // The stream is gone: its COMMIT is refused rather than run outside the transaction.
    await expect(tx.commit()).rejects.toThrow(/engine crashed/);
    tx.close();
    // The lock it held is free at once (another writer does not wait for the 2 s timeout).
    const started = performance.now();
    await c.execute("INSERT INTO log VALUES ('next writer')");
    expect(performance.now() - started).toBeLessThan(1500);
    const rows = await c.execute("SELECT v FROM log ORDER BY rowid");
    expect(rows.rows.map((r) => r.v)).toEqual(["committed", "next writer"]);
  });
});

describe("engine crashes", () => {
  it("keep every write acknowledged before them, across a restart", async () => {
    t = await testServer();
    const c = t.client();
    await c.execute("CREATE TABLE log (v TEXT)");
    for (let i = 0; i < 5; i++)
      await c.execute({ sql: "INSERT INTO log VALUES (?)", args: [String(i)] });
    await expect(c.execute(CRASH_WRITE)).rejects.toMatchObject({ code: "SQLITE_ABORT" });
    await expect(t.client("ws").execute(CRASH_WRITE)).rejects.toMatchObject({
      code: "SQLITE_ABORT",
    });
    await c.execute("INSERT INTO log VALUES ('5')");
    await t.stop();
    expect(rowsOnDisk(t.file, "SELECT v FROM log ORDER BY rowid")).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
    ]);
  });

  it("answer a raw pipeline per request and refuse the dead stream's baton", async () => {
    t = await testServer();
    const first = await t.pipeline({
      requests: [execute("SELECT 1"), execute(CRASH_READ), execute("SELECT 2")],
    });
    expect(first.status).toBe(200);
    expect(first.body.results[0].type).toBe("ok");
    expect(first.body.results[1].error).toMatchObject({ code: "SQLITE_ABORT" });
    expect(first.body.results[1].error.message).toMatch(CRASHED);
    expect(first.body.results[2].error.message).toMatch(
      /stream closed: its database engine crashed/,
    );
    const next = await t.pipeline({ baton: first.body.baton, requests: [execute("SELECT 3")] });
    expect(next.status).toBe(400);
    expect(next.body.message).toMatch(/engine crashed/);
    const fresh = await t.pipeline({ requests: [execute("SELECT 4")] });
    expect(fresh.body.results[0].response.result.rows).toEqual([[{ type: "integer", value: "4" }]]);
  });

  it("of an engine killed from outside fail its request, and the engine is replaced", async () => {
    t = await testServer();
    const c = t.client();
    await c.execute("SELECT 1");
    await until(() => childPids().length === 6);
    const engines = childPids();
    const slow = c
      .execute(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 50000000) SELECT count(*) FROM n",
      )
      .catch((e: unknown) => e);
    await sleep(300);
    for (const pid of engines) process.kill(pid, "SIGKILL");
    expect(await slow).toMatchObject({
      code: "SQLITE_ABORT",
      message: expect.stringMatching(/killed by SIGKILL/),
    });
    // The pool replaces every engine (once it has seen them exit).
    await until(() => {
      const now = childPids();
      return now.length === engines.length && !now.some((p) => engines.includes(p));
    }).catch((err: Error) => {
      throw new Error(`${err.message}: engines ${engines} before, ${childPids()} now`);
    });
    await sleep(100);
    expect((await c.execute("SELECT 5 AS v")).rows[0]!.v).toBe(5);
  });

  it("leak no engine process and no file descriptor (50 crashes)", async () => {
    t = await testServer();
    const http = t.client();
    const ws = t.client("ws");
    await http.execute("CREATE TABLE log (v TEXT)");
    await ws.execute("SELECT 1");
    await until(() => childPids().length === 6);
    const fdsBefore = openFds();
    for (let i = 0; i < 50; i++) {
      const client = i % 2 ? ws : http;
      const err = await client.execute(i % 4 < 2 ? CRASH_READ : CRASH_WRITE).catch((e) => e);
      expect(err).toMatchObject({ code: "SQLITE_ABORT" });
    }
    expect((await http.execute("SELECT count(*) AS n FROM log")).rows[0]!.n).toBe(0);
    await until(() => childPids().length === 6);
    // A few descriptors may be in flux (sockets of the last requests); 50 leaks would not.
    await until(() => openFds() <= fdsBefore + 3);
  }, 60_000);
});
