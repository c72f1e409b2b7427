import Database from "libsql";
import { afterEach, describe, expect, it } from "vitest";
import { execute, testServer, type TestServer, rowsOnDisk } from "./test-support.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** Another process's write lock on the file, like a second writer SQLite cannot wait out. */
function lockFile(file: string) {
  const other = new Database(file);
  other.exec("BEGIN IMMEDIATE");
  return () => {
    other.exec("ROLLBACK");
    other.close();
  };
}

describe("writes acknowledged after a statement failed with SQLITE_BUSY", () => {
  it("are on disk after a restart (separate client requests)", async () => {
    t = await testServer({ busyTimeoutMs: 50 });
    const c = t.client();
    await c.execute("CREATE TABLE kept (v TEXT)");
    const unlock = lockFile(t.file);
    // Every engine thread meets the lock once, so any reused one has seen a BUSY failure.
    const failed = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        c.execute({ sql: "INSERT INTO kept VALUES (?)", args: [`busy ${i}`] }),
      ),
    );
    expect(failed.every((r) => r.status === "rejected")).toBe(true);
    expect(failed.map((r) => (r as PromiseRejectedResult).reason.code)).toContain("SQLITE_BUSY");
    unlock();
    for (let i = 0; i < 10; i++) {
      const rs = await c.execute({ sql: "INSERT INTO kept VALUES (?)", args: [`acked ${i}`] });
      expect(rs.rowsAffected).toBe(1);
    }
    await t.stop();
    expect(rowsOnDisk(t.file, "SELECT v FROM kept ORDER BY rowid")).toEqual(
      Array.from({ length: 10 }, (_, i) => `acked ${i}`),
    );
  });

  it("are on disk after a restart (the same stream)", async () => {
    t = await testServer({ busyTimeoutMs: 50 });
    await t.client().execute("CREATE TABLE same (v TEXT)");
    const unlock = lockFile(t.file);
    const first = await t.pipeline({
      requests: [execute("INSERT INTO same VALUES ('lost')")],
    });
    expect(first.body.results[0]).toMatchObject({ type: "error", error: { code: "SQLITE_BUSY" } });
    unlock();
    const second = await t.pipeline({
      baton: first.body.baton,
      requests: [
        execute("INSERT INTO same VALUES ('kept')"),
        { type: "get_autocommit" },
        { type: "close" },
      ],
    });
    expect(second.body.results[0].response.result.affected_row_count).toBe(1);
    expect(second.body.results[1].response.is_autocommit).toBe(true);
    // A COMMIT-free read from another client already sees it.
    expect((await t.client().execute("SELECT v FROM same")).rows.map((r) => r.v)).toEqual(["kept"]);
    await t.stop();
    expect(rowsOnDisk(t.file, "SELECT v FROM same")).toEqual(["kept"]);
  });

  it("lets a transaction commit after one of its statements failed with SQLITE_BUSY", async () => {
    t = await testServer({ busyTimeoutMs: 50 });
    await t.client().execute("CREATE TABLE txbusy (v TEXT)");
    const begun = await t.pipeline({ requests: [execute("BEGIN")] });
    const unlock = lockFile(t.file);
    const failed = await t.pipeline({
      baton: begun.body.baton,
      requests: [execute("INSERT INTO txbusy VALUES ('x')")],
    });
    expect(failed.body.results[0].error.code).toBe("SQLITE_BUSY");
    unlock();
    const done = await t.pipeline({
      baton: failed.body.baton,
      requests: [execute("INSERT INTO txbusy VALUES ('y')"), execute("COMMIT"), { type: "close" }],
    });
    expect(done.body.results.map((r: { type: string }) => r.type)).toEqual(["ok", "ok", "ok"]);
    await t.stop();
    expect(rowsOnDisk(t.file, "SELECT v FROM txbusy")).toEqual(["y"]);
  });
});
