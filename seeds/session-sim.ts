import type { events, orderLines, orders } from "../schema/index.ts";
import type { Product } from "./catalog-index.ts";
import type { CategoryId } from "./catalog-specs.ts";
import { kindOf } from "./catalog.ts";
import type { Persona, Step, Traits } from "./personas.ts";
import type { Rng } from "./random.ts";
import { FAQ } from "./shop/faq-content.ts";
import { brandsOf } from "./shop/listing.ts";
import {
  categoryPath,
  EMPTY_LISTING,
  orderPath,
  productPath,
  searchPath,
  type ListingQuery,
  type PageType,
} from "./shop/urls.ts";
import {
  companionsOf,
  listingOf,
  searchOf,
  similarTo,
  type ShopperCatalog,
} from "./shopper-catalog.ts";
import { PROMOS, type Campaign, type Channel, type Device } from "./traffic.ts";

export type EventRow = typeof events.$inferInsert;
export type OrderRow = typeof orders.$inferInsert;
export type OrderLineRow = typeof orderLines.$inferInsert;

/** Everything decided about a visit before it is played out. */
export type SessionPlan = {
  rng: Rng;
  catalog: ShopperCatalog;
  persona: Persona;
  traits: Traits;
  visitorId: string;
  /** Per-visitor counter behind event ids (`e-<visitor>-<n>`), shared by all their sessions. */
  eventSeq: { key: string; n: number };
  sessionId: string;
  startAt: number;
  channel: Channel;
  campaign: Campaign | null;
  device: Device;
  focus: CategoryId;
  buy: boolean;
  isGift: boolean;
  /** The customer behind this device: `loggedIn` says whether this device already signed in. */
  customer: { id: string; loggedIn: boolean } | null;
  /** Earlier purchases: returning buyers come back for accessories. */
  owned: Product[];
  newOrderId: () => string;
};

export type SessionResult = {
  events: EventRow[];
  pageViews: number;
  startedAt: number;
  lastSeenAt: number;
  landingPath: string;
  order: { order: OrderRow; lines: OrderLineRow[] } | null;
  loginAt: number | null;
};

type Page = {
  path: string;
  type: PageType;
  categoryId: string | null;
  product: Product | null;
  /** What the page lists, for the next click. */
  listed: Product[];
};

const HOME: Page = { path: "/", type: "home", categoryId: null, product: null, listed: [] };

/** Plays out one visit as a stream of tracker-like events. */
export function simulateSession(plan: SessionPlan): SessionResult {
  return new Visit(plan).run();
}

class Visit {
  private readonly rng: Rng;
  private readonly events: EventRow[] = [];
  private readonly latency: number;
  private t: number;
  private page: Page = HOME;
  private pageViews = 0;
  private landingPath = "/";
  private focus: CategoryId;
  private listing: ListingQuery = EMPTY_LISTING;
  private readonly viewed: Product[] = [];
  private readonly cart = new Map<string, number>();
  private loginAt: number | null = null;

  constructor(private readonly plan: SessionPlan) {
    this.rng = plan.rng;
    this.t = plan.startAt;
    this.focus = plan.focus;
    // Tracker batches reach the API a little later; constant per visit keeps ingestion order.
    this.latency = this.rng.int(80, 900);
  }

  run(): SessionResult {
    const { traits, buy } = this.plan;
    this.land();
    if (this.plan.customer && !this.plan.customer.loggedIn && !buy) this.login();
    const budget = this.rng.int(traits.pages[0], traits.pages[1]);
    // A purchase needs cart, checkout and confirmation pages: browse a little less.
    const browse = buy ? Math.max(1, budget - 3) : budget;
    let guard = 0;
    while (this.pageViews < browse && guard++ < 60) this.step();
    let order: SessionResult["order"] = null;
    if (buy) order = this.purchase();
    else if (this.rng.chance(traits.cartRate)) this.abandonCart();
    return {
      events: this.events,
      pageViews: this.pageViews,
      startedAt: this.events[0]?.occurredAt ?? this.plan.startAt,
      lastSeenAt: this.t,
      landingPath: this.landingPath,
      order,
      loginAt: this.loginAt,
    };
  }

  // ---- event plumbing ----

  private emit(
    type: string,
    extra: {
      productId?: string | null;
      categoryId?: string | null;
      valueCents?: number | null;
      payload?: Record<string, unknown>;
    } = {},
  ): void {
    const { plan } = this;
    const seq = plan.eventSeq;
    this.events.push({
      eventId: `e-${seq.key}-${(seq.n++).toString(36)}`,
      visitorId: plan.visitorId,
      sessionId: plan.sessionId,
      type,
      occurredAt: this.t,
      receivedAt: this.t + this.latency,
      path: this.page.path,
      pageType: this.page.type,
      productId: extra.productId ?? this.page.product?.id ?? null,
      categoryId: extra.categoryId ?? this.page.categoryId,
      channel: plan.channel,
      device: plan.device,
      valueCents: extra.valueCents ?? null,
      payload: extra.payload ?? {},
    });
  }

