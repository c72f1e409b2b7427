import { describe, expect, it } from "vitest";
import type { EventType, TrackedEvent } from "../model/events.ts";
import { testEvent } from "../model/test-events.ts";
import {
  applyEvent,
  emptyJourney,
  needsPrices,
  reviseImpressions,
  type JourneyState,
  type PriceLookup,
} from "./journey.ts";

let n = 0;
const ev = (type: EventType, at: number, extra: Partial<TrackedEvent> = {}) =>
  testEvent(`e${++n}`, type, at, extra);

const run = (
  events: TrackedEvent[],
  start: JourneyState = emptyJourney("s1", 0),
  priceOf?: PriceLookup,
) => events.reduce((state, e) => applyEvent(state, e, priceOf), start);

describe("journey stages", () => {
  it("moves browse -> consider -> cart -> checkout -> purchased", () => {
    const stages: string[] = [];
    let s = emptyJourney("s1", 0);
    const steps = [
      ev("page_view", 1, { pageType: "home" }),
      ev("product_view", 2, { productId: "a" }),
      ev("product_view", 3, { productId: "b" }),
      ev("add_to_cart", 4, { productId: "b", data: { quantity: 2, unitPriceCents: 1500 } }),
      ev("checkout_step", 5, { data: { step: "address" } }),
      ev("purchase", 6, { valueCents: 3000 }),
    ];
    for (const e of steps) {
      s = applyEvent(s, e);
      stages.push(s.session.journeyStage);
    }
    expect(stages).toEqual(["browse", "browse", "consider", "cart", "checkout", "purchased"]);
    expect(s.session.cart).toEqual({ lines: [], valueCents: 0, changedAt: 6 });
    expect(s.lastPurchaseAt).toBe(6);
  });

  it("starts the next session after a purchase as post-purchase, keeping recent products", () => {
    const s = run([ev("product_view", 1, { productId: "a" }), ev("purchase", 2)]);
    const next = applyEvent(s, ev("page_view", 1000, { sessionId: "s2", pageType: "home" }));
    expect(next.session.sessionId).toBe("s2");
    expect(next.session.pageViews).toBe(1);
    expect(next.session.journeyStage).toBe("post_purchase");
    expect(next.session.recentProducts).toEqual(["a"]);
  });
});

describe("cart", () => {
  it("adds, merges and removes lines with the cart value in cents", () => {
    const s = run([
      ev("add_to_cart", 1, { productId: "a", data: { quantity: 1, unitPriceCents: 1000 } }),
      ev("add_to_cart", 2, { productId: "a", data: { quantity: 2, unitPriceCents: 1000 } }),
      ev("add_to_cart", 3, { productId: "b", data: { unitPriceCents: 250 } }),
      ev("remove_from_cart", 4, { productId: "a", data: { quantity: 1 } }),
    ]);
    expect(s.session.cart.lines).toEqual([
      { productId: "a", quantity: 2, unitPriceCents: 1000 },
      { productId: "b", quantity: 1, unitPriceCents: 250 },
    ]);
    expect(s.session.cart.valueCents).toBe(2250);
    const emptied = run([ev("remove_from_cart", 5, { productId: "b" })], s);
    expect(emptied.session.cart.lines.map((l) => l.productId)).toEqual(["a"]);
  });

  it("reads an event's valueCents as price x quantity", () => {
    const s = run([
      ev("add_to_cart", 1, { productId: "w", valueCents: 129_998, data: { quantity: 2 } }),
    ]);
    expect(s.session.cart.lines).toEqual([{ productId: "w", quantity: 2, unitPriceCents: 64_999 }]);
    expect(s.session.cart.valueCents).toBe(129_998);
  });

  it("prices an add that carries no price from the catalog", () => {
    const catalog: PriceLookup = (id) => (id === "watch" ? 64_999 : undefined);
    const add = ev("add_to_cart", 1, { productId: "watch", data: { quantity: 1 } });
    expect(needsPrices(emptyJourney("s1", 0), [add])).toBe(true);
    const s = run([add], emptyJourney("s1", 0), catalog);
    expect(s.session.cart.valueCents).toBe(64_999);
    expect(needsPrices(s, [ev("page_view", 2)])).toBe(false);
  });

  it("keeps the cart value unknown, never 0, while no one knows a line's price", () => {
    const s = run([
      ev("add_to_cart", 1, { productId: "a", data: { unitPriceCents: 1000 } }),
      ev("add_to_cart", 2, { productId: "new", data: { quantity: 1 } }),
    ]);
    expect(s.session.cart.lines[1]).toEqual({
      productId: "new",
      quantity: 1,
      unitPriceCents: null,
    });
    expect(s.session.cart.valueCents).toBeNull();
    expect(needsPrices(s, [])).toBe(true);
    // The next cart change once the catalog lists it prices the line.
    const later = run(
      [ev("add_to_cart", 3, { productId: "a", data: { unitPriceCents: 1000 } })],
      s,
      (id) => (id === "new" ? 2500 : undefined),
    );
    expect(later.session.cart.valueCents).toBe(2 * 1000 + 2500);
  });
});

describe("page views", () => {
  it("counts impressions per slot and variant for frequency caps", () => {
    const slots = [{ slot: "hero", variant: "spontaneous-offer" }];
    const s = run([
      ev("page_view", 1, { data: { slots } }),
      ev("page_view", 2, { data: { slots } }),
    ]);
    expect(s.session.pageViews).toBe(2);
    expect(s.session.impressions).toEqual({ "hero:spontaneous-offer": 2 });
  });

  it("keeps recent products unique, most recent first", () => {
    const s = run(
      ["a", "b", "a"].map((id, i) => ev("page_view", i, { pageType: "product", productId: id })),
    );
    expect(s.session.recentProducts).toEqual(["a", "b"]);
  });
});

describe("impressions", () => {
  const view = (slots: [string, string][], sessionId = "s1") =>
    ev("page_view", 5, {
      sessionId,
      data: { slots: slots.map(([slot, variant]) => ({ slot, variant })) },
    });

  it("counts what a corrected page view really showed", () => {
    const planned = view([
      ["hero", "a"],
      ["extras", "b"],
    ]);
    const state = run([view([["hero", "a"]]), planned]);
    expect(state.session.impressions).toEqual({ "hero:a": 2, "extras:b": 1 });
    const shown = {
      ...planned,
      data: { ...planned.data, slots: [{ slot: "hero", variant: "a" }] },
    };
    expect(reviseImpressions(state, planned, shown).session.impressions).toEqual({ "hero:a": 2 });
  });

  it("leaves a later session's impressions alone", () => {
    const earlier = view([["hero", "a"]], "s0");
    const state = run([earlier, view([["hero", "a"]], "s1")]);
    expect(reviseImpressions(state, earlier, view([])).session.impressions).toEqual({
      "hero:a": 1,
    });
  });
});
