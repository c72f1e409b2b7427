import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execute, testServer, type TestServer } from "./test-support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await testServer();
});
afterAll(() => t.dispose());

const state = [
  "SELECT count(*) FROM temp.sqlite_schema",
  "PRAGMA foreign_keys",
  "PRAGMA query_only",
  "PRAGMA recursive_triggers",
];

describe("connection state", () => {
  it("does not carry over from one stream to the next", async () => {
    const c = t.client();
    const fresh = await Promise.all(state.map((sql) => c.execute(sql)));
    const baseline = fresh.map((rs) => rs.rows[0]![0]);
    expect(baseline.slice(0, 3)).toEqual([0, 1, 0]);
    // Several clients change their connection, concurrently so they use several threads.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.pipeline({
          requests: [
            execute(`CREATE TEMP TABLE scratch_${i} (x)`),
            execute("PRAGMA foreign_keys = OFF"),
            execute("PRAGMA query_only = ON"),
            execute("PRAGMA recursive_triggers = ON"),
            { type: "close" },
          ],
        }),
      ),
    );
    for (let round = 0; round < 12; round++) {
      const seen = await Promise.all(state.map((sql) => c.execute(sql)));
      expect(seen.map((rs) => rs.rows[0]![0])).toEqual(baseline);
    }
  });

  it("keeps a stream's own state for its lifetime", async () => {
    const tx = await t.client().transaction("write");
    await tx.execute("CREATE TEMP TABLE mine (x)");
    await tx.execute("INSERT INTO mine VALUES (1)");
    expect((await tx.execute("SELECT count(*) AS n FROM mine")).rows[0]!.n).toBe(1);
    await tx.commit();
  });
});