  /** A few seconds pass for an action on the same page. */
  private pause(minSec: number, maxSec: number): void {
    this.t += this.rng.int(minSec * 1000, maxSec * 1000);
  }

  private open(page: Page, payload: Record<string, unknown> = {}): void {
    if (this.pageViews > 0) this.pause(this.plan.traits.dwell[0], this.plan.traits.dwell[1]);
    else this.t += this.rng.int(300, 2500);
    this.page = page;
    this.pageViews++;
    this.emit("page_view", { payload });
    const p = page.product;
    if (p) {
      this.t += this.rng.int(200, 1200);
      this.emit("product_view", {
        valueCents: p.priceCents,
        payload: { brand: p.brand, priceCents: p.priceCents, inStock: p.stock > 0 },
      });
      this.viewed.push(p);
    }
  }

  private openProduct(p: Product, source: string): void {
    const page: Page = {
      path: productPath(p.slug),
      type: "product",
      categoryId: p.categoryId,
      product: p,
      listed: [],
    };
    this.open(page, { source });
    const { traits } = this.plan;
    if (p.reviewCount > 0 && this.rng.chance(traits.reviewRate)) {
      this.pause(10, 60);
      this.emit("review_read", {
        payload: {
          reviews: Math.min(p.reviewCount, this.rng.int(2, 15)),
          sort: this.plan.persona === "humanistic" ? "most_helpful" : "newest",
        },
      });
    }
    const rivals = this.viewed.filter((q) => q.id !== p.id && kindOf(q) === kindOf(p));
    if (rivals.length > 0 && this.rng.chance(traits.compareRate)) {
      this.pause(5, 40);
      const ids = [p.id, ...new Set(rivals.slice(-3).map((q) => q.id))];
      this.emit("compare", { payload: { productIds: ids } });
    }
  }

  private openCategory(categoryId: string, extra: Record<string, unknown> = {}): void {
    const items = this.plan.catalog.index.byCategory.get(categoryId) ?? [];
    const page = (q: ListingQuery): Page => ({
      path: categoryPath(categoryId),
      type: "category",
      categoryId,
      product: null,
      listed: listingOf(this.plan.catalog, categoryId, q),
    });
    this.listing = EMPTY_LISTING;
    this.open(page(this.listing), extra);
    const { traits } = this.plan;
    if (this.rng.chance(traits.sortRate)) {
      const sort = this.rng.weighted(traits.sorts);
      this.pause(2, 10);
      this.emit("sort", { payload: { sort } });
      this.listing = { ...this.listing, sort };
      this.open(page(this.listing), { search: `?sort=${sort}` });
    }
    if (this.rng.chance(traits.filterRate)) {
      const count = this.rng.int(traits.filters[0], traits.filters[1]);
      for (let i = 0; i < count; i++) {
        const next = this.refine(categoryId, items);
        if (!next) break;
        this.pause(3, 20);
        this.emit("filter", { payload: next.payload });
        this.listing = next.query;
        const search = categoryPath(categoryId, this.listing).split("?")[1] ?? "";
        this.open(page(this.listing), { search: `?${search}` });
      }
    }
  }

  /** One more filter that still leaves something to see. */
  private refine(
    categoryId: string,
    items: Product[],
  ): { query: ListingQuery; payload: Record<string, unknown> } | null {
    const q = this.listing;
    const kind = this.rng.weighted([
      ["brand", 5],
      ["price", 4],
      ["stock", 2],
    ] as const);
    let query: ListingQuery;
    let value: string | number | boolean;
    if (kind === "brand") {
      const brand = this.rng.pick(brandsOf(items));
      query = { ...q, brands: [...new Set([...q.brands, brand])] };
      value = brand;
    } else if (kind === "price") {
      const prices = items.map((p) => p.priceCents / 100).sort((a, b) => a - b);
      const max =
        Math.ceil((prices[Math.floor(prices.length * this.rng.float(0.3, 0.8))] ?? 100) / 10) * 10;
      query = { ...q, maxEur: max };
      value = max;
    } else {
      query = { ...q, inStock: true };
      value = true;
    }
    if (listingOf(this.plan.catalog, categoryId, query).length === 0) return null;
    return {
      query,
      payload: {
        filter: kind,
        value,
        filters: {
          brand: query.brands,
          maxPrice: query.maxEur,
          inStock: query.inStock,
        },
      },
    };
  }

