import { describe, expect, it } from "vitest";
import type { BuyerMode, Profile } from "../model/profile.ts";
import { buildProfile } from "./build.ts";
import { foldEvents } from "./fold.ts";
import { readModes } from "./modes.ts";
import { emptyProfileState } from "./state.ts";
import { DAY_MS, Journey, lookup, MIN, T0 } from "./test-journeys.ts";

const profileOf = (j: Journey, now = j.now + 60 * MIN) => buildProfile(j.events, lookup, now, "v1");
/** The mode's evidence signals, as a sorted list (their order follows decayed weight). */
const signals = (p: Profile, mode: BuyerMode) =>
  p.modeEvidence?.[mode]?.map((e) => e.signal).sort();

describe("scripted journeys: each persona ends with its mode on top", () => {
  it("methodical: filters, price sort, comparisons, FAQ, long research over two visits", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "search" })
      .event("search", { pageType: "search", path: "/search", data: { query: "phone 128gb" } }, 40)
      .page("category", "/c/phones", { categoryId: "phones" }, 30)
      .event("filter", { path: "/c/phones", data: { filter: "brand", value: "Lumio" } }, 5)
      .page("category", "/c/phones", { categoryId: "phones", data: { search: "?brand=Lumio" } }, 30)
      .event("filter", { path: "/c/phones", data: { filter: "price", value: 700 } }, 5)
      .event("sort", { path: "/c/phones", data: { sort: "price_asc" } }, 5)
      .product("ph-1", {}, 120)
      .product("ph-3", {}, 150)
      .event("compare", { data: { productIds: ["ph-3", "ph-1"] } }, 60)
      .product("ph-2", {}, 120)
      .page("faq", "/faq", {}, 10)
      .event("faq_open", { data: { question: "returns" } }, 60)
      .product("ph-1", {}, 90)
      .product("ph-4", {}, 60)
      .product("ph-3", {}, 60)
      .visit("s2", T0 + 2 * DAY_MS, { channel: "direct" })
      .product("ph-1", {}, 100)
      .product("ph-2", {}, 100)
      .event("compare", { data: { productIds: ["ph-1", "ph-2"] } }, 60)
      .cart("ph-1");
    const p = profileOf(j);
    expect(p.topMode).toBe("methodical");
    expect(p.buyerModes.methodical).toBeGreaterThan(0.6);
    expect(signals(p, "methodical")).toEqual(["compare", "filter", "long_research"]);
    expect(p.modeEvidence?.methodical?.[0]).toEqual({ signal: "compare", count: 2 });
    expect(p.explain).toBe(
      "methodical 1.00: compared products x2, long research visits x1, used filters x2",
    );
  });

  it("competitive: bestseller ranking, picks from it, popularity sort, category top sellers", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "paid", device: "mobile" })
      .page("bestsellers", "/bestsellers", {}, 15)
      .product("ph-1", { source: "bestsellers" }, 25)
      .page("bestsellers", "/bestsellers", {}, 10)
      .product("sh-1", { source: "bestsellers" }, 25)
      .page("category", "/c/phones", { categoryId: "phones" }, 5)
      .event("sort", { path: "/c/phones", data: { sort: "popularity" } }, 5)
      .product("ph-2", {}, 30)
      .visit("s2", T0 + 3 * DAY_MS, { channel: "direct", device: "mobile" })
      .page("bestsellers", "/bestsellers", {}, 20)
      .product("ca-1", { source: "bestsellers" }, 30);
    const p = profileOf(j);
    expect(p.topMode).toBe("competitive");
    // Three of its four product views were category top sellers: top picks too (the
    // popularity sort is fourth, past the three items the profile keeps per mode).
    expect(signals(p, "competitive")).toEqual(["bestsellers", "ranked_pick", "top_picks"]);
    // The quick second visit is the only other evidence.
    expect(p.modeEvidence?.spontaneous).toEqual([{ signal: "short_visit", count: 1 }]);
    // 10.5 of 11.5 points, the later visit's weighing a little more (decay).
    expect(p.buyerModes.competitive).toBeCloseTo(0.91, 2);
    expect(p.modeEvidence?.competitive?.[0]).toEqual({ signal: "bestsellers", count: 3 });
    expect(p.explain).toContain("viewed bestseller rankings x3");
  });

  it("humanistic: from social media, sorts by rating, reads reviews, asks a human", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "social", device: "mobile" })
      .page("category", "/c/shoes", { categoryId: "shoes" }, 10)
      .event("sort", { path: "/c/shoes", data: { sort: "rating" } }, 10)
      .product("sh-2", {}, 40)
      .event("review_read", { productId: "sh-2", data: { reviews: 8 } }, 90)
      .product("sh-3", {}, 30)
      .event("review_read", { productId: "sh-3", data: { reviews: 5 } }, 60)
      .event("chat_open", {}, 120)
      .visit("s2", T0 + 5 * DAY_MS, { channel: "social", device: "mobile" })
      .product("sh-2", {}, 30)
      .event("review_read", { productId: "sh-2", data: { reviews: 12 } }, 60);
    const p = profileOf(j);
    expect(p.topMode).toBe("humanistic");
    expect(signals(p, "humanistic")).toEqual(["reviews", "social", "sort_rating"]);
    expect(p.modeEvidence?.humanistic?.[0]).toEqual({ signal: "reviews", count: 3 });
  });

  it("spontaneous: a promo click, add to cart within a minute, short visits", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "paid", device: "mobile" })
      .page("home", "/", {}, 5)
      .event("promo_click", { categoryId: "shoes", data: { promoId: "autumn-sale" } }, 1)
      .page("category", "/c/shoes", { categoryId: "shoes", data: { promoId: "autumn-sale" } }, 8)
      .product("sh-1", {}, 10)
      .cart("sh-1", 5)
      .visit("s2", T0 + 4 * DAY_MS, { channel: "email", device: "mobile" })
      .product("ca-1", {}, 12)
      .cart("ca-1", 5);
    const p = profileOf(j);
    expect(p.topMode).toBe("spontaneous");
    expect(p.buyerModes.spontaneous).toBe(1);
    expect(signals(p, "spontaneous")).toEqual(["fast_cart", "promo", "short_visit"]);
    expect(p.modeEvidence?.spontaneous?.[0]).toEqual({ signal: "fast_cart", count: 2 });
    // The promo click and the page it opens are one action.
    expect(p.modeEvidence?.spontaneous).toContainEqual({ signal: "promo", count: 1 });
    expect(p.modeEvidence?.spontaneous).toContainEqual({ signal: "short_visit", count: 2 });
  });
});

