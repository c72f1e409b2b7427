import { describe, expect, it } from "vitest";
import { clickThrough } from "./click-through.ts";

describe("click-through on injected slots", () => {
  it("joins impressions and clicks per slot and variant", () => {
    const rows = clickThrough(
      [
        { slot: "recommendations", variant: "humanistic-top-rated", impressions: 200, clicks: 0 },
        { slot: "recommendations", variant: "cart-complete", impressions: 50, clicks: 0 },
        { slot: "recommendations", variant: "humanistic-top-rated", impressions: 100, clicks: 0 },
      ],
      [
        { slot: "recommendations", variant: "humanistic-top-rated", impressions: 0, clicks: 15 },
        { slot: "sidebar", variant: "spontaneous-hot-sidebar", impressions: 0, clicks: 2 },
      ],
    );
    expect(rows.map((r) => [r.variant, r.impressions, r.clicks])).toEqual([
      ["humanistic-top-rated", 300, 15],
      ["cart-complete", 50, 0],
      ["spontaneous-hot-sidebar", 0, 2],
    ]);
    expect(rows[0]!.ctr).toBeCloseTo(0.05, 12);
    // Beta(16, 286) posterior: the interval holds the estimate.
    expect(rows[0]!.interval[0]).toBeLessThan(0.05);
    expect(rows[0]!.interval[1]).toBeGreaterThan(0.05);
    // Clicks without recorded impressions: counted as shown.
    expect(rows[2]!.ctr).toBe(1);
    expect(rows[1]!.ctr).toBe(0);
  });
});