  // ---- the visit ----

  private land(): void {
    const { rng, plan } = this;
    const { campaign, channel, catalog } = plan;
    const inFocus = () => catalog.index.byCategory.get(this.focus) ?? [];
    const utm = campaign
      ? `?${new URLSearchParams({ utm_source: campaign.source, utm_medium: campaign.medium, utm_campaign: campaign.id })}`
      : "";
    const entry = { entry: true };
    if (campaign?.categoryId && campaign.categoryId !== this.focus) {
      // Campaigns pull people into their category; impulsive ones stay there.
      if (rng.chance(plan.persona === "spontaneous" ? 0.8 : 0.4)) this.focus = campaign.categoryId;
    }
    const r = rng.next();
    let landed = false;
    if (channel === "direct" && r < 0.7) {
      this.open(HOME, entry);
      landed = true;
    } else if (channel === "direct" && r < 0.82) {
      this.openBestsellers(entry);
      landed = true;
    } else if (
      (channel === "search" && r < 0.35) ||
      ((channel === "paid" || channel === "email") && r < 0.45) ||
      (channel === "referral" && r < 0.3)
    ) {
      this.openCategory(campaign?.categoryId ?? this.focus, entry);
      landed = true;
    } else if (campaign?.source === "newsletter" || (channel === "search" && r > 0.85)) {
      this.open(HOME, entry);
      landed = true;
    }
    if (!landed) this.openProduct(this.pickFrom(inFocus()), "landing");
    this.landingPath = this.firstPath() + utm;
  }

  private firstPath(): string {
    const first = this.events[0];
    const search = (first?.payload as { search?: string } | undefined)?.search ?? "";
    return (first?.path ?? "/") + search;
  }

  private step(): void {
    const { rng, plan } = this;
    const weights = plan.traits.steps.map(([step, w]): [Step, number] => {
      // Listings and search results are there to be clicked.
      if (step === "product" && this.page.listed.length > 0) return [step, w * 2.5];
      return [step, w];
    });
    switch (rng.weighted(weights)) {
      case "category":
        this.openCategory(
          rng.chance(0.9) ? this.focus : rng.pick([...plan.catalog.index.byCategory.keys()]),
        );
        return;
      case "product":
        this.viewNextProduct();
        return;
      case "search":
        this.search();
        return;
      case "bestsellers":
        this.openBestsellers();
        return;
      case "home":
        this.open(HOME);
        return;
      case "promo":
        this.clickPromo();
        return;
      case "faq":
        this.readFaq();
        return;
    }
  }

  private viewNextProduct(): void {
    const { rng, plan } = this;
    const { catalog } = plan;
    const current = this.page.product;
    // Returning buyers look for what goes with what they bought.
    if (plan.owned.length > 0 && this.viewed.length === 0 && rng.chance(0.6)) {
      const extras = plan.owned.flatMap((p) => catalog.index.accessoriesOf.get(p.id) ?? []);
      if (extras.length > 0) return this.openProduct(this.pickFrom(extras), "owned-accessory");
    }
    if (this.page.listed.length > 0) {
      // Higher in the list, more clicks: position bias on top of the item's appeal.
      const top = this.page.listed.slice(0, 12);
      const appeal = plan.catalog.appeal[plan.persona];
      const pick = rng.pickBy(
        top.map((p, i) => [p, i] as const),
        ([p, i]) => (appeal.get(p.id) ?? 1) / Math.pow(i + 1, 0.8),
      )[0];
      return this.openProduct(pick, this.page.type === "search" ? "search" : this.page.type);
    }
    if (current) {
      const r = rng.next();
      const companions = companionsOf(catalog, current);
      if (r < 0.25 && companions.length > 0) {
        return this.openProduct(this.pickFrom(companions), "companion");
      }
      if (r < 0.85) return this.openProduct(this.pickFrom(similarTo(catalog, current)), "similar");
    }
    this.openProduct(this.pickFrom(catalog.index.byCategory.get(this.focus) ?? []), "browse");
  }

  private pickFrom(items: Product[]): Product {
    const appeal = this.plan.catalog.appeal[this.plan.persona];
    return this.rng.pickBy(items, (p) => appeal.get(p.id) ?? 1);
  }

  private search(): void {
    const { rng, plan } = this;
    const target = this.pickFrom(plan.catalog.index.byCategory.get(this.focus) ?? []);
    const query = queryFor(rng, target, plan.persona);
    const results = searchOf(plan.catalog, query);
    this.open(
      { path: "/search", type: "search", categoryId: null, product: null, listed: results },
      { search: searchPath(query).slice("/search".length) },
    );
    this.t += rng.int(100, 600);
    this.emit("search", { payload: { query, results: results.length } });
  }

