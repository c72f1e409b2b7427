import { describe, expect, it } from "vitest";
import { accumulate, addCounts, emptyCounts, type Counts } from "./cooccurrence.ts";
import type { Interaction, Level } from "./interactions.ts";
import { interactionsOf } from "./interactions.ts";
import { buildModel, neighboursOf, trainFromInteractions, type CatalogFacts } from "./model.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let clock = 0;
const x = (
  visitor: string,
  item: string,
  level: Level = 0,
  at = (clock += 60_000),
): Interaction => ({
  visitor,
  item,
  at,
  level,
});
const ids = (pairs: [string, number][]) => pairs.map(([id]) => id);
const catalog = (...items: string[]): CatalogFacts[] =>
  items.map((id) => ({ id, priceCents: 1000, accessoryFor: [] }));

/** Every pair weight and item count, keyed by ids, for comparing two accumulations. */
function snapshot(c: Counts): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  c.pairs.forEach((a, b, v, ca, bu) => {
    const [p, q] = [c.index.ids[a]!, c.index.ids[b]!].sort();
    out[`${p}+${q}`] = [v, ca, bu].map((w) => Math.round(w * 1e6) / 1e6);
  });
  c.index.ids.forEach((id, i) => {
    out[id] = [0, 1, 2].map((ch) => Math.round(c.items.get(i, ch) * 1e6) / 1e6);
  });
  return out;
}

/** Same pairs and items; weights equal up to float32 rounding (sums in another order). */
function expectSameCounts(a: Record<string, number[]>, b: Record<string, number[]>): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [key, w] of Object.entries(a))
    w.forEach((v, c) => expect(v, `${key}[${c}]`).toBeCloseTo(b[key]![c]!, 4));
}

