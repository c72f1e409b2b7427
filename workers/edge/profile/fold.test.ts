import { describe, expect, it } from "vitest";
import { createRng } from "../../../seeds/random.ts";
import { EVENT_TYPES, type TrackedEvent } from "../model/events.ts";
import { testEvent } from "../model/test-events.ts";
import { buildProfile, toProfile } from "./build.ts";
import { foldEvent, foldEvents } from "./fold.ts";
import { lookupFromItems, noProducts } from "./products.ts";
import { CAPS, emptyProfileState, type ProfileState } from "./state.ts";
import { DAY_MS, Journey, lookup, MIN, T0 } from "./test-journeys.ts";

/** A long, messy history: every event type, 500 visits, products known and unknown. */
function noisyHistory(count: number, seed = 1): TrackedEvent[] {
  const rng = createRng(seed);
  const known = ["ph-1", "ph-2", "ph-3", "ph-4", "sh-1", "sh-2", "sh-3", "ca-1", "ho-1", "ho-2"];
  const events: TrackedEvent[] = [];
  let t = T0;
  for (let i = 0; i < count; i++) {
    const session = `s${Math.floor(i / 20)}`;
    t += i % 20 === 0 ? rng.int(1, 72) * 3_600_000 : rng.int(2, 120) * 1000;
    const productId = rng.chance(0.5) ? rng.pick(known) : `x-${rng.int(1, 3000)}`;
    const type = rng.pick(EVENT_TYPES);
    events.push(
      testEvent(`e${i}`, type, t, {
        sessionId: session,
        productId,
        categoryId: `cat-${rng.int(1, 200)}`,
        pageType: rng.pick(["home", "category", "product", "search", "bestsellers"] as const),
        path: `/c/x?brand=${rng.int(1, 50)}&sort=${rng.pick(["rating", "price_asc", "popularity"])}`,
        channel: rng.pick(["search", "social", "email", "paid", "direct", "referral"] as const),
        device: rng.pick(["mobile", "tablet", "desktop"] as const),
        valueCents: rng.int(100, 100_000),
        data: {
          brand: `brand-${rng.int(1, 400)}`,
          priceCents: rng.int(100, 100_000),
          inStock: rng.chance(0.3) ? false : true,
          orderId: `o-${i}`,
          lines: [{ productId: `x-${rng.int(1, 3000)}`, quantity: 1, unitPriceCents: 999 }],
          query: `q ${rng.int(1, 999)}`,
          sort: rng.pick(["rating", "price_asc", "popularity"]),
          filter: "brand",
          value: `brand-${rng.int(1, 400)}`,
          promoId: `promo-${rng.int(1, 50)}`,
          productIds: [`x-${rng.int(1, 3000)}`, `x-${rng.int(1, 3000)}`],
          localHour: (new Date(t).getUTCHours() + 2) % 24,
        },
      }),
    );
  }
  return events;
}

const json = (s: ProfileState) => JSON.parse(JSON.stringify(s)) as ProfileState;

describe("determinism", () => {
  const events = noisyHistory(2_000);

  it("folding in one go, in batches (stored as JSON between them) or one by one is the same", () => {
    const once = foldEvents(emptyProfileState("v1"), events, lookup);
    let batched = emptyProfileState("v1");
    const rng = createRng(7);
    for (let i = 0; i < events.length;) {
      const size = rng.int(1, 60);
      batched = json(foldEvents(batched, events.slice(i, i + size), lookup));
      i += size;
    }
    let single = emptyProfileState("v1");
    for (const e of events.slice(0, 500)) single = foldEvent(single, e, lookup);
    expect(batched).toEqual(once);
    expect(single).toEqual(foldEvents(emptyProfileState("v1"), events.slice(0, 500), lookup));
    expect(toProfile(batched, T0 + 400 * DAY_MS)).toEqual(toProfile(once, T0 + 400 * DAY_MS));
  });

  it("is a plain JSON value that round-trips exactly", () => {
    const state = foldEvents(emptyProfileState("v1"), events, lookup);
    expect(json(state)).toEqual(state);
  });

  it("never changes the state it is given", () => {
    const before = foldEvents(emptyProfileState("v1"), events.slice(0, 100), lookup);
    const copy = structuredClone(before);
    foldEvents(before, events.slice(100, 200), lookup);
    foldEvent(before, events[200]!, lookup);
    expect(before).toEqual(copy);
  });
});