  private openBestsellers(extra: Record<string, unknown> = {}): void {
    const list = this.plan.catalog.bestsellers;
    // The ranked list, nudged toward what this visitor came for.
    const listed = [...list].sort(
      (a, b) => Number(b.categoryId === this.focus) - Number(a.categoryId === this.focus),
    );
    this.open(
      { path: "/bestsellers", type: "bestsellers", categoryId: null, product: null, listed },
      extra,
    );
  }

  private clickPromo(): void {
    const { rng, plan } = this;
    const promo = rng.pickBy(PROMOS, (p) => (p.categoryId === this.focus ? 3 : 1));
    const slot = this.page.type === "home" ? "hero" : "promo-banner";
    this.pause(1, 8);
    this.emit("promo_click", {
      categoryId: promo.categoryId,
      payload: { promoId: promo.id, slot },
    });
    if (plan.persona === "spontaneous" || rng.chance(0.5)) this.focus = promo.categoryId;
    this.openCategory(promo.categoryId, { promoId: promo.id });
  }

  private readFaq(): void {
    const { rng } = this;
    this.open({ path: "/faq", type: "faq", categoryId: null, product: null, listed: [] });
    const questions = rng.sample(
      FAQ.map((f) => f.id),
      rng.int(1, 3),
    );
    for (const question of questions) {
      this.pause(3, 30);
      this.emit("faq_open", { payload: { question } });
    }
  }

  private login(): void {
    const customer = this.plan.customer;
    if (!customer || customer.loggedIn) return;
    this.pause(5, 30);
    this.emit("login", {
      payload: {
        method: this.rng.weighted([
          ["password", 6],
          ["google", 3],
          ["apple", 1],
        ] as const),
      },
    });
    customer.loggedIn = true;
    this.loginAt = this.t;
  }

  private addToCart(p: Product, quantity: number): void {
    if (this.page.product?.id !== p.id) this.openProduct(p, "cart-intent");
    this.pause(2, 20);
    this.cart.set(p.id, (this.cart.get(p.id) ?? 0) + quantity);
    this.emit("add_to_cart", {
      productId: p.id,
      categoryId: p.categoryId,
      valueCents: p.priceCents * quantity,
      payload: { quantity, unitPriceCents: p.priceCents },
    });
  }

  private removeFromCart(p: Product): void {
    const quantity = this.cart.get(p.id);
    if (!quantity) return;
    this.pause(3, 15);
    this.cart.delete(p.id);
    this.emit("remove_from_cart", {
      productId: p.id,
      categoryId: p.categoryId,
      valueCents: p.priceCents * quantity,
      payload: { quantity },
    });
  }

  private openCart(): void {
    this.open(
      { path: "/cart", type: "cart", categoryId: null, product: null, listed: [] },
      { items: this.cart.size },
    );
  }

  /** The product this visit buys: what they looked at most, or what goes with past buys. */
  private chooseTarget(): Product | null {
    const { rng, plan } = this;
    const { catalog } = plan;
    const available = (items: Product[]) => items.filter((p) => p.stock > 0);
    if (plan.owned.length > 0 && !plan.isGift && rng.chance(0.5)) {
      const extras = available(
        plan.owned.flatMap((p) => catalog.index.accessoriesOf.get(p.id) ?? []),
      );
      if (extras.length > 0) return this.pickFrom(extras);
    }
    const seen = available(this.viewed.filter((p) => p.categoryId === this.focus));
    if (seen.length > 0) {
      // Looked at more than once, more likely bought.
      const counts = new Map<string, number>();
      for (const p of seen) counts.set(p.id, (counts.get(p.id) ?? 0) + 1);
      return rng.pickBy(seen, (p) => counts.get(p.id) ?? 1);
    }
    const pool = available(catalog.index.byCategory.get(this.focus) ?? []);
    return pool.length > 0 ? this.pickFrom(pool) : null;
  }

