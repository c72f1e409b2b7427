import { describe, expect, it } from "vitest";
import type { TrackedEvent } from "../model/events.ts";
import { testEvent } from "../model/test-events.ts";
import { eventSignals, queryOf, sortSignal } from "./signals.ts";

const fresh = { explicitListing: false, views: 0 };
const signalsOf = (e: TrackedEvent, visit = fresh) => eventSignals(e, visit).map((h) => h.signal);

describe("sort keys across shop vocabularies", () => {
  it.each([
    ["rating", "sort_rating"],
    ["top_rated_desc", "sort_rating"],
    ["reviews", "sort_rating"],
    ["popularity", "sort_popular"],
    ["best-selling", "sort_popular"],
    ["bestseller", "sort_popular"],
    ["price_asc", "sort_price"],
    ["price-desc", "sort_price"],
    ["featured", null],
    ["newest", null],
  ])("%s -> %s", (key, signal) => {
    expect(sortSignal(key)).toBe(signal);
  });
});

describe("page views the proxy records", () => {
  const view = (path: string, extra: Partial<TrackedEvent> = {}) =>
    testEvent("e", "page_view", 0, { pageType: "category", path, ...extra });

  it("reads sort and filter parameters, not paging or tracking ones", () => {
    expect(signalsOf(view("/c/phones?sort=rating&page=2&utm_source=x&gclid=1"))).toEqual([
      "sort_rating",
    ]);
    expect(signalsOf(view("/c/phones?color=red&size=42"))).toEqual(["filter"]);
    expect(signalsOf(view("/c/phones?page=3&q="))).toEqual([]);
    // After explicit sort/filter events, the URL is the same action again.
    expect(signalsOf(view("/c/phones?sort=rating"), { explicitListing: true, views: 0 })).toEqual(
      [],
    );
  });

  it("recognises ranking pages, but not a product named like one", () => {
    expect(signalsOf(view("/bestsellers", { pageType: "bestsellers" }))).toEqual(["bestsellers"]);
    expect(signalsOf(view("/lists/top-rated", { pageType: "other" }))).toEqual(["top_rated"]);
    expect(signalsOf(view("/p/top-rated-kettle", { pageType: "product" }))).toEqual([]);
  });

  it("a ranking consulted again after looking at products is a new consultation", () => {
    const e = view("/bestsellers", { pageType: "bestsellers" });
    expect(eventSignals(e, { explicitListing: false, views: 0 })[0]!.key).not.toBe(
      eventSignals(e, { explicitListing: false, views: 2 })[0]!.key,
    );
  });

  it("merges the URL's query with the demo tracker's `search` detail", () => {
    const e = view("/c/x?brand=A", { data: { search: "?sort=rating" } });
    expect([...queryOf(e)]).toEqual([
      ["brand", "A"],
      ["sort", "rating"],
    ]);
  });
});

describe("clicks on injected modules", () => {
  const click = (variant: string, slot = "recommendations") =>
    testEvent("e", "slot_click", 0, { productId: "p1", data: { slot, variant, href: "/p/x" } });

  it("rankings are competitive, hot and low-stock lists spontaneous, offers promos", () => {
    expect(signalsOf(click("competitive-bestsellers"))).toEqual(["ranked_pick"]);
    expect(signalsOf(click("humanistic-top-rated"))).toEqual(["ranked_pick"]);
    expect(signalsOf(click("spontaneous-hot"))).toEqual(["hot_pick"]);
    expect(signalsOf(click("spontaneous-almost-gone", "category-top"))).toEqual(["hot_pick"]);
    expect(signalsOf(click("spontaneous-offer", "promo-banner"))).toEqual(["promo"]);
    // Mode names in variant ids are config labels, not behaviour.
    expect(signalsOf(click("methodical-compare", "recommendations"))).toEqual([]);
    expect(signalsOf(click("photo-gallery", "hero"))).toEqual([]);
  });
});
