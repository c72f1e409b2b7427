import fc from "fast-check";
import { describe, expect, it } from "vitest";
import demoJson from "../../../seeds/config/demo-config.json" with { type: "json" };
import {
  deepNesting,
  fuzzRuns,
  fuzzTimeout,
  hostileValue,
  mutateJson,
  named,
  PROTO_KEYS,
} from "../../../dev/test/fuzz.ts";
import { CONFIG_REGRESSIONS } from "./config-fuzz-regressions.ts";
import { parseConfig } from "./config-schema.ts";
import { baseConfig } from "./test-fixtures.ts";

/**
 * Fuzzing the config validator (docs/fuzzing.md): valid configs with one hostile part, deep
 * rules and plain garbage. It must answer ok with a config or a non-empty list of errors,
 * each naming its path, and never throw. Counterexamples found are replayed below.
 */

const SEED = 0x21c0_4f19;

/** The validator's contract, whatever it is given. */
function checkAnswer(input: unknown): void {
  const result = parseConfig(input);
  if (result.ok) {
    expect(typeof result.config.version).toBe("number");
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const e of result.errors) expect(e).toMatch(/^\S[^\n]*?: /);
}

/** A rule nested `depth` levels (not / all / any), as a variant's `when`. */
const deepRule = fc
  .tuple(fc.integer({ min: 1, max: 4000 }), fc.constantFrom("not", "all", "any"))
  .map(([depth, how]) => {
    let rule: unknown = { field: "page.type", op: "eq", value: "home" };
    for (let i = 0; i < depth; i++) rule = how === "not" ? { not: rule } : { [how]: [rule] };
    named(rule as object, `${how}×${depth}`);
    return baseConfig({
      variants: { welcome: { slot: "hero", template: "<p>Hi</p>", when: rule } },
    });
  });

describe("config validator fuzzing", () => {
  it(
    "answers every mutated small config with ok or errors",
    () => {
      fc.assert(fc.property(mutateJson(baseConfig()), checkAnswer), fuzzRuns(SEED, 400));
    },
    fuzzTimeout(30_000),
  );

  it(
    "answers every mutated demo config with ok or errors",
    () => {
      fc.assert(fc.property(mutateJson(demoJson), checkAnswer), fuzzRuns(SEED + 1, 60));
    },
    fuzzTimeout(30_000),
  );

  it(
    "answers deeply nested rules and values with errors, not a stack overflow",
    () => {
      fc.assert(fc.property(fc.oneof(deepRule, deepNesting), checkAnswer), fuzzRuns(SEED + 2, 40));
    },
    fuzzTimeout(30_000),
  );

  it(
    "answers garbage and prototype keys with errors",
    () => {
      const garbage = fc.oneof(
        hostileValue,
        fc.dictionary(fc.constantFrom(...PROTO_KEYS, "slots", "variants"), hostileValue),
      );
      fc.assert(fc.property(garbage, checkAnswer), fuzzRuns(SEED + 3, 300));
    },
    fuzzTimeout(30_000),
  );
});

describe("config validator regressions (counterexamples the fuzzer found)", () => {
  it.each(CONFIG_REGRESSIONS.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = parseConfig(c.input());
    expect(result.ok ? [] : result.errors).toContain(c.error);
  });
});