describe("bounded size", () => {
  it("10k events: lists and maps stay capped, every visit still counted", () => {
    const events = noisyHistory(10_000);
    const state = foldEvents(emptyProfileState("v1"), events, lookup);
    const bytes = JSON.stringify(state).length;
    expect(bytes).toBeLessThan(12_000);
    expect(Object.keys(state.categories).length).toBeLessThanOrEqual(CAPS.categories);
    expect(Object.keys(state.brands).length).toBeLessThanOrEqual(CAPS.brands);
    expect(state.sessions).toHaveLength(CAPS.sessions);
    expect(state.prices).toHaveLength(CAPS.prices);
    expect(state.purchased.length).toBeLessThanOrEqual(CAPS.purchased);
    expect(state.watched.length).toBeLessThanOrEqual(CAPS.watched);
    expect(state.orders.ids).toHaveLength(CAPS.orderIds);
    for (const s of state.sessions) {
      expect(s.seen.length).toBeLessThanOrEqual(CAPS.keysPerSession);
    }
    // Only the latest visit still keeps dedupe keys.
    expect(state.sessions.filter((s) => s.seen.length > 0)).toHaveLength(1);
    expect(state.events).toBe(10_000);
    const p = toProfile(state, events.at(-1)!.at);
    expect(p.visitCount).toBe(500);
    expect(JSON.stringify(p).length).toBeLessThan(2_500);
  });
});

describe("unknown products and odd input", () => {
  it("falls back to what the event carries when the catalog does not know a product", () => {
    const j = new Journey()
      .visit("s1", T0)
      .event("product_view", {
        productId: "gone-1",
        categoryId: "kayaks",
        valueCents: 45_000,
        data: { brand: "Paddlr", inStock: false },
      })
      .event("add_to_cart", { productId: "gone-2", data: { quantity: 2 } })
      .buy("o-1", ["gone-2"]);
    const p = buildProfile(j.events, noProducts, j.now + 60 * MIN, "v1");
    expect(p.categoryAffinity).toEqual({ kayaks: 1 });
    expect(p.brandAffinity).toEqual({ Paddlr: 1 });
    expect(p.orderCount).toBe(1);
    expect(p.purchasedProducts).toEqual(["gone-2"]);
    expect(p.priceBand).toBeNull(); // 45000 and 1000: too few prices for a band
  });

  it("skips events with an unusable time and ignores malformed details", () => {
    const bad: TrackedEvent[] = [
      testEvent("a", "page_view", Number.NaN, { productId: "ph-1", pageType: "product" }),
      testEvent("b", "purchase", T0, {
        // What a broken client might send: only the last line is usable.
        data: {
          orderId: "o",
          lines: [null, "x", { productId: 7 }, { productId: "ca-1" }],
        } as never,
      }),
      testEvent("c", "page_view", T0 + 1, { pageType: "category", categoryId: "__proto__" }),
      testEvent("d", "product_view", T0 + 2, {
        productId: "sh-1",
        data: { priceCents: -5, localHour: 99 },
      }),
      testEvent("e", "sort", T0 + 3, { data: { sort: { by: "x" } as never } }),
    ];
    const state = foldEvents(emptyProfileState("v1"), bad, lookup);
    expect(state.events).toBe(4);
    expect(state.tzOffsetH).toBeNull();
    expect(Object.getPrototypeOf(state.categories)).toBe(Object.prototype);
    expect(Object.keys(state.categories).sort()).toEqual(["cases", "shoes"]);
    expect(state.purchased).toEqual(["ca-1"]);
    expect(state.prices.map(([c]) => c)).toEqual([1_999, 12_999]);
    expect(() => toProfile(state, T0 + DAY_MS)).not.toThrow();
  });

  it("reads the published model's items, with category ranks", () => {
    const items = {
      a: {
        id: "a",
        name: "A",
        url: "/p/a",
        imageUrl: "",
        priceCents: 1000,
        currency: "EUR",
        rating: 4,
        reviewCount: 3,
        stock: 0,
        categoryId: "c1",
        brand: "B",
        accessoryFor: [],
      },
    };
    const find = lookupFromItems(items, { c1: ["z", "a"] });
    expect(find("a")).toEqual({
      categoryId: "c1",
      brand: "B",
      priceCents: 1000,
      inStock: false,
      categoryRank: 2,
    });
    expect(find("missing")).toBeUndefined();
    expect(find("constructor")).toBeUndefined();
  });
});

