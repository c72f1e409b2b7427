import fc from "fast-check";

/**
 * Shared by the property-based fuzz suites (docs/fuzzing.md): run settings and arbitraries of
 * hostile values. Pure: it runs in Node and inside workerd alike.
 *
 * CI runs every property with its committed seed and run count, so a run is deterministic.
 * `FUZZ_RUNS=n` runs each property n times with a random seed (printed on failure);
 * `FUZZ_SEED=s` picks the seed. Inside workerd only `VITE_`-prefixed variables reach the
 * tests, so `VITE_FUZZ_RUNS` / `VITE_FUZZ_SEED` are read as well (and work everywhere).
 */

type EnvLike = Record<string, string | undefined>;

function fuzzEnv(): EnvLike {
  const meta = (import.meta as unknown as { env?: EnvLike }).env ?? {};
  const proc = (globalThis as { process?: { env?: EnvLike } }).process?.env ?? {};
  return { ...meta, ...proc };
}

const positiveInt = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

/** The run settings of one property: its committed seed and runs, unless the env overrides. */
export function fuzzRuns(seed: number, numRuns: number): fc.Parameters<unknown> {
  const env = fuzzEnv();
  const runs = positiveInt(env.FUZZ_RUNS ?? env.VITE_FUZZ_RUNS, "FUZZ_RUNS");
  const raw = env.FUZZ_SEED ?? env.VITE_FUZZ_SEED;
  const chosen = raw === undefined || raw.trim() === "" ? undefined : Number(raw);
  if (chosen !== undefined && !Number.isSafeInteger(chosen))
    throw new Error("FUZZ_SEED must be an integer");
  // A longer local campaign: a fresh seed each time unless one is given, printed to replay it.
  if (runs !== undefined || chosen !== undefined) {
    const local = {
      numRuns: runs ?? numRuns,
      seed: chosen ?? Date.now() ^ (Math.random() * 2 ** 31),
    };
    console.info(`fuzz: ${local.numRuns} runs, seed ${local.seed}`);
    return local;
  }
  return { numRuns, seed };
}

/** A fuzz test's time limit: `ciMs` for the committed runs, an hour for a local campaign. */
export function fuzzTimeout(ciMs: number): number {
  const env = fuzzEnv();
  const local = [env.FUZZ_RUNS, env.VITE_FUZZ_RUNS, env.FUZZ_SEED, env.VITE_FUZZ_SEED].some(
    (v) => v !== undefined && v.trim() !== "",
  );
  return local ? 3_600_000 : ciMs;
}

/** Keys that have tripped prototype handling in JS code: as object keys and as names. */
export const PROTO_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
] as const;

/** Strings a stranger would try: empty, huge, control characters, odd unicode, NaN-likes. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\r\n",
    "\t",
    "NaN",
    "Infinity",
    "-Infinity",
    "-0",
    "1e309",
    "0x1F",
    "null",
    "undefined",
    "true",
    "[]",
    "{}",
    "\uFEFF",
    "\uD800",
    "\uDFFF",
    "\u202Eevil",
    "👩‍👩‍👧‍👦",
    "ǅ",
    "İ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{constructor}}",
    "../../etc/passwd",
    "' OR 1=1 --",
    "%00",
    "%",
    "9007199254740993",
  ),
  fc.constantFrom(...PROTO_KEYS),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom("x", "é", "\u0000", "<", "&", "😀"),
      fc.integer({ min: 500, max: 20_000 }),
    )
    .map(([c, n]) => c.repeat(n)),
);

/** Numbers at the limits, and non-numbers that look like them. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value of a wrong kind: strings, numbers, booleans, null, arrays and objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(
    fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 8 })),
    hostileString,
    {
      maxKeys: 3,
    },
  ),
);

/** A value nested `depth` levels deep, as arrays or objects. */
export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 2, max: 1000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let v: unknown = "leaf";
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return named(v as object, `nested(${depth} ${arrays ? "arrays" : "objects"})`);
  });

/**
 * Gives a deep value a short name in fast-check's reports (its printer would overflow the
 * stack on it); the name is a symbol key, so JSON.stringify and validators do not see it.
 */
export function named<T extends object>(value: T, name: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => name, enumerable: false });
  return value;
}

/**
 * Replaces one value somewhere inside `base` (a JSON tree) with a hostile one, or adds a
 * prototype key beside it: valid structure, one hostile part, as a fuzzer finds most.
 */
export function mutateJson(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === "object")
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(base, []);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.oneof(hostileValue, deepNesting),
      fc.constantFrom("replace", "add-key", "drop") as fc.Arbitrary<"replace" | "add-key" | "drop">,
      fc.constantFrom(...PROTO_KEYS, "extra"),
    )
    .map(([path, value, how, key]) => {
      const copy = JSON.parse(JSON.stringify(base)) as unknown;
      const nodeAt = (p: (string | number)[]) =>
        p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], copy);
      if (how === "add-key") {
        const target = nodeAt(path);
        if (target !== null && typeof target === "object" && !Array.isArray(target))
          // An own key even for `__proto__`, as JSON.parse makes one.
          Object.defineProperty(target, key, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        return copy;
      }
      if (path.length === 0) return how === "replace" ? value : copy;
      const parent = nodeAt(path.slice(0, -1)) as Record<string | number, unknown>;
      const last = path.at(-1)!;
      if (how === "replace") parent[last] = value;
      else if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      return copy;
    });
}