describe("what the proxy alone records (page views with URLs, tracker cart and slot clicks)", () => {
  it("reads sorting and filtering from listing URLs", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "search" })
      .page("category", "/c/phones?brand=Lumio&max=700", { categoryId: "phones" }, 40)
      .page("category", "/c/phones?brand=Lumio&max=700&sort=price_asc", { categoryId: "phones" })
      .page("category", "/c/phones?brand=Lumio&max=700&sort=price_asc&page=2", {
        categoryId: "phones",
      })
      .page("category", "/c/shoes?instock=1&utm_source=x", { categoryId: "shoes" });
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    // Paging and tracking parameters are not filters; the same filter set counts once.
    expect(state.evidence.filter).toEqual({ n: 2, p: 2, w: expect.any(Number) });
    expect(state.evidence.sort_price?.n).toBe(1);
  });

  it("competitive and humanistic visitors are told apart by their URLs and referrers", () => {
    const competitive = new Journey()
      .visit("s1", T0, { channel: "direct" })
      .page("bestsellers", "/bestsellers", {}, 10)
      .page("product", "/p/ph-1", { productId: "ph-1" }, 20)
      .page("category", "/c/phones?sort=popularity", { categoryId: "phones" }, 10)
      .page("product", "/p/ph-2", { productId: "ph-2" }, 20)
      .page("category", "/top-rated", {}, 20);
    const humanistic = new Journey()
      .visit("s1", T0, { channel: "social" })
      .page("category", "/c/shoes?sort=rating", { categoryId: "shoes" }, 60)
      .page("product", "/p/sh-2/reviews", { productId: "sh-2" }, 90)
      .page("category", "/c/phones?sort=top_rated_desc", { categoryId: "phones" }, 90);
    const c = profileOf(competitive);
    const h = profileOf(humanistic);
    expect(c.topMode).toBe("competitive");
    expect(signals(c, "competitive")).toEqual(["bestsellers", "sort_popular", "top_rated"]);
    expect(c.buyerModes.competitive).toBeGreaterThan(0.8);
    expect(h.topMode).toBe("humanistic");
    expect(signals(h, "humanistic")).toEqual(["reviews", "social", "sort_rating"]);
    expect(h.modeEvidence?.humanistic?.[0]).toEqual({ signal: "sort_rating", count: 2 });
  });

  it("spontaneous: tracker cart submits soon after landing, clicks on offers", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "paid", device: "mobile" })
      .page("product", "/p/sh-1", { productId: "sh-1" }, 15)
      .event("slot_click", { data: { slot: "promo-banner", variant: "flash-sale" } }, 3)
      .event("add_to_cart", { productId: "sh-1", channel: null, data: { quantity: 1 } }, 10)
      .visit("s2", T0 + DAY_MS, { channel: "social", device: "mobile" })
      .page("product", "/p/ca-1", { productId: "ca-1" }, 10);
    const p = profileOf(j);
    expect(p.topMode).toBe("spontaneous");
    expect(signals(p, "spontaneous")).toEqual(["fast_cart", "promo", "short_visit"]);
  });
});

