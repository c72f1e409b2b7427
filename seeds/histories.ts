import type { consents, customers, identities, sessions, visitors } from "../schema/index.ts";
import { indexCatalog, type Product } from "./catalog-index.ts";
import type { CategoryId } from "./catalog-specs.ts";
import { DEFAULT_NOW, DEFAULT_SEED, type Catalog } from "./catalog.ts";
import { PERSONAS, TRAITS, type Persona } from "./personas.ts";
import { createRng, type Rng } from "./random.ts";
import {
  simulateSession,
  type EventRow,
  type OrderLineRow,
  type OrderRow,
  type SessionPlan,
} from "./session-sim.ts";
import { shopperCatalog, type ShopperCatalog } from "./shopper-catalog.ts";
import {
  CATEGORY_INTEREST,
  COUNTRIES,
  GIFT_CATEGORIES,
  occasionsBetween,
  pickCampaign,
  referrerFor,
  timeOnDay,
  type Channel,
  type Device,
} from "./traffic.ts";

export type { EventRow, OrderLineRow, OrderRow } from "./session-sim.ts";
export type { Persona } from "./personas.ts";
export type VisitorRow = typeof visitors.$inferInsert;
export type CustomerRow = typeof customers.$inferInsert;
export type IdentityRow = typeof identities.$inferInsert;
export type SessionRow = typeof sessions.$inferInsert;
export type ConsentRow = typeof consents.$inferInsert;

export type Histories = {
  visitors: VisitorRow[];
  customers: CustomerRow[];
  identities: IdentityRow[];
  sessions: SessionRow[];
  /** In ingestion order (by `receivedAt`), so the database's `seq` follows arrival. */
  events: EventRow[];
  orders: OrderRow[];
  orderLines: OrderLineRow[];
  consents: ConsentRow[];
  /** Ground truth for tests and offline evaluation; never part of any event. */
  personaOf: Record<string, Persona>;
};

