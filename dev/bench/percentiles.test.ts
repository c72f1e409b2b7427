import { describe, expect, it } from "vitest";
import { percentiles, quantile, withOmittedRequests } from "./percentiles.ts";

describe("quantile", () => {
  it("takes the nearest rank of ascending values, NaN for none", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(51);
    expect(quantile(values, 0.99)).toBe(100);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("withOmittedRequests", () => {
  it("adds what the requests held back by a slow response would have waited", () => {
    // One connection at 25 req/s: a request every 40 ms. A 130 ms response held back three.
    expect(withOmittedRequests([3, 130, 5], 40)).toEqual([3, 130, 90, 50, 5]);
  });

  it("adds nothing when every response came within the interval", () => {
    expect(withOmittedRequests([3, 39.9, 40], 40)).toEqual([3, 39.9, 40]);
  });

  it("refuses an interval that is not positive", () => {
    expect(() => withOmittedRequests([3], 0)).toThrow(/interval must be > 0 ms/);
  });

  it("keeps the median of a quick run where autocannon's 1 ms interval moves it", () => {
    // 90 responses of 2 ms and 10 of 60 ms: the median response takes 2 ms. Counted with a 1 ms
    // interval each 60 ms response weighs ~60 times, and the median becomes 30 ms or so.
    const durations = [...Array<number>(90).fill(2), ...Array<number>(10).fill(60)];
    expect(percentiles(withOmittedRequests(durations, 40)).p50).toBe(2);
    expect(percentiles(withOmittedRequests(durations, 1)).p50).toBeGreaterThan(20);
  });
});

describe("percentiles", () => {
  it("reports p50/p90/p99 to 0.1 ms whatever the order", () => {
    const durations = Array.from({ length: 1000 }, (_, i) => (999 - i) / 100 + 0.004);
    expect(percentiles(durations)).toEqual({ p50: 5, p90: 9, p99: 9.9 });
  });
});
