import { createClient, LibsqlError, type Client } from "@libsql/client/web";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql/web";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLibsqlServer, type LibsqlServer } from "./server.ts";

let server: LibsqlServer;
let dir: string;
const clients: Client[] = [];
const client = (opts: { intMode?: "number" | "bigint" } = {}) => {
  const c = createClient({ url: server.url, ...opts });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "libsql-conformance-"));
  server = await startLibsqlServer({ file: join(dir, "db.sqlite"), port: 0, streamIdleMs: 2_000 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pipeline(
  body: unknown,
  path = "/v3/pipeline",
  headers: Record<string, string> = {},
) {
  const res = await fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("values", () => {
  it("round-trips null, integers beyond 2^53, floats, unicode text and blobs", async () => {
    const c = client({ intMode: "bigint" });
    await c.execute("CREATE TABLE vals (i INTEGER, f REAL, t TEXT, b BLOB, n)");
    const blob = new Uint8Array([0, 1, 2, 254, 255]);
    await c.execute({
      sql: "INSERT INTO vals VALUES (?, ?, ?, ?, ?)",
      args: [9007199254740993n, 3.25, "zażółć 🚀", blob, null],
    });
    await c.execute({ sql: "INSERT INTO vals (i) VALUES (?)", args: [-9223372036854775808n] });
    const rs = await c.execute("SELECT i, f, t, b, n FROM vals ORDER BY rowid");
    expect(rs.columns).toEqual(["i", "f", "t", "b", "n"]);
    expect(rs.columnTypes).toEqual(["INTEGER", "REAL", "TEXT", "BLOB", ""]);
    const [row, big] = rs.rows;
    expect(row!.i).toBe(9007199254740993n);
    expect(row!.f).toBe(3.25);
    expect(row!.t).toBe("zażółć 🚀");
    expect(new Uint8Array(row!.b as ArrayBuffer)).toEqual(blob);
    expect(row!.n).toBeNull();
    expect(big!.i).toBe(-9223372036854775808n);
  });

  it("binds positional and named arguments", async () => {
    const c = client();
    await c.execute("CREATE TABLE named (a, b, c)");
    await c.execute({
      sql: "INSERT INTO named VALUES (:a, @b, $c)",
      args: { a: 1, b: "two", c: null },
    });
    const rs = await c.execute({
      sql: "SELECT * FROM named WHERE a = ? AND b = ?",
      args: [1, "two"],
    });
    expect(rs.rows.map((r) => [r.a, r.b, r.c])).toEqual([[1, "two", null]]);
  });

  it("reports affected rows and the last insert rowid", async () => {
    const c = client();
    await c.execute("CREATE TABLE counts (id INTEGER PRIMARY KEY, v)");
    const ins = await c.execute("INSERT INTO counts (v) VALUES (1), (2), (3)");
    expect(ins.rowsAffected).toBe(3);
    expect(ins.lastInsertRowid).toBe(3n);
    const upd = await c.execute("UPDATE counts SET v = v + 1 WHERE id > 1");
    expect(upd.rowsAffected).toBe(2);
    const sel = await c.execute("SELECT * FROM counts");
    expect(sel.rowsAffected).toBe(0);
    const ret = await c.execute("INSERT INTO counts (v) VALUES (9) RETURNING id, v");
    expect(ret.rows.map((r) => [r.id, r.v])).toEqual([[4, 9]]);
    expect(ret.rowsAffected).toBe(1);
  });
});

describe("errors", () => {
  it("surfaces SQL errors as LibsqlError with the engine's code", async () => {
    const c = client();
    await expect(c.execute("SELEC 1")).rejects.toMatchObject({ code: "SQLITE_ERROR" });
    await c.execute("CREATE TABLE uniq (id INTEGER PRIMARY KEY)");
    await c.execute("INSERT INTO uniq VALUES (1)");
    const err = await c.execute("INSERT INTO uniq VALUES (1)").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    // sqld reports the primary result code, not the extended one.
    expect((err as LibsqlError).code).toBe("SQLITE_CONSTRAINT");
  });

  it("answers malformed bodies with 400 and a JSON reason, unknown routes with 404", async () => {
    expect(await pipeline("{not json")).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/JSON/) },
    });
    expect(await pipeline({ requests: "nope" })).toMatchObject({ status: 400 });
    expect(await pipeline({ requests: [{ type: "teleport" }] })).toMatchObject({ status: 400 });
    expect((await fetch(server.url + "/v3-protobuf")).status).toBe(404);
  });
});

