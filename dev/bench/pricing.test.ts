import { describe, expect, it } from "vitest";
import { costOf, gbSeconds, PRICES } from "./pricing.ts";

describe("costOf", () => {
  it("prices a million page views from their per-page usage", () => {
    const cost = costOf({ workerRequests: 1, workerCpuMs: 2.5, doRequests: 1, kvReads: 3 }, 1e6);
    const usd = Object.fromEntries(cost.lines.map((l) => [l.meter, l.usd]));
    expect(usd.workerRequests).toBeCloseTo(0.3, 10);
    expect(usd.workerCpuMs).toBeCloseTo(2.5 * 0.02, 10);
    expect(usd.doRequests).toBeCloseTo(0.15, 10);
    expect(usd.kvReads).toBeCloseTo(1.5, 10);
    expect(cost.totalUsd).toBeCloseTo(0.3 + 0.05 + 0.15 + 1.5, 10);
  });

  it("uses each meter's own unit (Turso reads per billion, writes per million)", () => {
    const cost = costOf({ tursoRowsRead: 2, tursoRowsWritten: 2 }, 1e6);
    expect(cost.lines.find((l) => l.meter === "tursoRowsRead")!.usd).toBeCloseTo(0.002, 10);
    expect(cost.lines.find((l) => l.meter === "tursoRowsWritten")!.usd).toBeCloseTo(2, 10);
  });

  it("scales with the number of units (events per thousand)", () => {
    expect(costOf({ workerRequests: 0.1 }, 1000).totalUsd).toBeCloseTo(0.1 * 1000 * 0.3e-6, 15);
  });

  it("rejects usage that is not a count, naming the meter", () => {
    expect(() => costOf({ kvReads: -1 }, 1)).toThrow(/usage\.kvReads/);
    expect(() => costOf({ kvWrites: NaN }, 1)).toThrow(/usage\.kvWrites/);
  });

  it("has one dated, sourced price per meter", () => {
    const meters = PRICES.map((p) => p.meter);
    expect(new Set(meters).size).toBe(meters.length);
    for (const p of PRICES) {
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.read).toMatch(/^\d{4}-\d{2}-\d{2}/);
    }
  });

  it("counts an object's duration at 128 MB", () => {
    expect(gbSeconds(1000)).toBeCloseTo(0.128, 10);
    expect(costOf({ doGbSeconds: gbSeconds(10) }, 1e6).totalUsd).toBeCloseTo(
      1e6 * 0.00128 * 12.5e-6,
      10,
    );
  });
});
