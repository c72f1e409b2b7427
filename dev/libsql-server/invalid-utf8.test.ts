import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nulSafeQuery, restoreNulText } from "./nul-text.ts";
import { withoutBlobLiterals } from "./sql-text.ts";
import { testServer, type TestServer } from "./test-support.ts";

// Text that is not valid UTF-8 makes the `libsql` binding panic when it reads it. A query
// reads such text as bytes instead (nul-text.ts) and returns it as sqld does: each bad
// sequence replaced by U+FFFD.

describe("text that is not UTF-8, on the engine", () => {
  const db = new Database(":memory:");
  const run = (sql: string) => {
    const columns = db
      .prepare(sql)
      .columns()
      .map((c: { name: string }) => c.name);
    const wrapped = nulSafeQuery(sql, columns)!;
    return restoreNulText(
      db.prepare(wrapped).safeIntegers(true).raw(true).all([]) as unknown[][],
      "UTF-8",
    );
  };

  it("comes back with U+FFFD for each bad sequence; valid text, blobs and NUL unchanged", () => {
    expect(
      run(
        "SELECT CAST(x'ff' AS TEXT), CAST(x'636166e9' AS TEXT), CAST(x'c341' AS TEXT), CAST(x'80' AS TEXT), CAST(x'f09f98' AS TEXT) || 'z', 'é🚀', 'a' || char(0) || 'é', x'ff', x'', 7, 2.5, NULL",
      ),
    ).toEqual([
      [
        "\uFFFD",
        "caf\uFFFD",
        "\uFFFDA",
        "\uFFFD",
        "\uFFFDz",
        "é🚀",
        "a\0é",
        Buffer.from([0xff]),
        Buffer.alloc(0),
        7n,
        2.5,
        null,
      ],
    ]);
  });

  it("tells text read as bytes from real blobs in every row", () => {
    db.exec("CREATE TABLE mixed (a, b)");
    db.exec("INSERT INTO mixed VALUES (x'ff', CAST(x'ff' AS TEXT)), (CAST(x'ff' AS TEXT), x'ff')");
    expect(run("SELECT a, b FROM mixed ORDER BY rowid")).toEqual([
      [Buffer.from([0xff]), "\uFFFD"],
      ["\uFFFD", Buffer.from([0xff])],
    ]);
  });
});

describe("withoutBlobLiterals", () => {
  it("empties blob literals only, so EXPLAIN of the statement lists no raw bytes", () => {
    expect(
      withoutBlobLiterals(
        `SELECT x'ff', X'00ab' , x 'ab', 'x''ff''', "x"'1', [x]'2', CAST(x'e9' AS TEXT) -- x'ff'`,
      ),
    ).toBe(`SELECT x'', X'' , x 'ab', 'x''ff''', "x"'1', [x]'2', CAST(x'' AS TEXT) -- x'ff'`);
    expect(withoutBlobLiterals("SELECT ?, :a")).toBe("SELECT ?, :a");
  });
});

describe.each(["http", "ws"] as const)("text that is not UTF-8 over %s", (transport) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await testServer();
  });
  afterAll(() => t.dispose());

  it("is returned as text with U+FFFD while another stream's transaction goes on", async () => {
    const table = `bad_${transport}`;
    const c = t.client(transport);
    await c.execute(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, v TEXT)`);
    const tx = await t.client(transport).transaction("write");
    await tx.execute(`INSERT INTO ${table} (v) VALUES (CAST(x'636166e9' AS TEXT))`);

    const rs = await t.client(transport).execute("SELECT CAST(x'ff' AS TEXT) AS v");
    expect(rs.rows[0]!.v).toBe("\uFFFD");

    await tx.commit();
    const stored = await c.execute(`SELECT v, typeof(v) AS t, hex(v) AS h FROM ${table}`);
    expect(stored.rows.map((r) => [r.v, r.t, r.h])).toEqual([["caf\uFFFD", "text", "636166E9"]]);
    expect((await c.execute("SELECT 1 AS one")).rows[0]!.one).toBe(1);
  });
  it("stores and reads back blob literals of any bytes", async () => {
    const table = `blob_${transport}`;
    const c = t.client(transport);
    await c.execute(`CREATE TABLE ${table} (b BLOB)`);
    await c.execute(`INSERT INTO ${table} VALUES (x'ff00e9')`);
    const rs = await c.execute(`SELECT b, x'80' AS lit FROM ${table} WHERE b = x'ff00e9'`);
    expect(new Uint8Array(rs.rows[0]!.b as ArrayBuffer)).toEqual(new Uint8Array([0xff, 0, 0xe9]));
    expect(new Uint8Array(rs.rows[0]!.lit as ArrayBuffer)).toEqual(new Uint8Array([0x80]));
  });
});
