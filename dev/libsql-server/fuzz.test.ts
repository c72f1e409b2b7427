import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deepNesting,
  fuzzRuns,
  fuzzTimeout,
  hostileNumber,
  hostileString,
  hostileValue,
  mutateJson,
  PROTO_KEYS,
} from "../test/fuzz.ts";
import { deepCondition, LIBSQL_REGRESSIONS } from "./fuzz-regressions.ts";
import { execute, openFds, testServer, type TestServer } from "./test-support.ts";

/**
 * Fuzzing the libSQL server's pipeline endpoint (docs/fuzzing.md): Hrana pipelines with
 * hostile values, wrong types, prototype keys, deep batch conditions and plain garbage. Every
 * one is answered 200 or 4xx (never a 5xx, never a dropped connection), a refused pipeline
 * writes nothing, and the server stays up: a valid request afterwards succeeds and no file
 * descriptors pile up. Counterexamples found are replayed below.
 */

const SEED = 0x11b5_9121;

let t: TestServer;
beforeAll(async () => {
  // Short-lived streams and few threads: what a fuzz case leaves open expires quickly.
  t = await testServer({ streamIdleMs: 200, maxEngineThreads: 8, writeLockTimeoutMs: 3000 });
  await t.client().execute("CREATE TABLE t (v)");
});
afterAll(() => t.dispose());

const rows = async () =>
  Number((await t.client().execute("SELECT count(*) AS n FROM t")).rows[0]!.n);

/** Posts a body as the test sends it; the answer's status and JSON, or what went wrong. */
async function post(body: string) {
  const res = await fetch(t.server.url + "/v3/pipeline", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** The endpoint's contract for one body, and that the server still serves afterwards. */
async function checkAnswer(body: string): Promise<void> {
  const before = await rows();
  const { status, text } = await post(body);
  expect([200, 400].includes(status), `${status} ${text.slice(0, 300)}`).toBe(true);
  const answer = JSON.parse(text) as { results?: unknown[]; message?: string };
  if (status === 200) {
    const sent = (JSON.parse(body) as { requests: unknown[] }).requests;
    expect(answer.results).toHaveLength(sent.length);
    for (const r of answer.results as { type: string }[]) expect(["ok", "error"]).toContain(r.type);
  } else {
    expect(typeof answer.message).toBe("string");
    expect(await rows()).toBe(before);
  }
  // Still serving: a valid pipeline right after is answered.
  const ok = await post(JSON.stringify({ requests: [execute("SELECT 1"), { type: "close" }] }));
  expect(ok.status).toBe(200);
}

const SQL = fc.oneof(
  fc.constantFrom(
    "SELECT 1",
    "SELECT ?",
    "SELECT :a, @b, $c",
    "SELECT ?1, ?2",
    "INSERT INTO t VALUES (?)",
    "INSERT INTO t VALUES ('x')",
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SELEC 1",
    "",
    ";",
    "SELECT 1; SELECT 2",
    "SELECT 1e999, -1e999, 9223372036854775807",
    "SELECT zeroblob(100000)",
    "SELECT * FROM t",
    "PRAGMA user_version",
  ),
  hostileString,
);

const protoValue = fc.oneof(
  fc.record({ type: fc.constant("null") }),
  fc.record({
    type: fc.constant("integer"),
    value: fc.oneof(
      hostileString,
      fc.bigInt().map(String),
      hostileNumber,
      fc.constant("9223372036854775808"),
    ),
  }),
  fc.record({ type: fc.constant("float"), value: fc.oneof(hostileNumber, hostileString) }),
  fc.record({ type: fc.constant("text"), value: fc.oneof(hostileString, hostileNumber) }),
  fc.record({ type: fc.constant("blob"), base64: fc.oneof(fc.base64String(), hostileString) }),
  hostileValue,
);

const stmt = fc.record(
  {
    sql: SQL,
    sql_id: fc.oneof(fc.integer({ min: -2, max: 3 }), hostileNumber),
    args: fc.oneof(fc.array(protoValue, { maxLength: 4 }), hostileValue),
    named_args: fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom(":a", "@b", "$c", ...PROTO_KEYS), hostileString),
        value: protoValue,
      }),
      { maxLength: 3 },
    ),
    want_rows: fc.oneof(fc.boolean(), hostileValue),
  },
  { requiredKeys: [] },
);