describe("habits, prices and products", () => {
  it("a page view and its product view are one view; a later look is another", () => {
    const j = new Journey().visit("s1", T0).product("ph-1", {}, 60).product("ph-1");
    const state = foldEvents(emptyProfileState("v1"), j.events, lookup);
    expect(state.sessions[0]!.views).toBe(2);
    expect(state.sessions[0]!.pages).toBe(2);
    expect(state.productViews).toBe(2);
  });

  it("price band: weighted percentiles of what they view, cart and buy", () => {
    const j = new Journey()
      .visit("s1", T0)
      .product("ca-1") // 19.99 x1
      .product("sh-2") // 99.99 x1
      .product("sh-1") // 129.99 x1
      .cart("sh-1") // 129.99 x2
      .buy("o-1", ["sh-1"]) // 129.99 x3
      .product("ph-3"); // 899.00 x1
    // Weights sorted by price: 1999:1, 9999:1, 12999:6, 89900:1 (total 9).
    // 20% = 1.8 -> 9999; 50% = 4.5 -> 12999; 80% = 7.2 -> 12999.
    const p = buildProfile(j.events, lookup, j.now, "v1");
    expect(p.priceBand).toEqual({ lowCents: 9_999, highCents: 12_999, medianCents: 12_999 });
  });

  it("watches products found out of stock in two visits, until carted or back in stock", () => {
    const j = new Journey()
      .visit("s1", T0)
      .product("ph-4")
      .product("ph-4", {}, 60) // same visit: still one
      .product("sh-3", { inStock: false }); // the page said sold out: that beats the catalog
    const once = buildProfile(j.events, lookup, j.now, "v1");
    expect(once.watchedOutOfStock).toEqual([]);
    j.visit("s2", T0 + DAY_MS)
      .product("ph-4")
      .product("sh-3", { inStock: false });
    const twice = buildProfile(j.events, lookup, j.now, "v1");
    expect(twice.watchedOutOfStock).toEqual(["sh-3", "ph-4"]);
    expect(twice.segments).toContain("oos_watcher");
    j.visit("s3", T0 + 2 * DAY_MS)
      .product("sh-3")
      .cart("ph-4");
    expect(buildProfile(j.events, lookup, j.now, "v1").watchedOutOfStock).toEqual([]);
  });

  it("prefers the device and channel of most visits, and knows their local daypart", () => {
    const j = new Journey();
    for (let d = 0; d < 4; d++) {
      // 19:00 UTC; the events say it is 21:00 for the visitor.
      j.visit(`m${d}`, T0 + d * DAY_MS + 10 * 3_600_000, { channel: "email", device: "mobile" })
        .page("home", "/", { data: { localHour: 21 } })
        .page("category", "/c/shoes", { categoryId: "shoes", channel: "direct" });
    }
    j.visit("d1", T0 + 5 * DAY_MS, { channel: "search", device: "desktop" }).page("home", "/");
    const p = buildProfile(j.events, lookup, j.now, "v1");
    expect(p.preferredDevice).toBe("mobile");
    // Later pages of a visit say "direct": the landing's channel is the visit's.
    expect(p.preferredChannel).toBe("email");
    expect(p.daypart).toBe("evening");
    expect(p.peakHour).toBe(21);
  });

  it("no preference without a majority, no daypart without enough activity", () => {
    const j = new Journey()
      .visit("s1", T0, { channel: "email", device: "mobile" })
      .page("home", "/")
      .visit("s2", T0 + DAY_MS, { channel: "search", device: "desktop" })
      .page("home", "/")
      .visit("s3", T0 + 2 * DAY_MS, { channel: "social", device: "tablet" })
      .page("home", "/");
    const p = buildProfile(j.events, lookup, j.now, "v1");
    expect(p.preferredDevice).toBeNull();
    expect(p.preferredChannel).toBeNull();
    expect(p.daypart).toBeNull();
  });
});
