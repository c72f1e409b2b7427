import type { Channel, DeviceClass, PageType } from "../model/context.ts";
import type { EventType, TrackedEvent } from "../model/events.ts";
import { testEvent } from "../model/test-events.ts";
import type { ProductFacts, ProductLookup } from "./products.ts";

/** Test support: a tiny catalog and a script-like way to write a visitor's journey. */

export const T0 = Date.UTC(2026, 9, 1, 9, 0, 0);
export const MIN = 60_000;
export const DAY_MS = 86_400_000;

export const CATALOG: Record<string, ProductFacts> = {
  "ph-1": {
    categoryId: "phones",
    brand: "Lumio",
    priceCents: 59_900,
    inStock: true,
    categoryRank: 1,
  },
  "ph-2": {
    categoryId: "phones",
    brand: "Orbix",
    priceCents: 44_900,
    inStock: true,
    categoryRank: 2,
  },
  "ph-3": {
    categoryId: "phones",
    brand: "Lumio",
    priceCents: 89_900,
    inStock: true,
    categoryRank: 9,
  },
  "ph-4": {
    categoryId: "phones",
    brand: "Zentra",
    priceCents: 29_900,
    inStock: false,
    categoryRank: 14,
  },
  "sh-1": {
    categoryId: "shoes",
    brand: "Trailhawk",
    priceCents: 12_999,
    inStock: true,
    categoryRank: 1,
  },
  "sh-2": {
    categoryId: "shoes",
    brand: "Nordpace",
    priceCents: 9_999,
    inStock: true,
    categoryRank: 3,
  },
  "sh-3": {
    categoryId: "shoes",
    brand: "Nordpace",
    priceCents: 15_999,
    inStock: true,
    categoryRank: 12,
  },
  "ca-1": {
    categoryId: "cases",
    brand: "Armorline",
    priceCents: 1_999,
    inStock: true,
    categoryRank: 1,
  },
  "ho-1": {
    categoryId: "home",
    brand: "Brewster",
    priceCents: 34_900,
    inStock: true,
    categoryRank: 2,
  },
  "ho-2": {
    categoryId: "home",
    brand: "Brewster",
    priceCents: 4_900,
    inStock: true,
    categoryRank: 6,
  },
};

export const lookup: ProductLookup = (id) => (Object.hasOwn(CATALOG, id) ? CATALOG[id] : undefined);

type VisitOptions = { channel?: Channel | null; device?: DeviceClass | null };

/**
 * Writes events the way a visitor makes them: `visit` starts a session at a time, each action
 * advances the clock by `wait` seconds (default 20) after it.
 */
export class Journey {
  readonly events: TrackedEvent[] = [];
  private t: number;
  private n = 0;
  private session = "s0";
  private channel: Channel | null = "direct";
  private device: DeviceClass | null = "desktop";

  constructor(start = T0) {
    this.t = start;
  }

  get now(): number {
    return this.t;
  }

  visit(sessionId: string, at: number, opts: VisitOptions = {}): this {
    this.session = sessionId;
    this.t = at;
    this.channel = opts.channel === undefined ? "direct" : opts.channel;
    this.device = opts.device === undefined ? "desktop" : opts.device;
    return this;
  }

  wait(seconds: number): this {
    this.t += seconds * 1000;
    return this;
  }

  event(type: EventType, extra: Partial<TrackedEvent> = {}, wait = 20): this {
    this.events.push(
      testEvent(`e${++this.n}`, type, this.t, {
        sessionId: this.session,
        channel: this.channel,
        device: this.device,
        ...extra,
      }),
    );
    this.t += wait * 1000;
    return this;
  }

  page(pageType: PageType, path: string, extra: Partial<TrackedEvent> = {}, wait = 20): this {
    return this.event("page_view", { pageType, path, ...extra }, wait);
  }

  /** A product page as the demo tracker reports it: the page view, then the product view. */
  product(productId: string, data: TrackedEvent["data"] = {}, wait = 20): this {
    this.event("page_view", { pageType: "product", path: `/p/${productId}`, productId, data }, 1);
    return this.event(
      "product_view",
      { pageType: "product", path: `/p/${productId}`, productId },
      wait,
    );
  }

  cart(productId: string, wait = 20): this {
    return this.event("add_to_cart", { productId, data: { quantity: 1 } }, wait);
  }

  buy(orderId: string, productIds: string[], data: TrackedEvent["data"] = {}, wait = 20): this {
    const lines = productIds.map((productId) => ({
      productId,
      quantity: 1,
      unitPriceCents: CATALOG[productId]?.priceCents ?? 1000,
    }));
    const total = lines.reduce((a, l) => a + l.unitPriceCents, 0);
    return this.event(
      "purchase",
      { pageType: "order", valueCents: total, data: { orderId, lines, ...data } },
      wait,
    );
  }
}