/** A batch condition (nested a little; see deepCondition for thousands of levels). */
const cond: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  c: fc.oneof(
    { depthSize: "small" },
    fc.record({ type: fc.constantFrom("ok", "error"), step: fc.oneof(fc.nat(4), hostileNumber) }),
    fc.record({ type: fc.constant("not"), cond: tie("c") }),
    fc.record({ type: fc.constantFrom("and", "or"), conds: fc.array(tie("c"), { maxLength: 3 }) }),
    fc.constant({ type: "is_autocommit" }),
    hostileValue,
  ),
})).c;

const request = fc.oneof(
  fc.record({ type: fc.constant("execute"), stmt }),
  fc.record({
    type: fc.constant("batch"),
    batch: fc.record({
      steps: fc.array(fc.record({ condition: fc.option(cond), stmt }), { maxLength: 4 }),
    }),
  }),
  fc.record({ type: fc.constantFrom("sequence", "describe"), sql: SQL }),
  fc.record({
    type: fc.constant("store_sql"),
    sql_id: fc.oneof(fc.nat(3), hostileNumber),
    sql: SQL,
  }),
  fc.record({ type: fc.constant("close_sql"), sql_id: fc.oneof(fc.nat(3), hostileNumber) }),
  fc.constantFrom({ type: "close" }, { type: "get_autocommit" }),
  fc.record({ type: fc.oneof(hostileString, fc.constantFrom(...PROTO_KEYS)) }),
  hostileValue,
);

const VALID = {
  requests: [
    { type: "store_sql", sql_id: 1, sql: "INSERT INTO t VALUES (?)" },
    { type: "execute", stmt: { sql_id: 1, args: [{ type: "integer", value: "1" }] } },
    { type: "close" },
  ],
};

const body = fc.oneof(
  fc
    .record(
      {
        baton: fc.option(fc.oneof(hostileString, hostileNumber)),
        requests: fc.array(request, { maxLength: 5 }),
      },
      { requiredKeys: ["requests"] },
    )
    .map((b) => JSON.stringify(b)),
  mutateJson(VALID).map((b) => JSON.stringify(b) ?? "null"),
  deepNesting.map((v) => JSON.stringify({ requests: [v] })),
  fc.record({
    depth: fc.integer({ min: 100, max: 20_000 }),
    how: fc.constantFrom("not", "and") as fc.Arbitrary<"not" | "and">,
  }),
  hostileString,
  fc.constantFrom("{", "[]", "null", '{"requests":[', '{"requests":{}}', "\u0000"),
);

describe("pipeline endpoint fuzzing", () => {
  it(
    "answers every pipeline with 200 or 400, stores nothing for a refused one and stays up",
    async () => {
      // Warm up: the client's keep-alive sockets and engine threads exist before measuring.
      for (let i = 0; i < 10; i++) await checkAnswer(JSON.stringify(VALID));
      const fds = openFds();
      await fc.assert(
        fc.asyncProperty(body, (b) =>
          checkAnswer(typeof b === "string" ? b : deepCondition(b.depth, b.how)),
        ),
        fuzzRuns(SEED, 150),
      );
      // Flat: a leak would be a descriptor or more per case; the slack is sockets and threads.
      expect(openFds() - fds).toBeLessThan(40);
    },
    fuzzTimeout(60_000),
  );
});

describe("pipeline endpoint regressions (counterexamples the fuzzer found)", () => {
  it.each(LIBSQL_REGRESSIONS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await rows();
    const { status, text } = await post(c.body());
    expect(status, text.slice(0, 300)).toBe(c.status);
    expect(JSON.parse(text).message ?? "").toContain(c.message);
    expect(await rows()).toBe(before);
  });
});
