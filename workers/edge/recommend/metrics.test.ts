import { describe, expect, it } from "vitest";
import { itemKnnRanker, popularityRanker } from "./baselines.ts";
import type { Interaction } from "./interactions.ts";
import { evaluateRankings, leaveLastOut, type EvalCase } from "./metrics.ts";

const x = (visitor: string, item: string, at: number): Interaction => ({
  visitor,
  item,
  at,
  level: 0,
});

describe("evaluateRankings", () => {
  it("matches a hand-computed example", () => {
    const cases: EvalCase[] = [
      { visitor: "u1", history: [], target: "a" },
      { visitor: "u2", history: [], target: "b" },
      { visitor: "u3", history: [], target: "c" },
      { visitor: "u4", history: [], target: "d" },
    ];
    const ranked = [
      ["a", "x", "y"], // rank 1
      ["x", "y", "b"], // rank 3
      ["x", "y", "z"], // missed
      ["d", "b"], // rank 1
    ];
    const r = evaluateRankings(cases, ranked, [1, 3], 10);
    // Recall@1: 2 of 4; Recall@3: 3 of 4.
    expect(r.at[1]!.recall).toBe(0.5);
    expect(r.at[3]!.recall).toBe(0.75);
    // NDCG@3: (1 + 1/log2(4) + 0 + 1) / 4 = (2.5) / 4
    expect(r.at[3]!.ndcg).toBeCloseTo(2.5 / 4, 12);
    expect(r.at[1]!.ndcg).toBeCloseTo(0.5, 12);
    // MRR: (1 + 1/3 + 0 + 1) / 4
    expect(r.mrr).toBeCloseTo((2 + 1 / 3) / 4, 12);
    // Coverage@1: {a, x, d} of 10; @3: {a, x, y, b, z, d} of 10.
    expect(r.at[1]!.coverage).toBeCloseTo(0.3, 12);
    expect(r.at[3]!.coverage).toBeCloseTo(0.6, 12);
  });
});

describe("leaveLastOut", () => {
  it("holds out each visitor's last new item by time and keeps the rest for training", () => {
    const log = [
      x("u1", "a", 3),
      x("u1", "b", 1),
      x("u1", "c", 2),
      x("u2", "a", 1),
      x("u2", "a", 2), // last item already seen: no case
      x("u3", "z", 1), // a single item: no case
    ];
    const { train, cases } = leaveLastOut(log);
    expect(cases).toEqual([{ visitor: "u1", history: ["c", "b"], target: "a" }]);
    expect(train).toHaveLength(5);
    expect(train).not.toContainEqual(x("u1", "a", 3));
  });
});

describe("baselines", () => {
  const log = [
    x("u1", "a", 1),
    x("u1", "b", 2),
    x("u2", "a", 1),
    x("u2", "b", 2),
    x("u3", "a", 1),
    x("u3", "c", 2),
    x("u4", "d", 1),
    x("u5", "d", 1),
    x("u6", "d", 1),
    x("u7", "d", 1),
  ];
  it("popularity ranks by distinct visitors and skips the history", () => {
    expect(popularityRanker(log)(["d"], 3)).toEqual(["a", "b", "c"]);
  });
  it("item-kNN ranks by cosine similarity to the history", () => {
    // cos(a,b) = 2/sqrt(3*2), cos(a,c) = 1/sqrt(3*1); d never co-occurs.
    expect(itemKnnRanker(log)(["a"], 5)).toEqual(["b", "c"]);
  });
});
