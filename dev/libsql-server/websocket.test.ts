import { createClient, LibsqlError } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testServer, type TestServer } from "./test-support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await testServer({ authToken: "ws-token" });
});
afterAll(() => t.dispose());

const ws = () => t.client("ws", { authToken: "ws-token" });

describe("Hrana over WebSocket", () => {
  it("serves libsql:// and ws:// URLs, the Node client's default transport", async () => {
    const libsqlUrl = t.server.url.replace(/^http:/, "libsql:") + "?tls=0";
    const viaLibsql = createClient({ url: libsqlUrl, authToken: "ws-token" });
    try {
      expect((await viaLibsql.execute("SELECT 1 AS one")).rows[0]!.one).toBe(1);
    } finally {
      viaLibsql.close();
    }
    expect((await ws().execute({ sql: "SELECT ? AS v", args: ["hi"] })).rows[0]!.v).toBe("hi");
  });

  it("runs statements, batches and interactive transactions", async () => {
    const c = ws();
    await c.execute("CREATE TABLE wsitems (id INTEGER PRIMARY KEY, name TEXT)");
    const [ins, sel] = await c.batch(
      [
        { sql: "INSERT INTO wsitems (name) VALUES (:n)", args: { n: "a" } },
        "SELECT count(*) AS n FROM wsitems",
      ],
      "write",
    );
    expect(ins!.rowsAffected).toBe(1);
    expect(sel!.rows[0]!.n).toBe(1);
    const tx = await c.transaction("write");
    await tx.execute("INSERT INTO wsitems (name) VALUES ('b')");
    await tx.rollback();
    const tx2 = await c.transaction("write");
    await tx2.execute("INSERT INTO wsitems (name) VALUES ('c')");
    await tx2.commit();
    const names = (await c.execute("SELECT name FROM wsitems ORDER BY id")).rows.map((r) => r.name);
    expect(names).toEqual(["a", "c"]);
    await c.executeMultiple(
      "INSERT INTO wsitems (name) VALUES ('d'); INSERT INTO wsitems (name) VALUES ('e');",
    );
    expect((await c.execute("SELECT count(*) AS n FROM wsitems")).rows[0]!.n).toBe(4);
  });

  it("reports SQL errors per request and keeps the connection usable", async () => {
    const c = ws();
    const err = await c.execute("SELEC 1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe("SQLITE_ERROR");
    expect((await c.execute("SELECT 2 AS two")).rows[0]!.two).toBe(2);
  });

  it("runs one connection's streams concurrently, serializing their writes", async () => {
    const c = ws();
    await c.execute("CREATE TABLE wscount (n INTEGER)");
    await c.execute("INSERT INTO wscount VALUES (0)");
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const tx = await c.transaction("write");
        const n = (await tx.execute("SELECT n FROM wscount")).rows[0]!.n as number;
        await tx.execute({ sql: "UPDATE wscount SET n = ?", args: [n + 1] });
        await tx.commit();
      }),
    );
    expect((await c.execute("SELECT n FROM wscount")).rows[0]!.n).toBe(8);
  });

  it("rolls back and frees the write lock when the socket closes", async () => {
    const c = createClient({ url: t.server.url.replace(/^http:/, "ws:"), authToken: "ws-token" });
    await c.execute("CREATE TABLE wsgone (v)");
    const tx = await c.transaction("write");
    await tx.execute("INSERT INTO wsgone VALUES ('uncommitted')");
    c.close();
    const other = ws();
    await other.execute("INSERT INTO wsgone VALUES ('next')");
    const rows = (await other.execute("SELECT v FROM wsgone")).rows.map((r) => r.v);
    expect(rows).toEqual(["next"]);
  });

  it("refuses a wrong token", async () => {
    const c = t.client("ws", { authToken: "wrong" });
    await expect(c.execute("SELECT 1")).rejects.toThrow(/UNAUTHORIZED|token/);
  });
});
