import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../seeds/random.ts";
import { bootstrapCi, caseMetrics, pairedBootstrap } from "./stats.ts";

describe("caseMetrics", () => {
  it("scores a basket: recall over its items, NDCG against the ideal order, first-hit MRR", () => {
    const m = caseMetrics(["x", "a", "y", "b"], ["a", "b", "c"], 3);
    expect(m.recall).toBeCloseTo(1 / 3);
    expect(m.mrr).toBeCloseTo(1 / 2);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3) / ideal);
    expect(caseMetrics(["a", "b"], ["a", "b"], 10)).toEqual({ recall: 1, ndcg: 1, mrr: 1 });
    expect(() => caseMetrics(["a"], [], 10)).toThrow(/relevant/);
  });
});

describe("bootstrap", () => {
  const draw = mulberry32(7);
  const a = Array.from({ length: 400 }, () => (draw() < 0.3 ? 1 : 0));

  it("gives an interval around the mean that narrows with more cases, reproducibly", () => {
    const ci = bootstrapCi(a, 1000, 3);
    expect(ci.lo).toBeLessThan(ci.mean);
    expect(ci.hi).toBeGreaterThan(ci.mean);
    expect(bootstrapCi(a, 1000, 3)).toEqual(ci);
    const small = bootstrapCi(a.slice(0, 40), 1000, 3);
    expect(small.hi - small.lo).toBeGreaterThan(ci.hi - ci.lo);
  });

  it("finds a consistent paired gain significant and a coin flip not", () => {
    const better = a.map((x, i) => (i % 5 === 0 ? 1 : x));
    const sure = pairedBootstrap(better, a, 1000, 1);
    expect(sure.diff).toBeGreaterThan(0);
    expect(sure.lo).toBeGreaterThan(0);
    expect(sure.p).toBeLessThan(0.01);
    const noise = a.map((x, i) => (i % 2 ? x : draw() < 0.3 ? 1 : 0));
    expect(pairedBootstrap(noise, a, 1000, 1).p).toBeGreaterThan(0.05);
    expect(pairedBootstrap(a, a).p).toBe(1);
    expect(() => pairedBootstrap([1], [1, 0])).toThrow(/same cases/);
  });
});
