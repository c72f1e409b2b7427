import { describe, expect, it } from "vitest";
import { buildProfile, nextRefreshAt } from "./build.ts";
import { foldEvents } from "./fold.ts";
import { emptyProfileState } from "./state.ts";
import { DAY_MS, Journey, lookup, MIN, T0 } from "./test-journeys.ts";
import { lifecycleOf, nextLifecycleChange, rfmOf, valueTierOf } from "./value.ts";

const D = DAY_MS;

describe("lifecycle thresholds (new <= 14 days since first seen, at risk > 30, lapsed > 90 idle)", () => {
  it("moves new -> active -> at_risk -> lapsed at the documented boundaries", () => {
    const first = T0 - 20 * D;
    const last = T0;
    expect(lifecycleOf(null, null, T0)).toBe("new");
    expect(lifecycleOf(T0, T0, T0 + 14 * D)).toBe("new");
    expect(lifecycleOf(T0, T0, T0 + 14 * D + 1)).toBe("active");
    expect(lifecycleOf(first, last, T0 + 30 * D)).toBe("active");
    expect(lifecycleOf(first, last, T0 + 30 * D + 1)).toBe("at_risk");
    expect(lifecycleOf(first, last, T0 + 90 * D)).toBe("at_risk");
    expect(lifecycleOf(first, last, T0 + 90 * D + 1)).toBe("lapsed");
    // A new visitor who then stays away is at risk, not new.
    expect(lifecycleOf(T0, T0, T0 + 31 * D)).toBe("at_risk");
  });

  it("says when time alone changes the stage", () => {
    expect(nextLifecycleChange(T0, T0, T0 + D)).toBe(T0 + 14 * D + 1);
    expect(nextLifecycleChange(T0, T0, T0 + 20 * D)).toBe(T0 + 30 * D + 1);
    expect(nextLifecycleChange(T0, T0, T0 + 40 * D)).toBe(T0 + 90 * D + 1);
    expect(nextLifecycleChange(T0, T0, T0 + 91 * D)).toBeNull();
    for (const now of [T0 + D, T0 + 20 * D, T0 + 40 * D]) {
      const change = nextLifecycleChange(T0, T0, now)!;
      expect(lifecycleOf(T0, T0, change)).not.toBe(lifecycleOf(T0, T0, change - 1));
    }
  });

  it("profiles follow `now`", () => {
    const j = new Journey().visit("s1", T0).product("sh-1");
    expect(buildProfile(j.events, lookup, T0 + D, "v1").lifecycle).toBe("new");
    expect(buildProfile(j.events, lookup, T0 + 20 * D, "v1").lifecycle).toBe("active");
    expect(buildProfile(j.events, lookup, T0 + 60 * D, "v1").lifecycle).toBe("at_risk");
    expect(buildProfile(j.events, lookup, T0 + 120 * D, "v1").lifecycle).toBe("lapsed");
  });
});

