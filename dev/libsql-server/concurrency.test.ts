import { afterEach, describe, expect, it } from "vitest";
import { execute, testServer, type TestServer } from "./test-support.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("concurrent writers", () => {
  it("commit 20 concurrent write transactions, none lost", async () => {
    t = await testServer();
    const c = t.client();
    await c.execute("CREATE TABLE counter (n INTEGER)");
    await c.execute("INSERT INTO counter VALUES (0)");
    // Read-modify-write: correct only if the transactions are serialized.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const tx = await t!.client().transaction("write");
        const n = (await tx.execute("SELECT n FROM counter")).rows[0]!.n as number;
        await tx.execute({ sql: "UPDATE counter SET n = ?", args: [n + 1] });
        await tx.commit();
      }),
    );
    expect((await c.execute("SELECT n FROM counter")).rows[0]!.n).toBe(20);
  });

  it("serve queued writers in arrival order", async () => {
    t = await testServer();
    const c = t.client();
    await c.execute("CREATE TABLE arrivals (i INTEGER)");
    const holder = await c.transaction("write");
    await holder.execute("INSERT INTO arrivals VALUES (-1)");
    const writers: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      writers.push(c.batch([{ sql: "INSERT INTO arrivals VALUES (?)", args: [i] }], "write"));
      await sleep(40);
    }
    await holder.commit();
    await Promise.all(writers);
    const rs = await c.execute("SELECT i FROM arrivals ORDER BY rowid");
    expect(rs.rows.map((r) => r.i)).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it("let readers through while a writer holds the lock or waits for it", async () => {
    t = await testServer();
    const c = t.client();
    await c.execute("CREATE TABLE busy (v)");
    const holder = await c.transaction("write");
    await holder.execute("INSERT INTO busy VALUES (1)");
    const waiting = t.client().execute("INSERT INTO busy VALUES (2)");
    const started = performance.now();
    for (let i = 0; i < 5; i++)
      expect((await t.client().execute("SELECT count(*) AS n FROM busy")).rows[0]!.n).toBe(0);
    // A writer waiting on the lock used to block the event loop for the 5 s busy timeout.
    expect(performance.now() - started).toBeLessThan(2_500);
    await holder.commit();
    await waiting;
    expect((await c.execute("SELECT count(*) AS n FROM busy")).rows[0]!.n).toBe(2);
  });

  it("answer other requests while a long query runs", async () => {
    t = await testServer();
    const slow = t
      .client()
      .execute(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) AS n FROM c",
      )
      .then(() => performance.now());
    await sleep(50);
    const quick = await t
      .client()
      .execute("SELECT 1")
      .then(() => performance.now());
    expect(quick).toBeLessThan(await slow);
  });

  it("give SQLITE_BUSY only after the configured wait for the write lock", async () => {
    t = await testServer({ writeLockTimeoutMs: 300 });
    const c = t.client();
    await c.execute("CREATE TABLE slow (v)");
    const holder = await t.pipeline({ requests: [execute("BEGIN IMMEDIATE")] });
    const started = performance.now();
    const err = await c.execute("INSERT INTO slow VALUES (1)").catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(err).toMatchObject({ code: "SQLITE_BUSY" });
    await t.pipeline({ baton: holder.body.baton, requests: [{ type: "close" }] });
    await c.execute("INSERT INTO slow VALUES (2)");
    expect((await c.execute("SELECT v FROM slow")).rows.map((r) => r.v)).toEqual([2]);
  });

  it("free the write lock when a stream holding it expires", async () => {
    t = await testServer({ streamIdleMs: 300 });
    const c = t.client();
    await c.execute("CREATE TABLE abandoned (v)");
    await t.pipeline({ requests: [execute("BEGIN IMMEDIATE")] });
    await c.execute("INSERT INTO abandoned VALUES (1)");
    expect((await c.execute("SELECT v FROM abandoned")).rows.map((r) => r.v)).toEqual([1]);
  });
});
