import type { InValue } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testServer, type TestServer } from "./test-support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await testServer();
});
afterAll(() => t.dispose());

// Every value type as the only argument of a statement: a lone object argument must not be
// taken for a set of named parameters (a blob used to crash the server, a null to fail).
const singles: [string, InValue, unknown, string][] = [
  ["null", null, null, "null"],
  // The client sends every JS number as a float and bigints as integers.
  ["number", 42, 42, "real"],
  ["bigint", 42n, 42n, "integer"],
  ["bigint beyond 2^53", 9007199254740993n, 9007199254740993n, "integer"],
  ["float", 2.5, 2.5, "real"],
  ["text", "zażółć 🚀", "zażółć 🚀", "text"],
  ["empty text", "", "", "text"],
  ["blob", new Uint8Array([0, 1, 254, 255]), new Uint8Array([0, 1, 254, 255]), "blob"],
  ["empty blob", new Uint8Array([]), new Uint8Array([]), "blob"],
  ["ArrayBuffer", new Uint8Array([7, 8]).buffer, new Uint8Array([7, 8]), "blob"],
  ["boolean", true, 1n, "integer"],
];

const normalize = (v: unknown) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);

describe.each(["http", "ws"] as const)("a single argument of each type over %s", (transport) => {
  it.each(singles)("%s", async (_name, arg, expected, type) => {
    const c = t.client(transport, { intMode: "bigint" });
    const rs = await c.execute({ sql: "SELECT ?1 AS v, typeof(?1) AS t", args: [arg] });
    expect(normalize(rs.rows[0]!.v)).toEqual(expected);
    expect(rs.rows[0]!.t).toBe(type);
    // The same as a named argument.
    const named = await c.execute({ sql: "SELECT typeof(:v) AS t", args: { v: arg } });
    expect(named.rows[0]!.t).toBe(type);
  });

  it("stores and reads back every type in one table", async () => {
    const c = t.client(transport, { intMode: "bigint" });
    const table = `single_${transport}`;
    await c.execute(`CREATE TABLE ${table} (v)`);
    for (const [, arg] of singles)
      await c.execute({ sql: `INSERT INTO ${table} VALUES (?)`, args: [arg] });
    const rs = await c.execute(`SELECT v FROM ${table} ORDER BY rowid`);
    expect(rs.rows.map((r) => normalize(r.v))).toEqual(singles.map(([, , e]) => e));
  });
});

describe("drizzle", () => {
  it("binds each value type as the only parameter", async () => {
    const db = drizzle(t.client());
    for (const [name, arg, expected, type] of singles) {
      if (arg instanceof ArrayBuffer || typeof arg === "bigint") continue; // not drizzle params
      const row = await db.get<{ v: unknown; t: string }>(
        sql`SELECT ${arg} AS v, typeof(${arg}) AS t`,
      );
      const v = typeof expected === "bigint" ? Number(expected) : expected;
      expect({ name, v: normalize(row.v), t: row.t }).toEqual({ name, v, t: type });
    }
  });
});

describe("values produced by SQL", () => {
  it("returns REAL overflow as Infinity and -Infinity", async () => {
    const rs = await t.client().execute("SELECT 1e999 AS inf, -1e999 AS ninf, 0.5 AS half");
    expect(rs.rows[0]).toMatchObject({ inf: Infinity, ninf: -Infinity, half: 0.5 });
  });
});