export type HistoryOptions = { seed?: number; visitors?: number; now?: number; days?: number };

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Unique ids from a seeded stream: random-looking like real cookie values, never repeated. */
class Ids {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}
  next(prefix: string, length: number): string {
    for (;;) {
      const id = `${prefix}-${this.rng.hex(length)}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

type World = {
  catalog: ShopperCatalog;
  out: Histories;
  ids: Ids;
  from: number;
  to: number;
  occasions: { name: string; at: number }[];
};

/**
 * Visitor histories over the last `days` days: people in Eisenberg's buyer modes, gift
 * buyers and returning customers on several devices, with consent, sessions, events and
 * orders. Deterministic for a given seed, catalog and clock.
 */
export function generateHistories(catalog: Catalog, opts: HistoryOptions = {}): Histories {
  const seed = opts.seed ?? DEFAULT_SEED;
  const target = opts.visitors ?? 3000;
  const now = opts.now ?? DEFAULT_NOW;
  const days = opts.days ?? 60;
  const rng = createRng(seed).fork("histories");
  const from = now - days * DAY;
  // Visits end well before "now", so nothing is dated in the future.
  const to = now - 3 * HOUR;
  const world: World = {
    catalog: shopperCatalog(indexCatalog(catalog)),
    out: {
      visitors: [],
      customers: [],
      identities: [],
      sessions: [],
      events: [],
      orders: [],
      orderLines: [],
      consents: [],
      personaOf: {},
    },
    ids: new Ids(rng.fork("ids")),
    from,
    to,
    occasions: occasionsBetween(from + 7 * DAY, to),
  };
  // One generator per person: the first N people stay the same whatever the total.
  for (let i = 0; world.out.visitors.length < target; i++) {
    person(world, rng.fork(`person-${i}`), target - world.out.visitors.length);
  }
  const out = world.out;
  out.events.sort((a, b) => a.receivedAt - b.receivedAt);
  out.orders.sort((a, b) => a.createdAt - b.createdAt);
  out.consents.sort((a, b) => a.createdAt - b.createdAt);
  // Explicit ids make re-inserting the same seed a no-op.
  out.consents.forEach((c, i) => (c.id = i + 1));
  return out;
}

type DeviceSlot = {
  visitorId: string;
  device: Device;
  customer: { id: string; loggedIn: boolean } | null;
};

function person(world: World, rng: Rng, room: number): void {
  const { out, ids } = world;
  const persona = rng.weighted(PERSONAS.map((p) => [p, TRAITS[p].share] as const));
  const traits = TRAITS[persona];
  const country = rng.weighted(COUNTRIES);
  const primary = rng.weighted(CATEGORY_INTEREST);

  if (!rng.chance(0.88)) {
    // Declined personalization: the visitor and the consent record, nothing else.
    const visitorId = ids.next("v", 16);
    const at = timeOnDay(rng, rng.int(world.from, world.to - DAY));
    out.personaOf[visitorId] = persona;
    out.visitors.push(visitorRow(visitorId, null, at, at, 0));
    out.consents.push({
      visitorId,
      necessary: true,
      personalization: false,
      analytics: rng.chance(0.2),
      source: rng.chance(0.2) ? "gpc" : "banner",
      createdAt: at,
    });
    return;
  }

  const returning = rng.chance(traits.returningRate);
  const isCustomer = returning && rng.chance(0.45);
  const customerId = isCustomer ? ids.next("c", 16) : null;
  const deviceCount = Math.min(
    room,
    isCustomer
      ? rng.weighted([
          [1, 50],
          [2, 35],
          [3, 15],
        ] as const)
      : 1,
  );
  const firstDevice = rng.weighted(traits.devices);
  const kinds = [
    firstDevice,
    ...rng.shuffle((["mobile", "desktop", "tablet"] as const).filter((d) => d !== firstDevice)),
  ];
  const devices: DeviceSlot[] = kinds.slice(0, deviceCount).map((device) => ({
    visitorId: ids.next("v", 16),
    device,
    customer: customerId ? { id: customerId, loggedIn: false } : null,
  }));

  const sessionCount = Math.max(deviceCount, returning ? rng.int(2, 7) : rng.chance(0.1) ? 2 : 1);
  const giftCategory: CategoryId | null =
    persona === "gift" ? rng.weighted(GIFT_CATEGORIES.filter(([c]) => c !== primary)) : null;
  const starts = sessionStarts(world, rng, sessionCount, persona === "gift");
  const boost = (returning ? 1.8 : 1) * (isCustomer ? 2.5 : 1);
  const purchases = rng.chance(Math.min(0.9, traits.buyRate * boost))
    ? isCustomer && starts.length > 2 && rng.chance(0.35)
      ? 2
      : 1
    : 0;
  // People research first and buy later: purchases fall in the second half of their visits.
  const late = starts.map((_, i) => i).filter((i) => i >= Math.floor(starts.length / 2));
  const buyAt = new Set(rng.sample(late, purchases));
  const analytics = rng.chance(0.93);
  const eventSeqs = new Map(
    devices.map((d) => [d.visitorId, { key: d.visitorId.slice(2, 10), n: 0 }]),
  );
  const stats = new Map(devices.map((d) => [d.visitorId, { first: 0, last: 0, visits: 0 }]));
  const owned: Product[] = [];
  let lastEnd = 0;

  starts.forEach((start, i) => {
    const dev = i < devices.length ? devices[i]! : rng.pick(devices);
    const startAt = Math.max(start, lastEnd + rng.int(45, 240) * 60_000);
    if (startAt > world.to) return;
    const isGift = giftCategory !== null && (buyAt.has(i) || rng.chance(0.6));
    const focus: CategoryId = isGift
      ? giftCategory!
      : rng.chance(0.85)
        ? primary
        : rng.weighted(CATEGORY_INTEREST);
    const channel: Channel =
      i > 0 && rng.chance(0.5)
        ? rng.weighted([
            ["direct", 6],
            ["email", 4],
            ["search", 2],
          ] as const)
        : rng.weighted(traits.channels);
    const campaign =
      channel === "paid" || channel === "email" ? pickCampaign(rng, channel, startAt, focus) : null;
    const sessionId = world.ids.next("s", 12);
    const plan: SessionPlan = {
      rng,
      catalog: world.catalog,
      persona,
      traits,
      visitorId: dev.visitorId,
      eventSeq: eventSeqs.get(dev.visitorId)!,
      sessionId,
      startAt,
      channel,
      campaign,
      device: dev.device,
      focus,
      buy: buyAt.has(i),
      isGift: isGift && buyAt.has(i),
      customer: dev.customer,
      owned: [...owned],
      newOrderId: () => world.ids.next("o", 10),
    };
    const result = simulateSession(plan);
    lastEnd = result.lastSeenAt;
    out.events.push(...result.events);
    out.sessions.push({
      id: sessionId,
      visitorId: dev.visitorId,
      startedAt: result.startedAt,
      lastSeenAt: result.lastSeenAt,
      channel,
      campaign: campaign?.id ?? null,
      referrer: referrerFor(rng, channel, country, campaign?.source ?? null),
      device: dev.device,
      country,
      landingPath: result.landingPath,
      pageViews: result.pageViews,
    });
    const s = stats.get(dev.visitorId)!;
    if (s.visits === 0) {
      s.first = result.startedAt;
      // The banner answer is recorded as the first page loads, before any tracked event.
      out.consents.push({
        visitorId: dev.visitorId,
        necessary: true,
        personalization: true,
        analytics,
        source: "banner",
        createdAt: result.startedAt - rng.int(200, 1500),
      });
    }
    s.visits++;
    s.last = result.lastSeenAt;
    if (result.loginAt !== null && dev.customer) {
      out.identities.push({
        customerId: dev.customer.id,
        visitorId: dev.visitorId,
        linkedAt: result.loginAt,
      });
    }
    if (result.order) {
      out.orders.push(result.order.order);
      out.orderLines.push(...result.order.lines);
      for (const line of result.order.lines) {
        const p = world.catalog.index.byId.get(line.productId);
        if (p && !result.order.order.isGift) owned.push(p);
      }
    }
  });

  for (const dev of devices) {
    const s = stats.get(dev.visitorId)!;
    // A device whose only visits fell past the window never showed up: no row for it.
    if (s.visits === 0) continue;
    out.personaOf[dev.visitorId] = persona;
    const linked = dev.customer?.loggedIn ? dev.customer.id : null;
    out.visitors.push(visitorRow(dev.visitorId, linked, s.first, s.last, s.visits));
  }
  if (customerId) {
    const links = out.identities.filter((l) => l.customerId === customerId);
    if (links.length > 0) {
      const firstLogin = Math.min(...links.map((l) => l.linkedAt));
      const lastSeen = Math.max(...devices.map((d) => stats.get(d.visitorId)!.last));
      out.customers.push({
        id: customerId,
        // Accounts usually predate the window.
        createdAt: firstLogin - rng.int(0, 500) * DAY,
        lastSeenAt: lastSeen,
        segment: null,
      });
    }
  }
}

function visitorRow(
  id: string,
  customerId: string | null,
  first: number,
  last: number,
  visits: number,
): VisitorRow {
  return {
    id,
    customerId,
    firstSeenAt: first,
    lastSeenAt: last,
    visitCount: visits,
    profile: null,
    profileVersion: 0,
    updatedAt: last,
  };
}

/** Visit start times, sorted: spread over the window, or gathered before a gift occasion. */
function sessionStarts(world: World, rng: Rng, count: number, gift: boolean): number[] {
  const { from, to } = world;
  const occasion =
    gift && world.occasions.length > 0 && rng.chance(0.7) ? rng.pick(world.occasions) : null;
  const days: number[] = [];
  for (let i = 0; i < count; i++) {
    const day = occasion
      ? Math.max(from, occasion.at - rng.int(1, 12) * DAY)
      : rng.int(from, to - HOUR);
    days.push(timeOnDay(rng, day));
  }
  return days.map((t) => Math.min(t, to - HOUR)).sort((a, b) => a - b);
}