describe("RFM and value tier", () => {
  const orders = (count: number, totalCents: number, lastAt: number) => ({
    count,
    totalCents,
    lastAt,
  });

  it("scores recency, frequency and money on fixed thresholds", () => {
    expect(rfmOf(orders(0, 0, T0), T0)).toBeNull();
    expect(rfmOf(orders(1, 4_999, T0), T0 + 30 * D)).toEqual({ r: 5, f: 1, m: 1 });
    expect(rfmOf(orders(1, 5_000, T0), T0 + 30 * D + 1)).toEqual({ r: 4, f: 1, m: 2 });
    expect(rfmOf(orders(2, 15_000, T0), T0 + 180 * D)).toEqual({ r: 3, f: 2, m: 3 });
    expect(rfmOf(orders(4, 40_000, T0), T0 + 365 * D)).toEqual({ r: 2, f: 4, m: 4 });
    expect(rfmOf(orders(6, 100_000, T0), T0 + 365 * D + 1)).toEqual({ r: 1, f: 5, m: 5 });
  });

  it("derives the value tier from frequency and money", () => {
    expect(valueTierOf(null)).toBe("none");
    expect(valueTierOf({ r: 5, f: 1, m: 1 })).toBe("low");
    expect(valueTierOf({ r: 5, f: 1, m: 3 })).toBe("low");
    expect(valueTierOf({ r: 1, f: 1, m: 4 })).toBe("mid"); // one order of 400+
    expect(valueTierOf({ r: 5, f: 3, m: 2 })).toBe("mid");
    expect(valueTierOf({ r: 5, f: 4, m: 4 })).toBe("high");
    expect(valueTierOf({ r: 1, f: 1, m: 5 })).toBe("high"); // 1000+ spent
  });

  it("reads orders from purchase events, each order once", () => {
    const j = new Journey()
      .visit("s1", T0)
      .product("ph-1")
      .cart("ph-1")
      .buy("o-1", ["ph-1"]) // 599.00
      .buy("o-1", ["ph-1"]) // a replayed confirmation page
      .visit("s2", T0 + 40 * D)
      .buy("o-2", ["ca-1", "ho-2"]); // 19.99 + 49.00
    const p = buildProfile(j.events, lookup, j.now + 60 * MIN, "v1");
    expect(p.orderCount).toBe(2);
    expect(p.totalSpentCents).toBe(59_900 + 1_999 + 4_900);
    expect(p.rfm).toEqual({ r: 5, f: 2, m: 4 });
    expect(p.valueTier).toBe("mid");
    expect(p.lastOrderAt).toBe(j.events.at(-1)!.at);
    expect(p.segments).toEqual(expect.arrayContaining(["customer", "repeat_buyer", "returning"]));
    expect(p.segments).not.toContain("high_value");
    expect(p.purchasedProducts).toEqual(["ho-2", "ca-1", "ph-1"]);
  });
});

describe("visits, recency and time-driven segments", () => {
  it("counts visits, visits in the last 30 days and a comeback after a long absence", () => {
    const j = new Journey()
      .visit("s1", T0)
      .product("sh-1")
      .visit("s2", T0 + 2 * D)
      .product("sh-2")
      .visit("s3", T0 + 50 * D)
      .product("sh-3");
    const now = j.now + 5 * MIN;
    const p = buildProfile(j.events, lookup, now, "v1");
    expect(p.visitCount).toBe(3);
    expect(p.visits30d).toBe(1);
    expect(p.firstSeenAt).toBe(T0);
    expect(p.lastSeenAt).toBe(j.events.at(-1)!.at);
    expect(p.lifecycle).toBe("active");
    expect(p.segments).toEqual(["returning", "win_back"]);
    // Two weeks later the comeback is old news.
    expect(buildProfile(j.events, lookup, T0 + 65 * D, "v1").segments).toEqual(["returning"]);
  });

  it("marks a cart left behind once the visit is over, until an order follows", () => {
    const j = new Journey().visit("s1", T0).product("sh-1").cart("sh-1");
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    const during = buildProfile(j.events, lookup, j.now + MIN, "v1");
    const after = buildProfile(j.events, lookup, j.now + 31 * MIN, "v1");
    expect(during.segments).not.toContain("cart_abandoner");
    expect(after.segments).toContain("cart_abandoner");
    expect(nextRefreshAt(state, j.now + MIN)).toBe(j.events.at(-1)!.at + 30 * MIN);
    j.visit("s2", T0 + D).buy("o-1", ["sh-1"]);
    expect(buildProfile(j.events, lookup, j.now + D, "v1").segments).not.toContain(
      "cart_abandoner",
    );
  });

  it("schedules the next refresh at the next time-driven change", () => {
    const j = new Journey().visit("s1", T0).product("sh-1");
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    const last = j.events.at(-1)!.at;
    // Visit over (30 min), then the end of the comeback window / "new" (14 days)...
    expect(nextRefreshAt(state, last)).toBe(last + 30 * MIN);
    expect(nextRefreshAt(state, last + 31 * MIN)).toBe(T0 + 14 * D + 1);
    // ...then at risk (30 days idle), lapsed (90), then nothing.
    expect(nextRefreshAt(state, T0 + 15 * D)).toBe(last + 30 * D + 1);
    expect(nextRefreshAt(state, T0 + 31 * D)).toBe(last + 90 * D + 1);
    expect(nextRefreshAt(state, T0 + 91 * D)).toBeNull();
  });
});