describe("trainer on a tiny known data set", () => {
  // Four visitors: A and B are looked at together twice, A and C once, D alone.
  // v1 buys A and B together; v5 buys phone P with case K.
  const log = [
    x("v1", "A"),
    x("v1", "B"),
    x("v1", "A", 2),
    x("v1", "B", 2),
    x("v2", "A"),
    x("v2", "B"),
    x("v3", "A"),
    x("v3", "C"),
    x("v4", "D"),
    x("v5", "P", 2),
    x("v5", "K", 2),
  ];
  const products: CatalogFacts[] = [
    ...catalog("A", "B", "C", "D"),
    { id: "P", priceCents: 80_000, accessoryFor: [] },
    { id: "K", priceCents: 2_000, accessoryFor: ["P"] },
    { id: "S", priceCents: 1_500, accessoryFor: ["P"] },
  ];
  // A half-life of centuries: no decay, so the expected weights are plain counts.
  const model = trainFromInteractions(log, products, {
    neighbours: { k: 10, beta: 0.5, minWeight: 0 },
    ease: null,
    cooccurrence: { halfLifeMs: 1e15, windowMs: [DAY, DAY, DAY], maxPartners: 10 },
  });

  it("ranks co-viewed items by damped co-occurrence", () => {
    // A-B co-occur in 2 visitors (cosine 2/sqrt(3*2)), A-C in 1 (1/sqrt(3*1)).
    expect(ids(neighboursOf(model, "similar", "A"))).toEqual(["B", "C"]);
    const [[, b], [, c]] = neighboursOf(model, "similar", "A") as [
      [string, number],
      [string, number],
    ];
    expect(b).toBe(1);
    expect(c).toBeCloseTo(1 / Math.sqrt(3) / (2 / Math.sqrt(6)), 5);
    expect(ids(neighboursOf(model, "similar", "C"))).toEqual(["A"]);
    expect(neighboursOf(model, "similar", "D")).toEqual([]);
  });

  it("keeps bought-together pairs apart from merely co-viewed ones", () => {
    expect(ids(neighboursOf(model, "together", "A"))).toEqual(["B"]);
    expect(neighboursOf(model, "together", "C")).toEqual([]);
  });

  it("lists declared accessories, the one bought with the product first", () => {
    expect(ids(neighboursOf(model, "accessories", "P"))).toEqual(["K", "S"]);
    expect(neighboursOf(model, "accessories", "K")).toEqual([]);
  });

  it("counts a product viewed many times in one window once per visitor", () => {
    const counts = emptyCounts();
    const at = [0, 1, 2, 3, 4];
    const items = ["A", "B", "A", "B", "A"];
    accumulate(
      counts,
      [],
      items.map((item, i) => x("v", item, 0, at[i])),
      0,
    );
    expect(snapshot(counts)).toMatchObject({ "A+B": [1, 0, 0], A: [1, 0, 0], B: [1, 0, 0] });
    // Outside the co-view window the visitor's interest counts again.
    accumulate(counts, [], [x("w", "A", 0, 0), x("w", "B", 0, 10 * DAY)], 0);
    expect(snapshot(counts)["A+B"]![0]).toBeCloseTo(1, 6);
  });

  it("weighs recent co-occurrences more (forward decay)", () => {
    const counts = emptyCounts();
    const halfLifeMs = 10 * DAY;
    const opts = {
      halfLifeMs,
      windowMs: [DAY, DAY, DAY] as [number, number, number],
      maxPartners: 10,
    };
    accumulate(counts, [], [x("old", "A", 0, 0), x("old", "B", 0, 1)], 0, opts);
    accumulate(counts, [], [x("new", "A", 0, 10 * DAY), x("new", "C", 0, 10 * DAY + 1)], 0, opts);
    const s = snapshot(counts);
    expect(s["A+C"]![0]! / s["A+B"]![0]!).toBeCloseTo(2, 3);
  });

  it("gives the same counts whether events come in one run or split across runs", () => {
    const events = [
      x("a", "A"),
      x("b", "B"),
      x("a", "B", 1),
      x("b", "C"),
      x("a", "C", 2),
      x("b", "A", 2),
      x("a", "A"),
      x("c", "C"),
      x("b", "D", 2),
    ];
    const once = emptyCounts();
    accumulate(once, [], events, 0);
    for (const cut of [1, 3, 5, 8]) {
      const split = emptyCounts();
      accumulate(split, [], events.slice(0, cut), 0);
      // The next run reads the same visitors' earlier events as prior history.
      accumulate(split, events.slice(0, cut), events.slice(cut), 0);
      expectSameCounts(snapshot(split), snapshot(once));
    }
  });

  it("subtracts a batch's increments exactly", () => {
    const base = emptyCounts();
    accumulate(base, [], log, 0);
    const extra = emptyCounts();
    accumulate(extra, log, [x("v3", "B"), x("v9", "C"), x("v9", "D")], 0);
    const both = emptyCounts();
    addCounts(both, base);
    addCounts(both, extra);
    addCounts(both, extra, -1);
    const clean = Object.fromEntries(
      Object.entries(snapshot(both)).filter(([, w]) => w.some((v) => Math.abs(v) > 1e-6)),
    );
    expectSameCounts(clean, snapshot(base));
  });

  it("learns EASE neighbours that separate two item groups", () => {
    // Two tastes: {E, F, G} and {H, I}; E and F almost always together.
    const events: Interaction[] = [];
    for (let v = 0; v < 30; v++) {
      const group = v % 2 ? ["E", "F", v % 3 ? "G" : "F"] : ["H", "I"];
      for (const item of group) events.push(x(`u${v}`, item));
    }
    const m = trainFromInteractions(events, catalog("E", "F", "G", "H", "I"), {
      neighbours: { k: 5, beta: 0.5, minWeight: 0 },
      ease: { maxItems: 10, lambda: 0.2, k: 5 },
    });
    expect(m.info.easeItems).toBe(5);
    expect(ids(neighboursOf(m, "personal", "E"))[0]).toBe("F");
    expect(ids(neighboursOf(m, "personal", "H"))).toEqual(["I"]);
  });

  it("builds lists for catalog products nobody touched yet", () => {
    const m = buildModel(emptyCounts(), products, { version: "1", createdAt: 0 });
    expect(m.idOf(m.indexOf("S")!)).toBe("S");
    expect(ids(neighboursOf(m, "accessories", "P"))).toEqual(["K", "S"]);
  });
});

describe("interactionsOf", () => {
  it("reads views, cart adds and each product of a purchase", () => {
    const row = (type: string, productId: string | null, payload: unknown = {}) => ({
      visitorId: "v",
      type,
      occurredAt: 5,
      productId,
      payload,
    });
    expect(interactionsOf(row("product_view", "A"))).toEqual([
      { visitor: "v", item: "A", at: 5, level: 0 },
    ]);
    expect(interactionsOf(row("add_to_cart", "A"))[0]?.level).toBe(1);
    const lines = [{ productId: "A" }, { productId: "B" }, { productId: "A" }, { bad: 1 }];
    expect(interactionsOf(row("purchase", null, { lines })).map((i) => [i.item, i.level])).toEqual([
      ["A", 2],
      ["B", 2],
    ]);
    expect(interactionsOf(row("page_view", "A"))).toEqual([]);
    expect(interactionsOf(row("purchase", null, "not json"))).toEqual([]);
  });
});