describe("batches", () => {
  it("is atomic in write mode: a failing statement rolls the whole batch back", async () => {
    const c = client();
    await c.execute("CREATE TABLE atomic (id INTEGER PRIMARY KEY)");
    await expect(
      c.batch(["INSERT INTO atomic VALUES (1)", "INSERT INTO atomic VALUES (1)"], "write"),
    ).rejects.toBeInstanceOf(LibsqlError);
    expect((await c.execute("SELECT count(*) AS n FROM atomic")).rows[0]!.n).toBe(0);
    const ok = await c.batch(
      ["INSERT INTO atomic VALUES (1)", "SELECT count(*) AS n FROM atomic"],
      "write",
    );
    expect(ok[1]!.rows[0]!.n).toBe(1);
  });

  it("evaluates step conditions: ok, error, not, and, or, is_autocommit", async () => {
    const stmt = (sql: string) => ({ sql, want_rows: true });
    const { body } = await pipeline({
      requests: [
        {
          type: "batch",
          batch: {
            steps: [
              { stmt: stmt("SELECT 1") },
              { stmt: stmt("SELECT nope") },
              { condition: { type: "ok", step: 0 }, stmt: stmt("SELECT 2") },
              { condition: { type: "ok", step: 1 }, stmt: stmt("SELECT 3") },
              {
                condition: {
                  type: "and",
                  conds: [
                    { type: "error", step: 1 },
                    { type: "not", cond: { type: "ok", step: 3 } },
                  ],
                },
                stmt: stmt("SELECT 4"),
              },
              {
                condition: {
                  type: "or",
                  conds: [{ type: "ok", step: 3 }, { type: "is_autocommit" }],
                },
                stmt: stmt("SELECT 5"),
              },
            ],
          },
        },
        { type: "close" },
      ],
    });
    const result = body.results[0].response.result;
    const ran = result.step_results.map((r: any) => (r ? r.rows[0][0].value : null));
    expect(ran).toEqual(["1", null, "2", null, "4", "5"]);
    expect(result.step_errors[1].message).toMatch(/no such column/);
    expect(body.baton).toBeNull();
  });

  it("serves the v2 pipeline and the v3 cursor", async () => {
    const v2 = await pipeline(
      {
        requests: [
          { type: "execute", stmt: { sql: "SELECT 42 AS x", want_rows: true } },
          { type: "close" },
        ],
      },
      "/v2/pipeline",
    );
    expect(v2.body.results[0].response.result.rows).toEqual([[{ type: "integer", value: "42" }]]);
    const res = await fetch(server.url + "/v3/cursor", {
      method: "POST",
      body: JSON.stringify({
        batch: { steps: [{ stmt: { sql: "SELECT 7 AS y UNION ALL SELECT 8", want_rows: true } }] },
      }),
    });
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0].baton).toEqual(expect.any(String));
    expect(lines.slice(1).map((l: any) => l.type)).toEqual([
      "step_begin",
      "row",
      "row",
      "step_end",
    ]);
    expect(lines[2].row).toEqual([{ type: "integer", value: "7" }]);
  });
});

