/**
 * Counterexamples the pipeline fuzzer (fuzz.test.ts) found, replayed as plain tests: the body,
 * and the status and message part the server must answer it with.
 */
export type LibsqlRegression = {
  name: string;
  found: string;
  body: () => string;
  status: number;
  message: string;
};

/** A batch whose condition nests `depth` levels, written as text (too deep to stringify). */
export const deepCondition = (depth: number, how: "not" | "and") => {
  const open = how === "not" ? '{"type":"not","cond":' : '{"type":"and","conds":[';
  const close = how === "not" ? "}" : "]}";
  return (
    '{"requests":[{"type":"batch","batch":{"steps":[{"condition":' +
    open.repeat(depth) +
    '{"type":"ok","step":0}' +
    close.repeat(depth) +
    ',"stmt":{"sql":"INSERT INTO t VALUES (1)"}}]}},{"type":"close"}]}'
  );
};

export const LIBSQL_REGRESSIONS: LibsqlRegression[] = [
  {
    name: "a batch condition nested 2263 `and`s deep (500: Maximum call stack size exceeded)",
    found: "seed 297111841, path 8:1:0:1:0",
    body: () => deepCondition(2263, "and"),
    status: 400,
    message: "requests[0].batch.steps[0]: condition nests more than 100 levels",
  },
  {
    name: "a batch condition nested 20000 `not`s deep",
    found: "same bug, other condition kind",
    body: () => deepCondition(20_000, "not"),
    status: 400,
    message: "condition nests more than 100 levels",
  },
];
