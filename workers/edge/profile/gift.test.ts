import { describe, expect, it } from "vitest";
import { buildProfile, giftScore } from "./build.ts";
import { DAY_MS, Journey, lookup, MIN, T0 } from "./test-journeys.ts";

const profileOf = (j: Journey, now = j.now + 60 * MIN) => buildProfile(j.events, lookup, now, "v1");

/** A runner who looks at shoes a lot: their own interests are clear. */
const runner = () =>
  new Journey()
    .visit("s1", T0)
    .product("sh-1", {}, 40)
    .product("sh-2", {}, 40)
    .product("sh-3", {}, 40)
    .product("sh-1", {}, 40)
    .product("sh-2", {}, 40);

describe("gift-buyer signal", () => {
  it("gift wrap at checkout makes the order a gift: gift buyer, not their own product", () => {
    const shop = (giftWrap: boolean) =>
      runner()
        .visit("s2", T0 + 2 * DAY_MS)
        .product("ho-1")
        .cart("ho-1")
        .event("checkout_step", { pageType: "checkout", data: { step: 1, giftWrap } })
        .buy("o-1", ["ho-1"]);
    const p = profileOf(shop(true));
    const own = profileOf(shop(false));
    expect(p.giftScore).toBe(0.96); // 1 - 0.1 (gift order) * 0.4 (gift wrap)
    expect(p.segments).toContain("gift_buyer");
    // Not theirs: no accessories for it, and it barely moves their own interests.
    expect(p.purchasedProducts).toEqual([]);
    expect(own.purchasedProducts).toEqual(["ho-1"]);
    expect(p.categoryAffinity.home).toBeLessThan(own.categoryAffinity.home!);
    expect(p.orderCount).toBe(1);
    expect(own.segments).not.toContain("gift_buyer");
  });

  it("a purchase flagged as a gift (or shipped elsewhere) counts the same way", () => {
    const flagged = runner().buy("o-1", ["ho-2"], { isGift: true });
    expect(profileOf(flagged).giftScore).toBe(0.9);
    const elsewhere = runner()
      .event("checkout_step", { data: { step: 1, shipToOther: true } })
      .buy("o-2", ["ho-2"]);
    expect(profileOf(elsewhere).giftScore).toBe(0.96);
    expect(profileOf(elsewhere).segments).toContain("gift_buyer");
  });

  it("buying far from their own interests is a weak hint; with a gift search it adds up", () => {
    const offProfile = runner().buy("o-1", ["ho-1"]);
    const p = profileOf(offProfile);
    expect(p.giftScore).toBe(0.35);
    expect(p.segments).not.toContain("gift_buyer");
    expect(p.purchasedProducts).toEqual(["ho-1"]);

    const searched = runner()
      .event("search", { data: { query: "Geschenk für Papa" } })
      .buy("o-1", ["ho-1"])
      .visit("s3", T0 + 3 * DAY_MS)
      .event("checkout_step", { data: { step: 1, giftMessage: "Alles Gute!" } });
    const q = profileOf(searched);
    expect(q.giftScore).toBe(0.79); // 1 - 0.65 * 0.8 * 0.4
    expect(q.segments).toContain("gift_buyer");
  });

  it("someone without a browsing history is not judged off-profile", () => {
    const j = new Journey().visit("s1", T0).buy("o-1", ["ho-1"]);
    expect(profileOf(j).giftScore).toBe(0);
  });

  it("gift buying is remembered for a year", () => {
    const j = runner().buy("o-1", ["ho-2"], { isGift: true });
    expect(profileOf(j, T0 + 364 * DAY_MS).segments).toContain("gift_buyer");
    expect(profileOf(j, T0 + 366 * DAY_MS).segments).not.toContain("gift_buyer");
  });

  it("combines evidence as remaining doubt", () => {
    const none = { orders: 0, flags: 0, offProfile: 0, searches: 0, lastAt: null };
    expect(giftScore(none)).toBe(0);
    expect(giftScore({ ...none, orders: 2 })).toBe(0.99);
    expect(giftScore({ ...none, searches: 1 })).toBe(0.2);
    expect(giftScore({ ...none, flags: 1, offProfile: 1 })).toBe(0.74);
  });
});
