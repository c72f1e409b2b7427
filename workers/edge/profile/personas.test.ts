import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_NOW, generateCatalog } from "../../../seeds/catalog.ts";
import { generateHistories, type Histories } from "../../../seeds/histories.ts";
import type { TrackedEvent } from "../model/events.ts";
import { BUYER_MODES, type BuyerMode, type Profile } from "../model/profile.ts";
import { toProfile } from "./build.ts";
import { foldEvents } from "./fold.ts";
import type { ProductLookup } from "./products.ts";
import { fromSeedRow, seedLookup } from "../../../seeds/seed-events.ts";
import { emptyProfileState, type ProfileState } from "./state.ts";

/**
 * The seeds' generator plays visitors of each buyer mode (seeds/personas.ts); their persona is
 * ground truth the events never carry. The builder must find it from behaviour alone.
 */
let h: Histories;
let products: ProductLookup;
let visitors: { id: string; persona: string; state: ProfileState; profile: Profile }[];

type Matrix = Record<string, Record<BuyerMode | "none", number>>;

function confusion(rows: { persona: string; topMode: BuyerMode | null }[]): Matrix {
  const m: Matrix = {};
  for (const r of rows) {
    const row = (m[r.persona] ??= {
      competitive: 0,
      methodical: 0,
      spontaneous: 0,
      humanistic: 0,
      none: 0,
    });
    row[r.topMode ?? "none"]++;
  }
  return m;
}

const total = (row: Record<string, number>) => Object.values(row).reduce((a, b) => a + b, 0);

function show(title: string, m: Matrix): void {
  const cols = [...BUYER_MODES, "none"] as const;
  const lines = [`${title}\npersona      ${cols.map((c) => c.padStart(12)).join("")}   recall`];
  for (const persona of [...BUYER_MODES, "gift"]) {
    const row = m[persona];
    if (!row) continue;
    const recall = persona === "gift" ? "" : (row[persona as BuyerMode] / total(row)).toFixed(3);
    lines.push(
      `${persona.padEnd(12)} ${cols.map((c) => String(row[c]).padStart(12)).join("")}   ${recall}`,
    );
  }
  console.info(lines.join("\n"));
}

function byVisitor(events: Histories["events"], keep: (e: TrackedEvent) => TrackedEvent | null) {
  const out = new Map<string, TrackedEvent[]>();
  for (const row of events) {
    const e = keep(fromSeedRow(row));
    if (!e) continue;
    const list = out.get(row.visitorId) ?? [];
    list.push(e);
    out.set(row.visitorId, list);
  }
  return out;
}

beforeAll(() => {
  const catalog = generateCatalog();
  h = generateHistories(catalog, { visitors: 3000 });
  products = seedLookup(catalog);
  visitors = [...byVisitor(h.events, (e) => e)].map(([id, events]) => {
    const state = foldEvents(emptyProfileState(id), events, products);
    return { id, persona: h.personaOf[id]!, state, profile: toProfile(state, DEFAULT_NOW) };
  });
});

describe("generated persona histories (3000 visitors, seed 42)", () => {
  it("for each mode, a clear majority of that persona's visitors get it as top mode", () => {
    const m = confusion(visitors.map((v) => ({ persona: v.persona, topMode: v.profile.topMode })));
    show("top mode by persona (all events)", m);
    for (const mode of BUYER_MODES) {
      const row = m[mode]!;
      expect(total(row), mode).toBeGreaterThan(400);
      expect(row[mode] / total(row), mode).toBeGreaterThanOrEqual(0.6);
    }
  });

  it("a named top mode is right most of the time (precision over the four mode personas)", () => {
    const named = visitors.filter((v) => v.persona !== "gift" && v.profile.topMode);
    for (const mode of BUYER_MODES) {
      const claimed = named.filter((v) => v.profile.topMode === mode);
      const right = claimed.filter((v) => v.persona === mode);
      expect(right.length / claimed.length, mode).toBeGreaterThanOrEqual(0.8);
    }
  });

  it("every explanation names the evidence of the top mode", () => {
    for (const v of visitors.filter((x) => x.profile.topMode)) {
      const mode = v.profile.topMode!;
      expect(v.profile.explain!.startsWith(`${mode} `)).toBe(true);
      expect(v.profile.modeEvidence?.[mode]?.length).toBeGreaterThan(0);
    }
  });

  it("flags the gift persona's gift orders as gift buyers, and nobody else", () => {
    const giftOrders = new Set(h.orders.filter((o) => o.isGift).map((o) => o.visitorId));
    expect(giftOrders.size).toBeGreaterThan(10);
    const flagged = visitors.filter((v) => v.profile.segments.includes("gift_buyer"));
    const right = flagged.filter((v) => giftOrders.has(v.id));
    expect(right.length / giftOrders.size).toBeGreaterThanOrEqual(0.9);
    expect(flagged.length - right.length).toBeLessThanOrEqual(visitors.length * 0.01);
  });

  it("counts orders and spend like the seeded orders table", () => {
    for (const v of visitors) {
      const orders = h.orders.filter((o) => o.visitorId === v.id);
      expect(v.profile.orderCount).toBe(orders.length);
      expect(v.profile.totalSpentCents).toBe(orders.reduce((a, o) => a + o.totalCents, 0));
      expect(v.profile.valueTier === "none").toBe(orders.length === 0);
    }
  });

  it("keeps every state and KV profile small", () => {
    const stateBytes = Math.max(...visitors.map((v) => JSON.stringify(v.state).length));
    const profileBytes = Math.max(...visitors.map((v) => JSON.stringify(v.profile).length));
    console.info(`largest state ${stateBytes} B, largest KV profile ${profileBytes} B`);
    expect(stateBytes).toBeLessThan(8_000);
    expect(profileBytes).toBeLessThan(2_000);
  });

  it("from what the proxy alone records, methodical and competitive visitors still show", () => {
    // The proxy sees page views (with the full URL) and the tracker's cart submits; reviews,
    // promo clicks and comparisons need the shop's tracker to report them.
    const proxy = byVisitor(h.events, (e): TrackedEvent | null => {
      if (e.type === "page_view") {
        const search = typeof e.data.search === "string" ? e.data.search : "";
        return { ...e, path: `${e.path ?? ""}${search}`, data: {} };
      }
      if (e.type === "add_to_cart" || e.type === "remove_from_cart") {
        return { ...e, data: { quantity: 1 } };
      }
      return null;
    });
    const rows = [...proxy].map(([id, events]) => ({
      persona: h.personaOf[id]!,
      topMode: toProfile(foldEvents(emptyProfileState(id), events, products), DEFAULT_NOW).topMode,
    }));
    const m = confusion(rows);
    show("top mode by persona (proxy page views + tracker carts only)", m);
    for (const mode of ["methodical", "competitive"] as const) {
      expect(m[mode]![mode] / total(m[mode]!), mode).toBeGreaterThanOrEqual(0.6);
    }
  });
});
