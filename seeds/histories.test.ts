import { beforeAll, describe, expect, it } from "vitest";
import { indexCatalog, type CatalogIndex } from "./catalog-index.ts";
import { DEFAULT_NOW, generateCatalog, type Catalog } from "./catalog.ts";
import { generateHistories, type EventRow, type Histories, type Persona } from "./histories.ts";
import { FAQ_IDS } from "./shop/faq-content.ts";
import { pageTypeOf } from "./shop/urls.ts";
import { occasionsBetween } from "./traffic.ts";

const DAY = 86_400_000;
let catalog: Catalog;
let index: CatalogIndex;
let h: Histories;
let generationMs: number;

beforeAll(() => {
  catalog = generateCatalog();
  index = indexCatalog(catalog);
  const started = performance.now();
  h = generateHistories(catalog);
  generationMs = performance.now() - started;
});

const groupBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item)) ?? [];
    list.push(item);
    out.set(key(item), list);
  }
  return out;
};

describe("generateHistories: shape", () => {
  it("is deterministic for a seed and differs for another", () => {
    const a = generateHistories(catalog, { visitors: 300, seed: 9 });
    const b = generateHistories(catalog, { visitors: 300, seed: 9 });
    const c = generateHistories(catalog, { visitors: 300, seed: 10 });
    expect(b).toEqual(a);
    expect(c.visitors.map((v) => v.id)).not.toEqual(a.visitors.map((v) => v.id));
  });

  it("generates 3000 visitors well under 2 s", () => {
    expect(h.visitors).toHaveLength(3000);
    expect(new Set(h.visitors.map((v) => v.id)).size).toBe(3000);
    expect(generationMs).toBeLessThan(2000);
  });

  it("dates everything inside the window, before now", () => {
    const from = DEFAULT_NOW - 60 * DAY;
    const outside = h.events.filter(
      (e) => e.occurredAt < from || e.receivedAt >= DEFAULT_NOW || e.receivedAt <= e.occurredAt,
    );
    expect(outside).toEqual([]);
  });

  it("keeps events in ingestion order, ids unique per visitor, time increasing per session", () => {
    const unordered = h.events.filter(
      (e, i) => i > 0 && e.receivedAt < h.events[i - 1]!.receivedAt,
    );
    expect(unordered).toEqual([]);
    const keys = new Set(h.events.map((e) => `${e.visitorId}/${e.eventId}`));
    expect(keys.size).toBe(h.events.length);
    expect(h.events.every((e) => e.eventId.startsWith("e-"))).toBe(true);
    const backwards = [...groupBy(h.events, (e) => e.sessionId!).values()].filter((list) =>
      list.some((e, i) => i > 0 && e.occurredAt <= list[i - 1]!.occurredAt),
    );
    expect(backwards).toEqual([]);
  });

  it("uses the known event types and shop URLs, with matching page types and products", () => {
    const types = new Set([
      "page_view",
      "product_view",
      "search",
      "filter",
      "sort",
      "compare",
      "review_read",
      "add_to_cart",
      "remove_from_cart",
      "checkout_step",
      "purchase",
      "promo_click",
      "faq_open",
      "login",
    ]);
    const seen = new Set(h.events.map((e) => e.type));
    expect(seen).toEqual(types);
    const wrong = h.events.filter(
      (e) =>
        pageTypeOf(e.path!) !== e.pageType ||
        (e.pageType === "product" && e.path !== `/p/${index.byId.get(e.productId!)?.slug}`) ||
        (e.productId && !index.byId.has(e.productId)) ||
        (e.categoryId && !index.categoryById.has(e.categoryId)),
    );
    expect(wrong).toEqual([]);
    const faq = h.events.filter((e) => e.type === "faq_open");
    expect(faq.every((e) => FAQ_IDS.includes(e.payload!.question as never))).toBe(true);
    const adds = h.events.filter((e) => e.type === "add_to_cart");
    for (const e of adds) {
      const p = index.byId.get(e.productId!)!;
      expect(p.stock).toBeGreaterThan(0);
      expect(e.payload).toMatchObject({ unitPriceCents: p.priceCents });
      expect(e.valueCents).toBe(p.priceCents * (e.payload!.quantity as number));
    }
  });

  it("gives sessions an entry context consistent with their events", () => {
    const events = groupBy(h.events, (e) => e.sessionId!);
    const channels = new Set(["search", "social", "email", "paid", "direct", "referral"]);
    for (const s of h.sessions) {
      expect(channels.has(s.channel)).toBe(true);
      expect(["mobile", "desktop", "tablet"]).toContain(s.device);
      expect(s.country).toMatch(/^[A-Z]{2}$/);
      expect(Boolean(s.campaign)).toBe(s.channel === "paid" || s.channel === "email");
      if (s.campaign) expect(s.landingPath).toContain(`utm_campaign=${s.campaign}`);
      const list = events.get(s.id)!;
      const views = list.filter((e) => e.type === "page_view");
      expect(s.pageViews).toBe(views.length);
      expect(s.startedAt).toBe(list[0]!.occurredAt);
      expect(s.lastSeenAt).toBe(list.at(-1)!.occurredAt);
      expect(new URL(s.landingPath, "http://x").pathname).toBe(views[0]!.path);
      expect(list.every((e) => e.channel === s.channel && e.device === s.device)).toBe(true);
    }
    const perVisitor = groupBy(h.sessions, (s) => s.visitorId);
    for (const v of h.visitors) expect(perVisitor.get(v.id)?.length ?? 0).toBe(v.visitCount);
  });
});

