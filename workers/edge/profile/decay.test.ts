import { describe, expect, it } from "vitest";
import { buildProfile, toProfile } from "./build.ts";
import { DAY, growth, HALF_LIFE, valueAt } from "./decay.ts";
import { foldEvents } from "./fold.ts";
import { emptyProfileState } from "./state.ts";
import { DAY_MS, Journey, lookup, T0 } from "./test-journeys.ts";

describe("decayed affinities: a hand-computed example (14-day half-life)", () => {
  // Day 0: views sh-1 (shoes, Trailhawk), weight 1.
  // Day 14: adds ph-2 (phones, Orbix) to the cart, weight 3.
  // Day 28: views ph-1 (phones, Lumio), weight 1.
  // On day 28: shoes = 1 * 2^-2 = 0.25; phones = 3 * 2^-1 + 1 = 2.5; total 2.75.
  // Brands: Trailhawk 0.25, Orbix 1.5, Lumio 1.
  const j = new Journey()
    .visit("s1", T0)
    .product("sh-1")
    .visit("s2", T0 + 14 * DAY_MS)
    .cart("ph-2")
    .visit("s3", T0 + 28 * DAY_MS)
    .product("ph-1");
  const day28 = T0 + 28 * DAY_MS;
  const state = foldEvents(emptyProfileState("v1"), j.events, lookup);

  it("holds the weights the half-life gives", () => {
    const at = (stored: number | undefined, now: number) =>
      valueAt(stored!, now, state.epoch!, "affinity");
    expect(at(state.categories.shoes, day28)).toBeCloseTo(0.25, 12);
    expect(at(state.categories.phones, day28)).toBeCloseTo(2.5, 12);
    // Two weeks on, everything halves.
    expect(at(state.categories.phones, day28 + 14 * DAY_MS)).toBeCloseTo(1.25, 12);
    expect(at(state.brands.Orbix, day28)).toBeCloseTo(1.5, 12);
  });

  it("publishes shares of the total, strongest first", () => {
    const p = toProfile(state, day28);
    expect(p.categoryAffinity).toEqual({ phones: 0.909, shoes: 0.091 });
    expect(Object.keys(p.categoryAffinity)).toEqual(["phones", "shoes"]);
    expect(p.brandAffinity).toEqual({ Orbix: 0.545, Lumio: 0.364, Trailhawk: 0.091 });
    // Shares do not move with time alone: every weight decays by the same factor.
    expect(toProfile(state, day28 + 100 * DAY_MS).categoryAffinity).toEqual(p.categoryAffinity);
  });

  it("does not depend on the order the events arrive in", () => {
    const reversed = foldEvents(emptyProfileState("v1"), [...j.events].reverse(), lookup);
    expect(toProfile(reversed, day28).categoryAffinity).toEqual({ phones: 0.909, shoes: 0.091 });
  });
});

describe("forward decay helpers", () => {
  it("grow by 2 per half-life from the epoch, and read back the decayed value", () => {
    expect(growth(T0 + 45 * DAY, T0, "modes")).toBe(2);
    expect(growth(T0 + 30 * DAY, T0, "habits")).toBe(2);
    expect(HALF_LIFE.affinity).toBe(14 * DAY);
    // 3 observed on day 10, read on day 38: 3 * 2^-2.
    const stored = 3 * growth(T0 + 10 * DAY, T0, "affinity");
    expect(valueAt(stored, T0 + 38 * DAY, T0, "affinity")).toBeCloseTo(0.75, 12);
  });

  it("rebases a very long history instead of overflowing", () => {
    const j = new Journey()
      .visit("s1", T0)
      .product("sh-1")
      .event("compare", { data: { productIds: ["a", "b"] } })
      .visit("s2", T0 + 30 * 365 * DAY_MS)
      .product("ph-1")
      .event("compare", { data: { productIds: ["c", "d"] } });
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    expect(state.epoch).toBe(j.events[3]!.at); // the first event 30 years on
    for (const w of [...Object.values(state.categories), state.evidence.compare!.w]) {
      expect(Number.isFinite(w)).toBe(true);
    }
    const p = buildProfile(j.events, lookup, j.now, "v1");
    expect(p.categoryAffinity).toEqual({ phones: 1 });
    expect(p.modeEvidence?.methodical).toEqual([{ signal: "compare", count: 2 }]);
  });
});
