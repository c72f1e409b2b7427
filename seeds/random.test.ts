import { describe, expect, it } from "vitest";
import { createRng, hashString } from "./random.ts";

describe("seeded random", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it("keeps helpers within their bounds", () => {
    const rng = createRng(1);
    for (let i = 0; i < 2000; i++) {
      const n = rng.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
    const seen = new Set(Array.from({ length: 200 }, () => rng.int(3, 5)));
    expect([...seen].sort((a, b) => a - b)).toEqual([3, 4, 5]);
    expect(rng.hex(13)).toMatch(/^[0-9a-f]{13}$/);
    expect(rng.shuffle([1, 2, 3, 4, 5]).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(rng.sample([1, 2, 3, 4, 5], 3)).size).toBe(3);
  });

  it("follows weights", () => {
    const rng = createRng(3);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) {
      if (
        rng.weighted([
          ["a", 9],
          ["b", 1],
        ] as const) === "a"
      )
        heavy++;
    }
    expect(heavy / 10_000).toBeGreaterThan(0.87);
    expect(heavy / 10_000).toBeLessThan(0.93);
    expect(rng.pickBy(["x", "y"], (v) => (v === "y" ? 1 : 0))).toBe("y");
  });

  it("forks into independent, reproducible streams", () => {
    const fork = (label: string) => createRng(5).fork(label).next();
    expect(fork("a")).toBe(fork("a"));
    expect(fork("a")).not.toBe(fork("b"));
    expect(hashString("p-0001")).toBe(hashString("p-0001"));
  });
});
