/**
 * Every dashboard query against an independent computation: the rows are read through drizzle
 * (plain selects, no SQL aggregation) and the figure is worked out again in TypeScript. Pure
 * analysis modules (attribution weights, experiment statistics, click-through intervals) have
 * their own tests; here they only turn independently gathered rows into the same report shape.
 * Other test files write to the same Turso meanwhile, so each comparison uses a query result
 * read between two identical snapshots of the tables.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  consents,
  customers,
  events,
  experiments,
  exposures,
  identities,
  orders,
  sessions,
  visitors,
} from "../../../../schema/index.ts";
import { createDb } from "../../db/client.ts";
import { HOLDOUT_EXPERIMENT } from "../../decide/index.ts";
import { settingsOf } from "../../settings.ts";
import { DEFAULT_ATTRIBUTION } from "../attribution/attribution.ts";
import {
  analyzeExperiment,
  type ExperimentSpec,
  type OutcomeEvent,
} from "../experiments/analyze.ts";
import { botVisitors, type ExposureRecord } from "../experiments/exposures.ts";
import { attributionReport } from "./attribution-query.ts";
import { customerView } from "./customer-view-query.ts";
import { experimentReport, listExperiments } from "./experiment-results.ts";
import { overview, type Range } from "./overview-query.ts";
import { slotPerformance } from "./recommendations-query.ts";
import { segmentSizes } from "./segments-query.ts";

const db = createDb(settingsOf(env));
const DAY = 86_400_000;

const TABLES = {
  visitors,
  sessions,
  orders,
  events,
  exposures,
  consents,
  customers,
  identities,
  experiments,
};
type TableName = keyof typeof TABLES;

/** The tables' rows, as drizzle reads them; only `only` when given (the others come back empty). */
async function readAll(only: TableName[] = Object.keys(TABLES) as TableName[]) {
  const read = async <K extends TableName>(name: K) =>
    only.includes(name) ? await db.select().from(TABLES[name] as (typeof TABLES)[K]) : [];
  const [v, s, o, e, x, c, cu, id, ex] = await Promise.all([
    read("visitors"),
    read("sessions"),
    read("orders"),
    read("events"),
    read("exposures"),
    read("consents"),
    read("customers"),
    read("identities"),
    read("experiments"),
  ]);
  return {
    visitors: v as (typeof visitors.$inferSelect)[],
    sessions: s as (typeof sessions.$inferSelect)[],
    orders: o as (typeof orders.$inferSelect)[],
    events: e as (typeof events.$inferSelect)[],
    exposures: x as (typeof exposures.$inferSelect)[],
    consents: c as (typeof consents.$inferSelect)[],
    customers: cu as (typeof customers.$inferSelect)[],
    identities: id as (typeof identities.$inferSelect)[],
    experiments: ex as (typeof experiments.$inferSelect)[],
  };
}
type Rows = Awaited<ReturnType<typeof readAll>>;

// Row sets compared without regard to the order the engine returned them in.
const fingerprint = (rows: Rows) =>
  Object.values(rows)
    .map((table) =>
      (table as unknown[])
        .map((r) => JSON.stringify(r))
        .sort()
        .join("\n"),
    )
    .join("\n\n");

/**
 * `query`'s result with the rows (of `tables`) it was computed from: retried until no one
 * wrote to them meanwhile.
 */
async function stable<T>(
  query: () => Promise<T>,
  tables?: TableName[],
): Promise<{ rows: Rows; result: T }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const before = await readAll(tables);
    const result = await query();
    const after = await readAll(tables);
    if (fingerprint(before) === fingerprint(after)) return { rows: after, result };
  }
  throw new Error("Turso kept changing under the query; no stable reading");
}

const inRange = (t: number, r: Range) => t >= r.from && t <= r.to;

/**
 * A range cut from the seeded data itself (no calendar in the test): from a quarter into the
 * visits to three days after the last one, so it starts mid-history and ends on empty days.
 */
async function rangeFromData(): Promise<Range> {
  const all = await db.select({ at: sessions.startedAt }).from(sessions);
  const times = all.map((s) => s.at);
  const first = Math.min(...times);
  const last = Math.max(...times);
  expect(last - first).toBeGreaterThan(7 * DAY);
  return { from: Math.round(first + (last - first) / 4), to: last + 3 * DAY + 1234 };
}