describe("generateHistories: consent", () => {
  it("records consent for every visitor; those who declined personalization have no events", () => {
    const latest = new Map<string, (typeof h.consents)[number]>();
    for (const c of h.consents) latest.set(c.visitorId, c);
    expect(latest.size).toBe(h.visitors.length);
    const declined = [...latest.values()].filter((c) => !c.personalization).map((c) => c.visitorId);
    expect(declined.length / h.visitors.length).toBeGreaterThan(0.05);
    expect(declined.length / h.visitors.length).toBeLessThan(0.2);
    const withEvents = new Set(h.events.map((e) => e.visitorId));
    const withSessions = new Set(h.sessions.map((s) => s.visitorId));
    for (const id of declined) {
      expect(withEvents.has(id)).toBe(false);
      expect(withSessions.has(id)).toBe(false);
    }
    // Everyone else consented before their first event.
    const firstEvent = new Map<string, number>();
    for (const e of h.events) {
      firstEvent.set(e.visitorId, Math.min(firstEvent.get(e.visitorId) ?? Infinity, e.occurredAt));
    }
    for (const [visitorId, at] of firstEvent) {
      const consent = latest.get(visitorId)!;
      expect(consent.personalization).toBe(true);
      expect(consent.createdAt).toBeLessThan(at);
    }
    expect(h.consents.map((c) => c.id)).toEqual(h.consents.map((_, i) => i + 1));
  });

  it("keeps personas out of events", () => {
    const names = /persona|methodical|competitive|humanistic|spontaneous/;
    expect(h.events.filter((e) => names.test(JSON.stringify(e.payload)))).toEqual([]);
    expect(Object.keys(h.personaOf).length).toBe(h.visitors.length);
  });
});