// The engine binding reads text as a C string; a NUL inside text must still come back whole,
// as text, from every kind of query (nul-text.ts).
describe.each(["http", "ws"] as const)("text containing NUL over %s", (transport) => {
  const nul = "a\0b";

  it("reads back a bound text argument whole", async () => {
    const c = t.client(transport);
    const rs = await c.execute({
      sql: "SELECT ?1 AS v, typeof(?1) AS t, length(CAST(?1 AS BLOB)) AS n",
      args: [nul],
    });
    expect(rs.rows[0]).toMatchObject({ v: nul, t: "text", n: 3 });
    const named = await c.execute({ sql: "SELECT :v AS v", args: { v: "\0" } });
    expect(named.rows[0]!.v).toBe("\0");
  });

  it("reads back text made by SQL", async () => {
    const rs = await t
      .client(transport)
      .execute("SELECT 'a' || char(0) || 'b' AS v, char(0) AS z, char(0, 0x1F680) AS e");
    expect(rs.rows[0]).toMatchObject({ v: nul, z: "\0", e: "\0🚀" });
  });

  it("reads back stored rows with NUL in some columns of some rows", async () => {
    const c = t.client(transport, { intMode: "bigint" });
    const table = `nul_${transport}`;
    await c.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, a TEXT, b, c BLOB)`);
    // id, a, b, c, then what typeof(b) is.
    const rows: [bigint, string | null, InValue, Uint8Array | null, string][] = [
      [1n, "plain", 7n, null, "integer"],
      [2n, "zażółć\0🚀", "\0\0", new Uint8Array([0, 1]), "text"],
      [3n, null, "end\0", new Uint8Array([]), "text"],
      [4n, "\0", 2.5, null, "real"],
    ];
    await c.batch(
      rows.map((r) => ({ sql: `INSERT INTO ${table} VALUES (?, ?, ?, ?)`, args: r.slice(0, 4) })),
      "write",
    );
    const rs = await c.execute(`SELECT id, a, b, c, typeof(b) AS tb FROM ${table} ORDER BY id;`);
    expect(rs.rows.map((r) => [r.id, r.a, r.b, normalize(r.c), r.tb])).toEqual(rows);
    // Through a WITH clause, a compound query and a subquery in the select list.
    const compound = await c.execute(
      `WITH x(v) AS (SELECT b FROM ${table} WHERE id = 3) SELECT v FROM x` +
        ` UNION ALL SELECT (SELECT a FROM ${table} WHERE id = 2) -- done`,
    );
    expect(compound.rows.map((r) => r.v)).toEqual(["end\0", "zażółć\0🚀"]);
  });

  it("reads back what a write returns with RETURNING * or column names", async () => {
    const c = t.client(transport);
    const table = `nul_ret_${transport}`;
    await c.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, a TEXT, b TEXT)`);
    const ins = await c.execute({
      sql: `INSERT INTO ${table} (a, b) VALUES (?, 'plain') RETURNING *`,
      args: [nul],
    });
    expect(ins.rows.map((r) => [r.id, r.a, r.b])).toEqual([[1, nul, "plain"]]);
    const upd = await c.execute(`UPDATE ${table} SET b = a || char(0) RETURNING b, "a"`);
    expect(upd.rows.map((r) => [r.b, r.a])).toEqual([[nul + "\0", nul]]);
    expect(upd.rowsAffected).toBe(1);
  });

  it("keeps every other value's type, in compound queries too", async () => {
    const c = t.client(transport, { intMode: "bigint" });
    const table = `nul_real_${transport}`;
    await c.execute(`CREATE TABLE ${table} (r REAL)`);
    await c.execute(`INSERT INTO ${table} VALUES (1.5)`);
    // A REAL column first must not turn the integer after it into a float.
    const rs = await c.execute(`SELECT r AS v FROM ${table} UNION ALL SELECT 7`);
    expect(rs.rows.map((r) => r.v)).toEqual([1.5, 7n]);
    const values = await c.execute(
      `VALUES ((SELECT r FROM ${table})), (7), (x'00'), ('x' || char(0))`,
    );
    expect(values.rows.map((r) => normalize(r[0]))).toEqual([1.5, 7n, new Uint8Array([0]), "x\0"]);
  });
});

describe("text containing NUL through drizzle", () => {
  it("inserts, returns and selects it whole", async () => {
    const db = drizzle(t.client());
    const notes = sqliteTable("nul_notes", {
      id: integer("id").primaryKey(),
      body: text("body").notNull(),
    });
    await db.run(sql`CREATE TABLE nul_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
    const [inserted] = await db.insert(notes).values({ body: "x\0y" }).returning();
    expect(inserted).toEqual({ id: 1, body: "x\0y" });
    expect(await db.select().from(notes)).toEqual([{ id: 1, body: "x\0y" }]);
  });
});

describe("text containing NUL in raw Hrana JSON", () => {
  it("is a text value holding the whole string", async () => {
    const { status, body } = await t.pipeline({
      requests: [
        {
          type: "execute",
          stmt: {
            sql: "SELECT ? AS v, 'x' || char(0) AS w, x'0061' AS b",
            args: [{ type: "text", value: "a\u0000b" }],
          },
        },
      ],
    });
    expect(status).toBe(200);
    expect(body.results[0].response.result.rows[0]).toEqual([
      { type: "text", value: "a\u0000b" },
      { type: "text", value: "x\u0000" },
      { type: "blob", base64: "AGE=" },
    ]);
  });
});
