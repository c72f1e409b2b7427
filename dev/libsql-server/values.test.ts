import type { InValue } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
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
