import Database from "libsql";
import { describe, expect, it } from "vitest";
import { nulSafeQuery, restoreNulText } from "./nul-text.ts";
import { queryShape, returningShape } from "./sql-text.ts";

describe("queryShape", () => {
  it("takes plain queries, with or without a WITH clause, and nothing else", () => {
    expect(queryShape("SELECT 1")).toEqual({ body: "SELECT 1", mainAt: 0, compound: false });
    expect(queryShape("  values (1), (2);")).toMatchObject({
      body: "  values (1), (2)",
      mainAt: 2,
    });
    const withClause = "WITH x(v) AS (SELECT 1 UNION SELECT 2) SELECT v FROM x";
    expect(queryShape(withClause)).toEqual({
      body: withClause,
      mainAt: withClause.indexOf("SELECT v"),
      compound: false,
    });
    for (const sql of [
      "PRAGMA table_info(t)",
      "EXPLAIN SELECT 1",
      "INSERT INTO t VALUES (1) RETURNING *",
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x RETURNING *",
      "WITH x AS (SELECT 1) DELETE FROM t RETURNING *",
      "(SELECT 1)",
      "",
    ])
      expect(queryShape(sql), sql).toBeNull();
  });

  it("drops a trailing `;` and comments, and finds top-level compound operators only", () => {
    expect(queryShape("SELECT ';' -- why\n ; /* done */")?.body).toBe("SELECT ';'");
    expect(queryShape("SELECT a FROM t UNION ALL SELECT 'x'")?.compound).toBe(true);
    expect(queryShape("SELECT a FROM t EXCEPT SELECT 1")?.compound).toBe(true);
    for (const sql of [
      "SELECT (SELECT 1 UNION SELECT 2)",
      "SELECT 'union', \"except\", [intersect], :union, @union, $union FROM t",
      "WITH x AS (SELECT 1 UNION SELECT 2) SELECT * FROM x",
    ])
      expect(queryShape(sql)?.compound, sql).toBe(false);
  });
});

describe("returningShape", () => {
  it("takes RETURNING * and lists of plain column names", () => {
    expect(returningShape("INSERT INTO t VALUES (?) RETURNING *;")).toEqual({
      body: "INSERT INTO t VALUES (?) RETURNING *",
      items: null,
    });
    expect(
      returningShape('UPDATE t SET a = (SELECT 1) RETURNING id, "a b", [c] -- done')?.items,
    ).toEqual(["id", '"a b"', "[c]"]);
    expect(
      returningShape("WITH x AS (SELECT 1) DELETE FROM t WHERE id IN x RETURNING id")?.items,
    ).toEqual(["id"]);
  });

  it("leaves expressions, aliases and statements without RETURNING alone", () => {
    for (const sql of [
      "INSERT INTO t VALUES (1) RETURNING upper(a)",
      "INSERT INTO t VALUES (1) RETURNING a AS b",
      "INSERT INTO t VALUES (1) RETURNING a b",
      "INSERT INTO t VALUES (1) RETURNING *, a",
      "INSERT INTO t VALUES (1)",
      "SELECT 'returning' AS returning",
    ])
      expect(returningShape(sql), sql).toBeNull();
  });
});

describe("nulSafeQuery on the engine", () => {
  const db = new Database(":memory:");
  const run = (sql: string, args: unknown[] = []) => {
    const columns = db
      .prepare(sql)
      .columns()
      .map((c: { name: string }) => c.name);
    const wrapped = nulSafeQuery(sql, columns)!;
    const rows = db.prepare(wrapped).safeIntegers(true).raw(true).all(args) as unknown[][];
    return restoreNulText(rows, "UTF-8");
  };

  it("returns text holding NUL whole and every other value as the query gives it", () => {
    expect(run("SELECT ?, 'a' || char(0), x'00', 1, 2.5, NULL, 'ok'", ["x\0y"])).toEqual([
      ["x\0y", "a\0", Buffer.from([0]), 1n, 2.5, null, "ok"],
    ]);
  });

  it("keeps the order, the arguments and the statement's own parameters", () => {
    expect(
      run("SELECT value FROM json_each(?) WHERE value <> :skip ORDER BY value DESC", [
        '["a","b","c"]',
        "b",
      ]),
    ).toEqual([["c"], ["a"]]);
  });

  it("adds the marker to a RETURNING clause", () => {
    db.exec("CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT, b)");
    expect(run("INSERT INTO r (a, b) VALUES (?, ?) RETURNING *", ["x\0", 2n])).toEqual([
      [1n, "x\0", 2n],
    ]);
    expect(run('UPDATE r SET b = a || char(0) RETURNING "b", id')).toEqual([["x\0\0", 1n]]);
  });

  it("stays within SQLite's expression depth for a thousand columns", () => {
    const sql = `SELECT ${Array.from({ length: 1000 }, (_, i) => (i === 999 ? "char(0)" : i))}`;
    expect(run(sql)[0]![999]).toBe("\0");
  });
});