describe("generateHistories: orders", () => {
  it("has 3-5% buyers and orders whose totals equal their lines", () => {
    const buyers = new Set(h.orders.map((o) => o.visitorId));
    expect(buyers.size / h.visitors.length).toBeGreaterThanOrEqual(0.03);
    expect(buyers.size / h.visitors.length).toBeLessThanOrEqual(0.05);
    const lines = groupBy(h.orderLines, (l) => l.orderId);
    expect(new Set(h.orders.map((o) => o.id)).size).toBe(h.orders.length);
    for (const o of h.orders) {
      const own = lines.get(o.id) ?? [];
      expect(own.length).toBeGreaterThan(0);
      expect(own.map((l) => l.lineNo)).toEqual(own.map((_, i) => i + 1));
      expect(o.totalCents).toBe(own.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0));
      for (const l of own) expect(l.unitPriceCents).toBe(index.byId.get(l.productId)!.priceCents);
    }
  });

  it("matches every order with one purchase event in its session", () => {
    const purchases = h.events.filter((e) => e.type === "purchase");
    expect(purchases).toHaveLength(h.orders.length);
    const byOrder = new Map(purchases.map((e) => [e.payload!.orderId as string, e]));
    for (const o of h.orders) {
      const e = byOrder.get(o.id)!;
      expect(e.visitorId).toBe(o.visitorId);
      expect(e.sessionId).toBe(o.sessionId);
      expect(e.valueCents).toBe(o.totalCents);
      expect(e.path).toBe(`/order/${o.id}`);
      expect(e.payload!.isGift).toBe(o.isGift);
    }
  });

  it("flags gift orders, bought before gift occasions in categories people give", () => {
    const gifts = h.orders.filter((o) => o.isGift);
    const own = h.orders.filter((o) => !o.isGift);
    expect(gifts.length).toBeGreaterThanOrEqual(8);
    expect(gifts.every((o) => h.personaOf[o.visitorId] === "gift")).toBe(true);
    const giftLines = h.orderLines.filter((l) => gifts.some((o) => o.id === l.orderId));
    const giftCategories = new Set(giftLines.map((l) => index.byId.get(l.productId)!.categoryId));
    expect(giftCategories.has("phones")).toBe(false);
    expect(giftCategories.has("running-shoes")).toBe(false);
    const occasions = occasionsBetween(DEFAULT_NOW - 60 * DAY, DEFAULT_NOW);
    const nearOccasion = (t: number) => occasions.some((o) => t <= o.at && t >= o.at - 14 * DAY);
    const share = (list: typeof h.orders) =>
      list.filter((o) => nearOccasion(o.createdAt)).length / list.length;
    expect(share(gifts)).toBeGreaterThan(share(own) + 0.15);
  });

  it("links customers to 1-3 devices and their orders", () => {
    expect(h.customers.length).toBeGreaterThan(50);
    const links = groupBy(h.identities, (l) => l.customerId);
    const visitors = new Map(h.visitors.map((v) => [v.id, v]));
    const logins = new Map(
      h.events.filter((e) => e.type === "login").map((e) => [e.visitorId, e.occurredAt]),
    );
    for (const c of h.customers) {
      const own = links.get(c.id) ?? [];
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(3);
      for (const l of own) {
        expect(visitors.get(l.visitorId)!.customerId).toBe(c.id);
        expect(l.linkedAt).toBe(logins.get(l.visitorId));
      }
      expect(c.createdAt).toBeLessThanOrEqual(Math.min(...own.map((l) => l.linkedAt)));
    }
    expect([...links.values()].some((l) => l.length >= 2)).toBe(true);
    const customerIds = new Set(h.customers.map((c) => c.id));
    const customerOrders = h.orders.filter((o) => o.customerId);
    expect(customerOrders.length).toBeGreaterThan(0);
    expect(customerOrders.every((o) => customerIds.has(o.customerId!))).toBe(true);
    // Returning customers come back: several sessions over more than a week.
    const sessions = groupBy(h.sessions, (s) => visitors.get(s.visitorId)!.customerId ?? "");
    sessions.delete("");
    const spans = [...sessions.values()].map((list) => {
      const starts = list.map((s) => s.startedAt);
      return Math.max(...starts) - Math.min(...starts);
    });
    expect(spans.filter((s) => s > 7 * DAY).length / spans.length).toBeGreaterThan(0.5);
  });
});

