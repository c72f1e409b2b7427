import { LibsqlError } from "@libsql/client";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countStatements, looksLikeWrite } from "./sql-text.ts";
import { execute, testServer, type TestServer } from "./test-support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await testServer({ authToken: "tok3n", publicUrl: "http://db.example.test:8080" });
});
afterAll(() => t.dispose());

const auth = { authorization: "Bearer tok3n" };
const client = () => t.client("http", { authToken: "tok3n" });

describe("behaves like sqld", () => {
  it("keeps changes() of the statement before it in a batch", async () => {
    const c = client();
    await c.execute("CREATE TABLE guarded (name TEXT PRIMARY KEY, n INTEGER)");
    await c.execute("INSERT INTO guarded VALUES ('a', 0)");
    // An optimistic update whose follow-up insert only runs when nothing matched: the pattern
    // of a compare-and-set. The insert's text is new to the server, so it is compiled here.
    const guardedInsert = "INSERT INTO guarded (name, n) SELECT ?, -1 WHERE changes() = 0";
    await c.batch(
      [
        { sql: "UPDATE guarded SET n = n + 1 WHERE name = ? AND n = ?", args: ["a", 0] },
        { sql: guardedInsert, args: ["a"] },
      ],
      "write",
    );
    expect((await c.execute("SELECT n FROM guarded")).rows.map((r) => r.n)).toEqual([1]);
  });

  it("refuses several statements in one execute, running none of them", async () => {
    const c = client();
    await c.execute("CREATE TABLE multi (v)");
    const err = await c
      .execute("INSERT INTO multi VALUES (1); INSERT INTO multi VALUES (2)")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibsqlError);
    expect((err as LibsqlError).code).toBe("SQL_MANY_STATEMENTS");
    expect((await c.execute("SELECT count(*) AS n FROM multi")).rows[0]!.n).toBe(0);
    // A trailing semicolon, comments and a trigger body are still one statement.
    await c.execute("INSERT INTO multi VALUES (';') ; -- done;");
    await c.execute(
      "CREATE TRIGGER multi_t AFTER INSERT ON multi BEGIN SELECT CASE WHEN 1 THEN 1 END; SELECT 2; END",
    );
  });

  it("refuses missing, extra and unknown arguments", async () => {
    const c = client();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "ok",
        (e: LibsqlError) => e.code,
      );
    expect(await code(c.execute({ sql: "SELECT ?, ?", args: [1] }))).toBe("ARGS_INVALID");
    expect(await code(c.execute({ sql: "SELECT ?", args: [1, 2] }))).toBe("ARGS_INVALID");
    expect(await code(c.execute({ sql: "SELECT :a", args: { b: 1 } }))).toBe("ARGS_INVALID");
    expect(await code(c.execute({ sql: "SELECT :a", args: {} }))).toBe("ARGS_INVALID");
    expect(await code(c.execute({ sql: "SELECT '?', ? -- ?", args: [1] }))).toBe("ok");
    const named = await c.execute({
      sql: "SELECT :a AS a, @b AS b, $c AS c",
      args: { a: 1, "@b": 2, $c: 3 },
    });
    expect(named.rows[0]).toMatchObject({ a: 1, b: 2, c: 3 });
    const numbered = await c.execute({ sql: "SELECT ?2 AS two, ?1 AS one", args: ["x", "y"] });
    expect(numbered.rows[0]).toMatchObject({ one: "x", two: "y" });
  });

  it("describes parameters from the compiled statement, not the text", async () => {
    const res = await t.pipeline(
      {
        requests: [
          {
            type: "describe",
            sql: 'SELECT \'?\', ? /* ? :no */, :name, "?" -- ?\n FROM (SELECT 1 AS "?")',
          },
          { type: "describe", sql: "INSERT INTO nowhere VALUES (1)" },
          { type: "describe", sql: "CREATE TABLE described (x)" },
          { type: "close" },
        ],
      },
      auth,
    );
    const [select, missing, write] = res.body.results;
    expect(select.response.result).toMatchObject({
      params: [{ name: null }, { name: ":name" }],
      is_readonly: true,
      is_explain: false,
    });
    expect(select.response.result.cols.map((col: { name: string }) => col.name)).toHaveLength(4);
    expect(missing).toMatchObject({ type: "error", error: { code: "SQLITE_ERROR" } });
    expect(write.response.result.is_readonly).toBe(false);
  });

  it("reports constraint failures with the primary result code", async () => {
    const c = client();
    await c.execute("CREATE TABLE uniq (id INTEGER PRIMARY KEY, v NOT NULL)");
    await c.execute("INSERT INTO uniq VALUES (1, 1)");
    for (const sql of ["INSERT INTO uniq VALUES (1, 1)", "INSERT INTO uniq VALUES (2, NULL)"])
      await expect(c.execute(sql)).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
  });

  it("gives its configured URL as base_url, whatever the Host header says", async () => {
    const body = JSON.stringify({ requests: [execute("SELECT 1"), { type: "close" }] });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        t.server.url + "/v2/pipeline",
        {
          method: "POST",
          headers: { ...auth, host: "attacker.example", "content-type": "application/json" },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(JSON.parse(answer).base_url).toBe("http://db.example.test:8080");
  });

  it("accepts the bearer scheme in any case and refuses a wrong token", async () => {
    const body = { requests: [execute("SELECT 1"), { type: "close" }] };
    for (const scheme of ["Bearer", "bearer", "BEARER"])
      expect((await t.pipeline(body, { authorization: `${scheme} tok3n` })).status).toBe(200);
    expect((await t.pipeline(body, { authorization: "bearer nope" })).status).toBe(401);
    expect((await t.pipeline(body, { authorization: "Basic tok3n" })).status).toBe(401);
  });
});

describe("statement text", () => {
  it("counts statements, skipping literals, comments and trigger bodies", () => {
    expect(countStatements("")).toBe(0);
    expect(countStatements(" ; -- nothing\n /* ; */ ;")).toBe(0);
    expect(countStatements("SELECT 1;")).toBe(1);
    expect(countStatements("SELECT ';', \"a;b\", [c;d], `e;f` -- ;\n")).toBe(1);
    expect(countStatements("SELECT 1; SELECT 2")).toBe(2);
    expect(
      countStatements(
        "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN UPDATE y SET z = CASE WHEN 1 THEN 2 END; DELETE FROM y; END; SELECT 1",
      ),
    ).toBe(2);
  });

  it("recognises statements that write by their leading keywords", () => {
    expect(looksLikeWrite("  -- c\n insert into x values (1)")).toBe(true);
    expect(looksLikeWrite("/* c */ BEGIN IMMEDIATE")).toBe(true);
    expect(looksLikeWrite("BEGIN")).toBe(false);
    expect(looksLikeWrite("SELECT 'INSERT'")).toBe(false);
  });
});