describe("streams", () => {
  it("keeps stored SQL and autocommit state per stream, rotating the baton", async () => {
    const first = await pipeline({
      requests: [
        { type: "store_sql", sql_id: 1, sql: "SELECT 11" },
        { type: "execute", stmt: { sql: "BEGIN" } },
        { type: "get_autocommit" },
      ],
    });
    expect(first.body.results[2].response.is_autocommit).toBe(false);
    const baton = first.body.baton;
    const second = await pipeline({
      baton,
      requests: [
        { type: "execute", stmt: { sql_id: 1, want_rows: true } },
        { type: "execute", stmt: { sql: "COMMIT" } },
        { type: "get_autocommit" },
        { type: "close" },
      ],
    });
    expect(second.body.results[0].response.result.rows).toEqual([
      [{ type: "integer", value: "11" }],
    ]);
    expect(second.body.results[2].response.is_autocommit).toBe(true);
    // A baton is single-use: replaying it is refused.
    expect((await pipeline({ baton, requests: [{ type: "get_autocommit" }] })).status).toBe(400);
  });

  it("isolates interactive transactions and honours commit and rollback", async () => {
    const a = client();
    const b = client();
    await a.execute("CREATE TABLE tx (v)");
    const tx = await a.transaction("write");
    await tx.execute("INSERT INTO tx VALUES ('uncommitted')");
    expect((await b.execute("SELECT count(*) AS n FROM tx")).rows[0]!.n).toBe(0);
    await tx.rollback();
    const tx2 = await a.transaction("write");
    await tx2.execute("INSERT INTO tx VALUES ('kept')");
    await tx2.commit();
    expect((await b.execute("SELECT v FROM tx")).rows.map((r) => r.v)).toEqual(["kept"]);
  });

  it("rolls back an abandoned transaction when its stream expires", async () => {
    const a = client();
    await a.execute("CREATE TABLE abandoned (v)");
    const begun = await pipeline({
      requests: [
        { type: "execute", stmt: { sql: "BEGIN IMMEDIATE" } },
        { type: "execute", stmt: { sql: "INSERT INTO abandoned VALUES (1)" } },
      ],
    });
    expect(begun.body.baton).toEqual(expect.any(String));
    await new Promise((r) => setTimeout(r, 2_300));
    // The write lock is gone and the row was never committed.
    await a.execute("INSERT INTO abandoned VALUES (2)");
    expect((await a.execute("SELECT v FROM abandoned")).rows.map((r) => r.v)).toEqual([2]);
  });

  it("handles concurrent clients without losing writes", async () => {
    const writers = [client(), client(), client(), client()];
    await writers[0]!.execute("CREATE TABLE conc (w INTEGER, i INTEGER)");
    await Promise.all(
      writers.flatMap((c, w) =>
        Array.from({ length: 20 }, (_, i) =>
          c.execute({ sql: "INSERT INTO conc VALUES (?, ?)", args: [w, i] }),
        ),
      ),
    );
    const rs = await writers[1]!.execute(
      "SELECT count(*) AS n, count(DISTINCT w * 100 + i) AS d FROM conc",
    );
    expect([rs.rows[0]!.n, rs.rows[0]!.d]).toEqual([80, 80]);
  });
});

describe("clients on top", () => {
  it("runs drizzle queries and migrations-style multi statements", async () => {
    const c = client();
    await c.executeMultiple(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO items (name) VALUES ('a');",
    );
    const items = sqliteTable("items", {
      id: integer("id").primaryKey(),
      name: text("name").notNull(),
    });
    const db = drizzle(c);
    await db.insert(items).values([{ name: "b" }, { name: "c" }]);
    const rows = await db
      .select()
      .from(items)
      .where(sql`${items.name} != 'a'`);
    expect(rows).toEqual([
      { id: 2, name: "b" },
      { id: 3, name: "c" },
    ]);
  });
});

describe("auth", () => {
  it("requires the bearer token when one is configured", async () => {
    const secured = await startLibsqlServer({
      file: join(dir, "auth.sqlite"),
      port: 0,
      authToken: "s3cret",
    });
    try {
      const denied = await fetch(secured.url + "/v2/pipeline", { method: "POST", body: "{}" });
      expect(denied.status).toBe(401);
      const c = createClient({ url: secured.url, authToken: "s3cret" });
      expect((await c.execute("SELECT 1 AS one")).rows[0]!.one).toBe(1);
      c.close();
      const wrong = createClient({ url: secured.url, authToken: "nope" });
      await expect(wrong.execute("SELECT 1")).rejects.toThrow(/UNAUTHORIZED/);
      wrong.close();
    } finally {
      await secured.close();
    }
  });
});