describe("evidence rules", () => {
  it("names no mode without enough evidence, and says so", () => {
    const j = new Journey().visit("s1", T0).page("category", "/c/phones?sort=rating", {
      categoryId: "phones",
    });
    // The visit is still going: whether it was a short one is not known yet.
    const p = profileOf(j, j.now + MIN);
    expect(p.topMode).toBeNull();
    expect(p.buyerModes.humanistic).toBe(1);
    expect(p.explain).toBe(
      "not enough evidence yet (1.5 of 2.5 points); leaning humanistic: sorted by customer rating x1",
    );
  });

  it("names no mode when two modes are level", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "search" })
      .page("bestsellers", "/bestsellers", {}, 60)
      .page("category", "/c/shoes?sort=rating", { categoryId: "shoes" }, 60)
      .page("category", "/c/phones?sort=popularity", { categoryId: "phones" }, 60)
      .event("review_read", { productId: "sh-1" }, 60);
    const p = profileOf(j);
    expect(p.buyerModes.competitive).toBe(0.5);
    expect(p.buyerModes.humanistic).toBe(0.5);
    expect(p.topMode).toBeNull();
    expect(p.explain).toMatch(/^no clear mode: (competitive|humanistic) 0\.50 vs/);
  });

  it("scores are shares that sum to 1, or all 0 with no evidence", () => {
    const empty = buildProfile([], lookup, T0, "v1");
    expect(empty.buyerModes).toEqual({
      competitive: 0,
      methodical: 0,
      spontaneous: 0,
      humanistic: 0,
    });
    expect(empty.explain).toBe("no buyer-mode evidence yet");
    const j = new Journey()
      .visit("s1", T0)
      .event("compare", { data: { productIds: ["a", "b"] } })
      .event("promo_click", { data: { promoId: "x" } })
      .event("review_read", { productId: "sh-1" });
    const p = profileOf(j);
    const sum = Object.values(p.buyerModes).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 10);
    expect(p.buyerModes.methodical).toBe(0.364); // 2 / 5.5
  });

  it("counts one signal at most 3 times per visit, and a repeated key once", () => {
    const j = new Journey().visit("s1", T0);
    for (let i = 0; i < 10; i++) {
      j.event("filter", { path: "/c/phones", data: { filter: "brand", value: `B${i}` } }, 5);
    }
    j.event("filter", { path: "/c/phones", data: { filter: "brand", value: "B0" } }, 5);
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    expect(state.evidence.filter?.n).toBe(10);
    expect(state.evidence.filter?.p).toBe(3);
  });

  it("an explicit sort event and the listing URL it produces are one sort", () => {
    const j = new Journey()
      .visit("s1", T0)
      .page("category", "/c/phones", { categoryId: "phones" }, 5)
      .event("sort", { path: "/c/phones", data: { sort: "rating" } }, 1)
      .page("category", "/c/phones?sort=rating", { categoryId: "phones" });
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    expect(state.evidence.sort_rating?.n).toBe(1);
  });

  it("a short visit counts only once it is over", () => {
    const j = new Journey().visit("s1", T0).page("home", "/", {}, 10).product("sh-1", {}, 10);
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    const during = readModes(state, j.now + 5 * MIN);
    const after = readModes(state, j.now + 31 * MIN);
    expect(during.evidence.spontaneous).toBeUndefined();
    expect(after.evidence.spontaneous).toEqual([{ signal: "short_visit", count: 1 }]);
  });

  it("older evidence weighs less (45-day half-life) but still counts as evidence", () => {
    const j = new Journey()
      .visit("s1", T0)
      .event("compare", { data: { productIds: ["a", "b"] } }) // methodical 2
      .event("compare", { data: { productIds: ["c", "d"] } }) // methodical 2
      .visit("s2", T0 + 45 * DAY_MS)
      .event("promo_click", { data: { promoId: "x" } }); // spontaneous 2
    const p = profileOf(j, j.now + 31 * MIN);
    // 4 points 45 days old are worth 2 now: level with the fresh promo click.
    expect(p.buyerModes.methodical).toBeCloseTo(0.5, 2);
    expect(p.buyerModes.spontaneous).toBeCloseTo(0.5, 2);
  });
});
