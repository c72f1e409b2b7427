import { describe, expect, it } from "vitest";
import { assignArm, bucket, inHoldout, murmur3, type ExperimentArms } from "./bucketing.ts";

const N = 100_000;
const ids = Array.from({ length: N }, (_, i) => `v_${i.toString(36)}_${(i * 7919) % 1000}`);

/** Pearson's chi-square statistic of observed counts against expected shares. */
function chiSquare(counts: number[], shares: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((sum, c, i) => {
    const e = total * shares[i]!;
    return sum + (c - e) ** 2 / e;
  }, 0);
}

const threeArms: ExperimentArms = {
  allocation: 1,
  arms: [
    { id: "control", weight: 0.34, variant: null },
    { id: "five", weight: 0.33, variant: "v5" },
    { id: "ten", weight: 0.33, variant: "v10" },
  ],
};

describe("murmur3", () => {
  it("matches the reference MurmurHash3 x86_32 vectors", () => {
    expect(murmur3("")).toBe(0);
    expect(murmur3("", 1)).toBe(0x514e28b7);
    expect(murmur3("test")).toBe(0xba6bd213);
    expect(murmur3("hello")).toBe(613153351);
    expect(murmur3("Hello, world!", 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3("The quick brown fox jumps over the lazy dog", 0x9747b28c)).toBe(0x2fa826cd);
  });

  it("hashes non-ASCII and long keys (beyond the scratch buffer)", () => {
    expect(murmur3("zażółć")).not.toBe(murmur3("zazolc"));
    const long = "x".repeat(5000);
    expect(murmur3(long)).toBe(murmur3(long));
    expect(murmur3(`${long}y`)).not.toBe(murmur3(long));
  });

  it("spreads buckets uniformly over [0, 1) (10 deciles, chi-square df=9)", () => {
    const counts = new Array<number>(10).fill(0);
    let outside = 0;
    for (const id of ids) {
      const u = bucket("salt", id);
      if (!(u >= 0 && u < 1)) outside++;
      else counts[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    // 27.88 is the 0.001 critical value for 9 degrees of freedom.
    expect(chiSquare(counts, new Array(10).fill(0.1))).toBeLessThan(27.88);
  });
});

describe("inHoldout", () => {
  it("holds out the configured share, stickily", () => {
    const holdout = { percent: 5, salt: "h1" };
    const inside = ids.filter((id) => inHoldout(id, holdout));
    expect(inside.length / N).toBeGreaterThan(0.045);
    expect(inside.length / N).toBeLessThan(0.055);
    expect(inside.every((id) => inHoldout(id, { percent: 5, salt: "h1" }))).toBe(true);
  });

  it("0% holds out nobody; a new salt reshuffles", () => {
    expect(ids.some((id) => inHoldout(id, { percent: 0, salt: "h1" }))).toBe(false);
    const a = new Set(ids.filter((id) => inHoldout(id, { percent: 10, salt: "a" })));
    const b = ids.filter((id) => inHoldout(id, { percent: 10, salt: "b" }));
    const overlap = b.filter((id) => a.has(id)).length / b.length;
    // Independent salts: about 10% of one group is in the other.
    expect(overlap).toBeGreaterThan(0.08);
    expect(overlap).toBeLessThan(0.12);
  });
});

describe("assignArm", () => {
  it("follows the weights within ±1.5% and passes chi-square", () => {
    const counts = [0, 0, 0];
    const index = { control: 0, five: 1, ten: 2 } as Record<string, number>;
    for (const id of ids) counts[index[assignArm(id, "checkout", threeArms)!.id]!]!++;
    const weights = threeArms.arms.map((a) => a.weight);
    counts.forEach((c, i) => expect(Math.abs(c / N - weights[i]!)).toBeLessThan(0.015));
    // 13.82: the 0.001 critical value for 2 degrees of freedom.
    expect(chiSquare(counts, weights)).toBeLessThan(13.82);
  });

  it("is sticky: the same visitor always gets the same arm", () => {
    for (const id of ids.slice(0, 1000)) {
      const first = assignArm(id, "checkout", threeArms)!.id;
      expect(assignArm(id, "checkout", structuredClone(threeArms))!.id).toBe(first);
    }
  });

  it("assigns independently across experiments", () => {
    // Contingency table of arms in two experiments with the same arms: each row must split
    // like the marginals (chi-square test of independence, df = 4).
    const table = [0, 0, 0].map(() => [0, 0, 0]);
    const index = { control: 0, five: 1, ten: 2 } as Record<string, number>;
    for (const id of ids) {
      const a = index[assignArm(id, "exp-a", threeArms)!.id]!;
      const b = index[assignArm(id, "exp-b", threeArms)!.id]!;
      table[a]![b]!++;
    }
    const rows = table.map((r) => r.reduce((x, y) => x + y, 0));
    const cols = [0, 1, 2].map((j) => table.reduce((s, r) => s + r[j]!, 0));
    let chi = 0;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const e = (rows[i]! * cols[j]!) / N;
        chi += (table[i]![j]! - e) ** 2 / e;
      }
    }
    // 18.47: the 0.001 critical value for 4 degrees of freedom.
    expect(chi).toBeLessThan(18.47);
  });

  it("honours the allocation; raising it only adds visitors, keeping their arms", () => {
    const at = (allocation: number) => ({ ...threeArms, allocation });
    const in30 = ids.filter((id) => assignArm(id, "checkout", at(0.3)) !== null);
    expect(in30.length / N).toBeGreaterThan(0.285);
    expect(in30.length / N).toBeLessThan(0.315);
    for (const id of in30.slice(0, 2000)) {
      expect(assignArm(id, "checkout", at(0.6))!.id).toBe(assignArm(id, "checkout", at(0.3))!.id);
    }
    expect(ids.slice(0, 1000).every((id) => assignArm(id, "checkout", at(0)) === null)).toBe(true);
  });

  it("never assigns a zero-weight arm; an explicit salt reshuffles", () => {
    const skewed: ExperimentArms = {
      allocation: 1,
      arms: [
        { id: "off", weight: 0, variant: null },
        { id: "on", weight: 1, variant: "v" },
      ],
    };
    expect(ids.slice(0, 5000).every((id) => assignArm(id, "e", skewed)!.id === "on")).toBe(true);
    const same = ids
      .slice(0, 3000)
      .filter(
        (id) =>
          assignArm(id, "checkout", threeArms)!.id ===
          assignArm(id, "checkout", { ...threeArms, salt: "rerun-2" })!.id,
      ).length;
    // Two independent draws agree about 0.34² + 2 × 0.33² ≈ 33% of the time.
    expect(same / 3000).toBeGreaterThan(0.3);
    expect(same / 3000).toBeLessThan(0.37);
  });
});