/** Counts as the segments query returns them: largest first, then by key. */
function sortedCounts(map: Map<string, number>) {
  return [...map]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}
function tally(keys: Iterable<string>) {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

describe("dashboard queries against figures recomputed from the rows", () => {
  it("overview: head figures and one row per calendar day, zeros on days without data", async () => {
    const range = await rangeFromData();
    const { rows, result } = await stable(
      () => overview(db, range),
      ["visitors", "sessions", "orders", "events", "exposures", "consents"],
    );
    const visits = rows.sessions.filter((s) => inRange(s.startedAt, range));
    const sold = rows.orders.filter((o) => inRange(o.createdAt, range));

    const personalized = new Set<string>();
    for (const x of rows.exposures)
      if (x.experimentId === HOLDOUT_EXPERIMENT && x.variant === "personalized")
        personalized.add(x.visitorId);
    for (const e of rows.events) {
      const list = e.type === "page_view" ? e.payload.exposures : undefined;
      if (!Array.isArray(list)) continue;
      for (const x of list as { experiment?: unknown; arm?: unknown }[])
        if (x?.experiment === HOLDOUT_EXPERIMENT && x?.arm === "personalized")
          personalized.add(e.visitorId);
    }
    const latestConsent = new Map<string, (typeof rows.consents)[number]>();
    for (const c of rows.consents) {
      const seen = latestConsent.get(c.visitorId);
      if (!seen || c.id > seen.id) latestConsent.set(c.visitorId, c);
    }
    const consenting = [...latestConsent.values()].filter((c) => c.personalization).length;
    const activeVisitors = new Set(visits.map((s) => s.visitorId));

    const days: typeof result.daily = [];
    for (let d = Math.floor(range.from / DAY); d <= Math.floor(range.to / DAY); d++) {
      const onDay = (t: number) => Math.floor(t / DAY) === d;
      const dayVisits = visits.filter((s) => onDay(s.startedAt));
      const dayOrders = sold.filter((o) => onDay(o.createdAt));
      days.push({
        day: d * DAY,
        visitors: new Set(dayVisits.map((s) => s.visitorId)).size,
        sessions: dayVisits.length,
        orders: dayOrders.length,
        revenueCents: dayOrders.reduce((n, o) => n + o.totalCents, 0),
      });
    }
    // The range ends on days without visits: the series must carry them as zeros.
    expect(days.at(-1)!.sessions).toBe(0);
    expect(visits.length).toBeGreaterThan(0);

    expect(result).toEqual({
      knownVisitors: rows.visitors.length,
      activeVisitors: activeVisitors.size,
      sessions: visits.length,
      personalizedVisitors: [...activeVisitors].filter((v) => personalized.has(v)).length,
      consentShare: latestConsent.size ? consenting / latestConsent.size : 0,
      orders: sold.length,
      buyers: new Set(sold.map((o) => o.customerId ?? o.visitorId)).size,
      revenueCents: sold.reduce((n, o) => n + o.totalCents, 0),
      daily: days,
    });
  });

  it("segments: each segment once, with the number of visitors whose profile lists it", async () => {
    const range = await rangeFromData();
    const { rows, result } = await stable(
      () => segmentSizes(db, range),
      ["visitors", "sessions", "orders", "customers"],
    );
    const visits = rows.sessions.filter((s) => inRange(s.startedAt, range));
    const field = (name: string) =>
      sortedCounts(
        tally(
          rows.visitors.map((v) => {
            const value = v.profile?.[name];
            return value === undefined || value === null ? "(no profile yet)" : String(value);
          }),
        ),
      );
    const segments = tally(
      rows.visitors.flatMap((v) => {
        const list = v.profile?.segments;
        return Array.isArray(list) ? [...new Set(list.map(String))] : [];
      }),
    );
    // Several distinct segments: a grouping on anything but the segment name cannot match.
    expect(segments.size).toBeGreaterThan(1);
    const customerSegments = tally(
      rows.customers.flatMap((c) =>
        Object.entries(c.segment ?? {})
          .filter(([, v]) => typeof v === "string")
          .map(([k, v]) => `${k}: ${v as string}`),
      ),
    );
    const devices = new Map<string, Set<string>>();
    for (const s of visits)
      devices.set(s.device, (devices.get(s.device) ?? new Set()).add(s.visitorId));
    const giftBuyers = new Set(
      rows.orders
        .filter((o) => o.isGift && inRange(o.createdAt, range))
        .map((o) => o.customerId ?? o.visitorId),
    );

    expect(result).toEqual({
      buyerModes: field("topMode"),
      segments: sortedCounts(segments),
      lifecycles: field("lifecycle"),
      valueTiers: field("valueTier"),
      customerSegments: sortedCounts(customerSegments),
      devices: sortedCounts(new Map([...devices].map(([d, set]) => [d, set.size]))),
      channels: sortedCounts(tally(visits.map((s) => s.channel))),
      giftBuyers: giftBuyers.size,
    });
    const names = result.segments.map((s) => s.key);
    expect(new Set(names).size).toBe(names.length);
  });

  it("attribution: orders, revenue, last and first click per channel, cross-device journeys", async () => {
    const range = await rangeFromData();
    // A customer's journey over two devices, one linked by login and one by its visitor row,
    // whose first visit lies in the look-back window but before the range.
    const tag = `q-oracle-${crypto.randomUUID()}`;
    const [a, b, customer] = [`${tag}-a`, `${tag}-b`, `${tag}-c`];
    const visit = (id: string, visitorId: string, at: number, channel: string, device: string) => ({
      id,
      visitorId,
      startedAt: at,
      lastSeenAt: at,
      channel,
      device,
      landingPath: "/",
    });
    await db
      .insert(customers)
      .values({ id: customer, createdAt: range.from, lastSeenAt: range.from });
    await db
      .insert(identities)
      .values({ customerId: customer, visitorId: a, linkedAt: range.from });
    await db.insert(visitors).values({
      id: b,
      customerId: customer,
      firstSeenAt: range.from,
      lastSeenAt: range.from,
      updatedAt: range.from,
    });
    await db
      .insert(sessions)
      .values([
        visit(`${tag}-s1`, a, range.from - 10 * DAY, `${tag}-email`, "desktop"),
        visit(`${tag}-s2`, b, range.from + 3_600_000, `${tag}-social`, "mobile"),
      ]);
    await db.insert(orders).values({
      id: `${tag}-o`,
      visitorId: b,
      totalCents: 12_345,
      createdAt: range.from + 7_200_000,
    });
    const { rows, result } = await stable(
      () => attributionReport(db, range),
      ["visitors", "sessions", "orders", "identities"],
    );
    const sold = rows.orders.filter((o) => inRange(o.createdAt, range));
    // A person: the customer a visitor is linked to (by login, visitor row or order), else the visitor.
    const customerOf = new Map<string, string>();
    for (const l of rows.identities) customerOf.set(l.visitorId, l.customerId);
    for (const v of rows.visitors) if (v.customerId) customerOf.set(v.id, v.customerId);
    for (const o of sold) if (o.customerId) customerOf.set(o.visitorId, o.customerId);
    const personOf = (visitorId: string) => customerOf.get(visitorId) ?? visitorId;

    const lastClick = new Map<string, number>();
    const firstClick = new Map<string, number>();
    let crossDevice = 0;
    const credit = (m: Map<string, number>, k: string, cents: number) =>
      m.set(k, (m.get(k) ?? 0) + cents);
    for (const o of sold) {
      const person = o.customerId ?? personOf(o.visitorId);
      const touches = rows.sessions
        .filter(
          (s) =>
            personOf(s.visitorId) === person &&
            s.startedAt <= o.createdAt &&
            s.startedAt >= o.createdAt - DEFAULT_ATTRIBUTION.lookbackMs,
        )
        .sort((a, b) => a.startedAt - b.startedAt);
      credit(lastClick, touches.at(-1)?.channel ?? "(unknown)", o.totalCents);
      credit(firstClick, touches[0]?.channel ?? "(unknown)", o.totalCents);
      const spread = (k: (s: (typeof touches)[number]) => string) => new Set(touches.map(k)).size;
      if (spread((s) => s.device) > 1 || spread((s) => s.visitorId) > 1) crossDevice++;
    }
    expect(sold.length).toBeGreaterThan(0);
    expect(result.orders).toBe(sold.length);
    expect(result.totalCents).toBe(sold.reduce((n, o) => n + o.totalCents, 0));
    const column = (m: "last_click" | "first_click") =>
      new Map(result.byChannel.rows.filter((r) => r.cents[m] > 0).map((r) => [r.key, r.cents[m]]));
    expect(column("last_click")).toEqual(new Map([...lastClick].filter(([, c]) => c > 0)));
    expect(column("first_click")).toEqual(new Map([...firstClick].filter(([, c]) => c > 0)));
    expect(result.crossDevice.orders).toBe(crossDevice);
    // The fixture took the paths it was built for.
    expect(firstClick.get(`${tag}-email`)).toBe(12_345);
    expect(lastClick.get(`${tag}-social`)).toBe(12_345);
  });

  it("experiments: the listing and each experiment's per-arm figures from raw exposures and events", async () => {
    const { rows: listed, result: listing } = await stable(
      () => listExperiments(db, null),
      ["experiments", "events"],
    );
    const withArms = listed.experiments.filter(
      (e) =>
        Array.isArray(e.definition.arms) &&
        (e.definition.arms as { id?: unknown }[]).some((a) => typeof a?.id === "string"),
    );
    expect(listing.map((l) => l.id).sort()).toEqual(withArms.map((e) => e.id).sort());

    const holdout: ExperimentSpec = {
      id: HOLDOUT_EXPERIMENT,
      control: "holdout",
      arms: [
        { id: "holdout", weight: 0.05 },
        { id: "personalized", weight: 0.95 },
      ],
    };
    // An experiment of this test's own: a visitor known first from a page view (before the
    // exposure row), one in two arms, a flagged bot, and conversions on either side.
    const tag = `q-oracle-${crypto.randomUUID()}`;
    const t = Math.max(...listed.events.map((e) => e.occurredAt)) - 20 * DAY;
    const own: ExperimentSpec = {
      id: tag,
      control: "control",
      arms: [
        { id: "control", weight: 0.5 },
        { id: "b", weight: 0.5 },
      ],
    };
    const v = (n: number) => `${tag}-v${n}`;
    await db.insert(exposures).values([
      { experimentId: tag, visitorId: v(1), variant: "control", exposedAt: t },
      { experimentId: tag, visitorId: v(3), variant: "control", exposedAt: t },
      { experimentId: tag, visitorId: v(4), variant: "b", exposedAt: t },
    ]);
    let n = 0;
    const event = (
      visitorId: string,
      type: string,
      payload: Record<string, unknown>,
      at: number,
      valueCents?: number,
    ) => ({
      eventId: `${tag}-${++n}`,
      visitorId,
      type,
      occurredAt: at,
      receivedAt: at,
      payload,
      valueCents,
    });
    const seen = (arm: string) => ({ exposures: [{ experiment: tag, arm }] });
    await db
      .insert(events)
      .values([
        event(v(1), "page_view", seen("control"), t - 5000),
        event(v(1), "page_view", seen("control"), t + 5000),
        event(v(1), "purchase", {}, t - 1000, 2000),
        event(v(2), "page_view", { ...seen("b"), bot: true }, t),
        event(v(2), "purchase", {}, t + 1000, 9900),
        event(v(3), "page_view", seen("b"), t + 1000),
        event(v(4), "page_view", seen("b"), t + 1000),
        event(v(4), "add_to_cart", {}, t + 2000),
        event(v(4), "purchase", {}, t + 3000, 5000),
      ]);
    const specs = [holdout, own, ...listing];
    for (const spec of specs) {
      const until = Math.max(...listed.events.map((e) => e.occurredAt)) + 1;
      const goals = ["purchase", "add_to_cart"];
      const { rows, result: reports } = await stable(
        () => Promise.all(goals.map((goal) => experimentReport(db, spec, { goal, until }))),
        ["exposures", "events"],
      );
      for (const [g, goal] of goals.entries()) {
        const result = reports[g]!;
        const records: ExposureRecord[] = rows.exposures
          .filter((x) => x.experimentId === spec.id)
          .map((x) => ({
            experimentId: spec.id,
            visitorId: x.visitorId,
            arm: x.variant,
            at: x.exposedAt,
          }));
        for (const e of rows.events) {
          const list = e.type === "page_view" ? e.payload.exposures : undefined;
          if (!Array.isArray(list)) continue;
          for (const x of list as { experiment?: unknown; arm?: unknown }[])
            if (x?.experiment === spec.id)
              records.push({
                experimentId: spec.id,
                visitorId: e.visitorId,
                arm: String(x.arm),
                at: e.occurredAt,
              });
        }
        const exposed = new Set(records.map((r) => r.visitorId));
        const pageViews = new Map<string, number[]>();
        const flagged = new Set<string>();
        for (const e of rows.events) {
          if (e.type !== "page_view" || !exposed.has(e.visitorId)) continue;
          pageViews.set(e.visitorId, [...(pageViews.get(e.visitorId) ?? []), e.occurredAt]);
          if (e.payload.bot === true || e.payload.bot === 1) flagged.add(e.visitorId);
        }
        const bots = botVisitors(
          [...pageViews].map(([visitorId, times]) => ({
            visitorId,
            pageViews: times.length,
            firstAt: Math.min(...times),
            lastAt: Math.max(...times),
            flagged: flagged.has(visitorId),
          })),
        );
        const outcomes: OutcomeEvent[] = rows.events
          .filter((e) => exposed.has(e.visitorId) && (e.type === goal || e.type === "purchase"))
          .map((e) => ({
            visitorId: e.visitorId,
            type: e.type,
            at: e.occurredAt,
            valueCents: e.valueCents ?? 0,
          }));
        const expected = analyzeExperiment(spec, records, outcomes, { goal, until, bots });
        const figures = (r: typeof result) => ({
          exposures: r.exposures,
          arms: r.arms.map((a) => [a.arm, a.visitors, a.converters, a.revenueCents]),
          timeline: r.timeline.map((t) => [t.at, ...t.arms.map((a) => a.visitors)]),
        });
        expect(figures(result), `${spec.id} / ${goal}`).toEqual(figures(expected));
        if (spec.id === HOLDOUT_EXPERIMENT) expect(result.exposures.counted).toBeGreaterThan(0);
        if (spec.id === tag) {
          expect(expected.exposures).toMatchObject({ counted: 2, crossovers: 1, bots: 1 });
          expect(expected.arms.map((a) => [a.arm, a.converters, a.revenueCents])).toEqual([
            ["control", goal === "purchase" ? 1 : 0, 2000],
            ["b", 1, 5000],
          ]);
        }
      }
    }
  });

  it("recommendations: impressions and clicks per slot variant in the range", async () => {
    const times = (await db.select({ at: events.occurredAt }).from(events)).map((e) => e.at);
    const range = { from: Math.min(...times), to: Math.max(...times) + DAY };
    // Slot impressions and clicks of this test's own, among whatever the seeds and others wrote.
    const tag = `q-oracle-${crypto.randomUUID()}`;
    const at = range.to - DAY / 2;
    const event = (n: number, type: string, payload: Record<string, unknown>) => ({
      eventId: `${tag}-${n}`,
      visitorId: tag,
      type,
      occurredAt: at + n,
      receivedAt: at + n,
      payload,
    });
    await db.insert(events).values([
      event(1, "page_view", {
        slots: [
          { slot: tag, variant: "a" },
          { slot: tag, variant: "b" },
        ],
      }),
      event(2, "page_view", { slots: [{ slot: tag, variant: "a" }, { slot: tag }] }),
      event(3, "slot_click", { slot: tag, variant: "a" }),
      event(4, "slot_click", { slot: tag, variant: "b" }),
      event(5, "slot_click", { variant: "a" }),
      // Outside the range: not counted.
      {
        ...event(6, "page_view", { slots: [{ slot: tag, variant: "a" }] }),
        occurredAt: range.to + 1,
      },
    ]);
    const { rows, result } = await stable(() => slotPerformance(db, range), ["events"]);
    const key = (slot: unknown, variant: unknown) =>
      `${slot == null ? "(unknown)" : String(slot)} / ${variant == null ? "(unknown)" : String(variant)}`;
    const shown = new Map<string, number>();
    const clicked = new Map<string, number>();
    for (const e of rows.events) {
      if (!inRange(e.occurredAt, range)) continue;
      if (e.type === "page_view" && Array.isArray(e.payload.slots))
        for (const s of e.payload.slots as { slot?: unknown; variant?: unknown }[])
          shown.set(key(s?.slot, s?.variant), (shown.get(key(s?.slot, s?.variant)) ?? 0) + 1);
      if (e.type === "slot_click") {
        const k = key(e.payload.slot, e.payload.variant);
        clicked.set(k, (clicked.get(k) ?? 0) + 1);
      }
    }
    expect(shown.get(`${tag} / a`)).toBe(2);
    const expected = [...new Set([...shown.keys(), ...clicked.keys()])]
      .map((k) => [k, shown.get(k) ?? 0, clicked.get(k) ?? 0] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    const got = result
      .map((r) => [`${r.slot} / ${r.variant}`, r.impressions, r.clicks] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    expect(got).toEqual(expected);
  });

  it("single customer view: every device, visit, order and consent of one customer", async () => {
    const all = await db.select().from(identities);
    const seeded = [...tally(all.map((l) => l.customerId))].find(([, n]) => n > 1)?.[0];
    expect(seeded).toBeDefined();
    // A customer of this test's own: two devices linked by login, one known only by its
    // visitor row, and an order placed under the customer id from yet another visitor id.
    const tag = `q-oracle-${crypto.randomUUID()}`;
    const own = `${tag}-c`;
    const t = Math.min(...all.map((l) => l.linkedAt));
    const d = (n: number) => `${tag}-d${n}`;
    await db.insert(customers).values({ id: own, createdAt: t, lastSeenAt: t });
    await db.insert(identities).values([
      { customerId: own, visitorId: d(1), linkedAt: t },
      { customerId: own, visitorId: d(2), linkedAt: t },
    ]);
    await db.insert(visitors).values([
      { id: d(1), firstSeenAt: t, lastSeenAt: t, updatedAt: t },
      { id: d(3), customerId: own, firstSeenAt: t, lastSeenAt: t, updatedAt: t },
    ]);
    await db.insert(sessions).values({
      id: `${tag}-s`,
      visitorId: d(3),
      startedAt: t,
      lastSeenAt: t,
      channel: "direct",
      device: "tablet",
      landingPath: "/",
    });
    await db.insert(orders).values([
      { id: `${tag}-o1`, visitorId: d(3), totalCents: 100, createdAt: t },
      {
        id: `${tag}-o2`,
        visitorId: `${tag}-guest`,
        customerId: own,
        totalCents: 200,
        createdAt: t,
      },
    ]);

    for (const customerId of [seeded!, own]) {
      const { rows, result } = await stable(() => customerView(db, customerId));
      const ids = new Set([
        ...rows.identities.filter((l) => l.customerId === customerId).map((l) => l.visitorId),
        ...rows.visitors.filter((v) => v.customerId === customerId).map((v) => v.id),
      ]);
      const theirs = <T extends { visitorId: string }>(list: T[]) =>
        list.filter((r) => ids.has(r.visitorId));
      const newest = <T>(list: T[], at: (r: T) => number) =>
        [...list].sort((a, b) => at(b) - at(a)).slice(0, 100);
      const view = result!;
      expect(view.customer!.id).toBe(customerId);
      expect(new Set(view.visitorIds)).toEqual(ids);
      expect(view.orders.map((o) => o.id).sort()).toEqual(
        newest(
          rows.orders.filter((o) => ids.has(o.visitorId) || o.customerId === customerId),
          (o) => o.createdAt,
        )
          .map((o) => o.id)
          .sort(),
      );
      expect(view.sessions.map((s) => s.id).sort()).toEqual(
        newest(theirs(rows.sessions), (s) => s.startedAt)
          .map((s) => s.id)
          .sort(),
      );
      expect(view.events.length).toBe(Math.min(100, theirs(rows.events).length));
      expect(view.consents.length).toBe(Math.min(100, theirs(rows.consents).length));
      expect(view.exposures.length).toBe(theirs(rows.exposures).length);
      // The same person from each of their devices and from one of their orders.
      for (const device of ids)
        expect(new Set((await customerView(db, device))!.visitorIds)).toEqual(ids);
      for (const order of view.orders.slice(0, 3))
        expect((await customerView(db, order.id))!.customer!.id).toBe(customerId);
      if (customerId === own) {
        expect(ids).toEqual(new Set([d(1), d(2), d(3)]));
        expect(view.orders).toHaveLength(2);
      }
    }
  });
});