describe("generateHistories: behaviour worth learning from", () => {
  type Rates = {
    sessions: number;
    perSession: (type: string) => number;
    pages: number;
    events: EventRow[];
  };
  const ratesFor = (persona: Persona): Rates => {
    const visitors = new Set(Object.keys(h.personaOf).filter((id) => h.personaOf[id] === persona));
    const sessions = h.sessions.filter((s) => visitors.has(s.visitorId));
    const events = h.events.filter((e) => visitors.has(e.visitorId));
    return {
      sessions: sessions.length,
      pages: sessions.reduce((n, s) => n + (s.pageViews ?? 0), 0) / sessions.length,
      perSession: (type) => events.filter((e) => e.type === type).length / sessions.length,
      events,
    };
  };

  it("makes buyer modes distinguishable by what they do", () => {
    const m = ratesFor("methodical");
    const c = ratesFor("competitive");
    const hu = ratesFor("humanistic");
    const s = ratesFor("spontaneous");
    for (const r of [m, c, hu, s]) expect(r.sessions).toBeGreaterThan(300);
    const refine = (r: Rates) => r.perSession("filter") + r.perSession("compare");
    expect(refine(m)).toBeGreaterThan(10 * refine(s));
    expect(refine(m)).toBeGreaterThan(3 * refine(hu));
    expect(m.pages).toBeGreaterThan(2.5 * s.pages);
    expect(hu.perSession("review_read")).toBeGreaterThan(2 * m.perSession("review_read"));
    expect(hu.perSession("review_read")).toBeGreaterThan(5 * c.perSession("review_read"));
    expect(s.perSession("promo_click")).toBeGreaterThan(
      3 * Math.max(m.perSession("promo_click"), hu.perSession("promo_click")),
    );
    const sortShare = (r: Rates, key: string) => {
      const sorts = r.events.filter((e) => e.type === "sort");
      return sorts.filter((e) => e.payload!.sort === key).length / Math.max(1, sorts.length);
    };
    expect(sortShare(c, "popularity")).toBeGreaterThan(0.5);
    expect(sortShare(hu, "rating")).toBeGreaterThan(0.7);
    expect(sortShare(m, "price_asc") + sortShare(m, "price_desc")).toBeGreaterThan(0.6);
    const bestsellerViews = (r: Rates) =>
      r.events.filter((e) => e.type === "page_view" && e.pageType === "bestsellers").length /
      r.sessions;
    expect(bestsellerViews(c)).toBeGreaterThan(2 * bestsellerViews(m));
  });

  it("has spontaneous visitors add to cart fastest and most often", () => {
    const startOf = new Map(h.sessions.map((s) => [s.id, s.startedAt]));
    const firstAdd = new Map<string, EventRow>();
    for (const e of h.events) {
      if (e.type === "add_to_cart" && !firstAdd.has(e.sessionId!)) firstAdd.set(e.sessionId!, e);
    }
    const median = (persona: Persona) => {
      const waits = [...firstAdd.values()]
        .filter((e) => h.personaOf[e.visitorId] === persona)
        .map((e) => e.occurredAt - startOf.get(e.sessionId!)!)
        .sort((a, b) => a - b);
      return waits[Math.floor(waits.length / 2)]!;
    };
    expect(median("spontaneous")).toBeLessThan(2 * 60_000);
    expect(median("methodical")).toBeGreaterThan(5 * median("spontaneous"));
    expect(ratesFor("spontaneous").perSession("add_to_cart")).toBeGreaterThan(
      ratesFor("methodical").perSession("add_to_cart"),
    );
  });

  it("keeps views within a category across a session (co-view signal)", () => {
    const views = groupBy(
      h.events.filter((e) => e.type === "product_view"),
      (e) => e.sessionId!,
    );
    let same = 0;
    let pairs = 0;
    for (const list of views.values()) {
      for (let i = 1; i < list.length; i++) {
        pairs++;
        if (list[i]!.categoryId === list[i - 1]!.categoryId) same++;
      }
    }
    // Six categories: chance would be about 1 in 6.
    expect(pairs).toBeGreaterThan(5000);
    expect(same / pairs).toBeGreaterThan(0.6);
  });

  it("buys accessories with their base products far more often than chance", () => {
    const orders = [...groupBy(h.orderLines, (l) => l.orderId).values()].map((ls) =>
      ls.map((l) => l.productId),
    );
    let withBase = 0;
    let withAccessory = 0;
    let chance = 0;
    for (const ids of orders) {
      const base = ids.find((id) => (index.accessoriesOf.get(id)?.length ?? 0) > 0);
      if (!base) continue;
      const fits = new Set(index.accessoriesOf.get(base)!.map((p) => p.id));
      withBase++;
      if (ids.some((id) => fits.has(id))) withAccessory++;
      const others = orders.filter((o) => !o.includes(base));
      chance += others.filter((o) => o.some((id) => fits.has(id))).length / others.length;
    }
    expect(withBase).toBeGreaterThan(30);
    const rate = withAccessory / withBase;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeGreaterThan(3 * (chance / withBase));
  });
});
