import { baseConfig } from "./test-fixtures.ts";

/**
 * Counterexamples the config fuzzer (config-fuzz.test.ts) found, replayed as plain tests:
 * the input, and a part of the error the validator must answer with instead of failing.
 */
export type ConfigRegression = { name: string; found: string; input: () => unknown; error: string };

const nestedRule = (how: "any" | "all" | "not", depth: number) => {
  let rule: unknown = { field: "page.type", op: "eq", value: "home" };
  for (let i = 0; i < depth; i++) rule = how === "not" ? { not: rule } : { [how]: [rule] };
  return baseConfig({ variants: { welcome: { slot: "hero", template: "<p>Hi</p>", when: rule } } });
};

export const CONFIG_REGRESSIONS: ConfigRegression[] = [
  {
    name: "a rule nested 751 levels deep (zod's recursion overflowed the stack: RangeError)",
    found: "seed 566251291, path 7:1:0:1",
    input: () => nestedRule("any", 751),
    error: "variants.welcome.when.any: nests more than 64 levels deep",
  },
  {
    name: "a `not` rule nested 5000 levels deep",
    found: "same bug, other rule kind",
    input: () => nestedRule("not", 5000),
    error: "variants.welcome.when.not: nests more than 64 levels deep",
  },
];