  private purchase(): SessionResult["order"] {
    const { rng, plan } = this;
    const target = this.chooseTarget();
    if (!target) return null;
    if (plan.persona === "methodical" && rng.chance(0.3)) {
      // Adds a rival too, then decides in the cart.
      const rival = similarTo(plan.catalog, target).find((p) => p.stock > 0);
      if (rival) this.addToCart(rival, 1);
    }
    this.addToCart(target, quantityFor(rng, target));
    const accessories = (plan.catalog.index.accessoriesOf.get(target.id) ?? []).filter(
      (p) => p.stock > 0,
    );
    if (accessories.length > 0 && rng.chance(plan.traits.accessoryRate)) {
      const extra = this.pickFrom(accessories);
      this.openProduct(extra, "accessories");
      this.addToCart(extra, quantityFor(rng, extra));
    }
    this.openCart();
    for (const id of [...this.cart.keys()]) {
      const p = plan.catalog.index.byId.get(id);
      if (p && p.id !== target.id && kindOf(p) === kindOf(target)) this.removeFromCart(p);
    }
    this.open({ path: "/checkout", type: "checkout", categoryId: null, product: null, listed: [] });
    this.login();
    const steps: [number, string, Record<string, unknown>][] = [
      [1, "address", { giftWrap: plan.isGift }],
      [
        2,
        "shipping",
        {
          option: rng.weighted([
            ["standard", 6],
            ["express", 2],
            ["locker", 4],
          ] as const),
        },
      ],
      [
        3,
        "payment",
        {
          option: rng.weighted([
            ["card", 5],
            ["paypal", 3],
            ["blik", 3],
            ["apple_pay", 2],
            ["pay_later", 1],
          ] as const),
        },
      ],
    ];
    for (const [step, name, extra] of steps) {
      this.pause(10, 60);
      this.emit("checkout_step", { payload: { step, name, ...extra } });
    }
    const orderId = plan.newOrderId();
    const lines: OrderLineRow[] = [...this.cart].map(([productId, quantity], i) => ({
      orderId,
      lineNo: i + 1,
      productId,
      quantity,
      unitPriceCents: plan.catalog.index.byId.get(productId)?.priceCents ?? 0,
    }));
    const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    this.open({
      path: orderPath(orderId),
      type: "order",
      categoryId: null,
      product: null,
      listed: [],
    });
    this.t += rng.int(100, 500);
    this.emit("purchase", {
      valueCents: totalCents,
      payload: {
        orderId,
        totalCents,
        currency: "EUR",
        isGift: plan.isGift,
        lines: lines.map((l) => ({
          productId: l.productId,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
        })),
      },
    });
    const customerId = plan.customer?.loggedIn ? plan.customer.id : null;
    return {
      order: {
        id: orderId,
        visitorId: plan.visitorId,
        customerId,
        sessionId: plan.sessionId,
        totalCents,
        currency: "EUR",
        isGift: plan.isGift,
        createdAt: this.t,
      },
      lines,
    };
  }

  /** Puts something in the cart and leaves: the carts the journey engine should rescue. */
  private abandonCart(): void {
    const { rng } = this;
    const candidates = this.viewed.filter((p) => p.stock > 0);
    const p =
      this.page.product && this.page.product.stock > 0 ? this.page.product : candidates.at(-1);
    if (!p) return;
    this.addToCart(p, 1);
    if (!rng.chance(0.5)) return;
    this.openCart();
    if (rng.chance(0.3)) {
      this.removeFromCart(p);
      return;
    }
    if (rng.chance(0.35)) {
      this.open({
        path: "/checkout",
        type: "checkout",
        categoryId: null,
        product: null,
        listed: [],
      });
      this.pause(10, 60);
      this.emit("checkout_step", { payload: { step: 1, name: "address", giftWrap: false } });
    }
  }
}

/** Consumables and socks come in twos and threes; everything else one at a time. */
function quantityFor(rng: Rng, p: Product): number {
  const kind = kindOf(p);
  if (kind === "running-socks" || kind.endsWith("-care"))
    return rng.weighted([
      [1, 5],
      [2, 3],
      [3, 1],
    ] as const);
  return rng.chance(0.04) ? 2 : 1;
}

/** A query like people type: brand, model, kind and an attribute, sometimes misspelt. */
function queryFor(rng: Rng, p: Product, persona: Persona): string {
  const words = p.name.toLowerCase().split(/\s+/);
  const brand = p.brand.toLowerCase();
  const model = words[brand.split(" ").length] ?? "";
  const kindWord = p.tags[1] ?? kindOf(p);
  const attribute = rng.pick(p.tags.slice(2).length > 0 ? p.tags.slice(2) : [kindWord]);
  const query =
    persona === "methodical"
      ? `${kindWord} ${attribute}`
      : persona === "competitive"
        ? `${brand} ${model}`
        : persona === "humanistic"
          ? kindWord
          : rng.pick([brand, `${brand} ${model}`, kindWord]);
  if (rng.chance(0.03) && query.length > 4) {
    const at = rng.int(1, query.length - 2);
    return query.slice(0, at) + query.slice(at + 1);
  }
  return query.trim();
}
