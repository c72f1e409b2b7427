import { describe, expect, it } from "vitest";
import { CorruptModelError, decodeModel, encodeModel, verifyModel } from "./codec.ts";
import type { Interaction } from "./interactions.ts";
import {
  LIST_NAMES,
  modelOf,
  neighboursOf,
  trainFromInteractions,
  type CatalogFacts,
} from "./model.ts";
import { recommend, type ItemFacts, type ScoreContext, type ScoreRequest } from "./score.ts";

// Watches w1..w4 (w3 sold out), straps s1 (fits w1), shoes r1, r2.
const facts: Record<string, ItemFacts> = {
  w1: { name: "Watch One", categoryId: "watches", stock: 5 },
  w2: { name: "Watch Two", categoryId: "watches", stock: 5 },
  w3: { name: "Watch Three", categoryId: "watches", stock: 0 },
  w4: { name: "Watch Four", categoryId: "watches", stock: 5 },
  s1: { name: "Strap", categoryId: "straps", stock: 5 },
  r1: { name: "Shoe One", categoryId: "running", stock: 5 },
  r2: { name: "Shoe Two", categoryId: "running", stock: 5 },
};
const catalog: CatalogFacts[] = Object.keys(facts).map((id) => ({
  id,
  priceCents: id.startsWith("s") ? 1500 : 20_000,
  accessoryFor: id === "s1" ? ["w1"] : [],
}));
let t = 0;
const log: Interaction[] = [];
const visit = (v: string, items: string[], level: 0 | 2 = 0) =>
  items.forEach((item) => log.push({ visitor: v, item, at: (t += 1000), level }));
for (let i = 0; i < 6; i++) visit(`a${i}`, ["w1", "w2", "w3", "w4"]);
for (let i = 0; i < 4; i++) visit(`b${i}`, ["w1", "r1"]);
visit("c", ["w1", "s1"], 2);
visit("d", ["r1", "r2"]);
const model = trainFromInteractions(log, catalog, {
  neighbours: { k: 10, beta: 0.5, minWeight: 0 },
  ease: null,
});
const popular = ["r2", "w3", "r1", "w2", "w1", "s1"];
const ctx = (m = model): ScoreContext => ({
  model: m,
  facts: (id) => facts[id],
  popularIn: (c) => popular.filter((id) => facts[id]?.categoryId === c),
  popular,
});
const req = (extra: Partial<ScoreRequest>): ScoreRequest => ({
  slot: "recommended",
  current: null,
  recent: [],
  cart: [],
  purchased: [],
  affinity: {},
  category: null,
  limit: 4,
  ...extra,
});

describe("recommend", () => {
  it("shows similar products with a reason, never the page's product or sold-out ones", () => {
    const out = recommend(ctx(), req({ slot: "similar", current: "w1", limit: 2 }));
    // w4 was viewed a little later than w2 in every visit, so decay ranks it first.
    expect(out.map((r) => r.id)).toEqual(["w4", "w2"]);
    expect(out[0]?.reason).toBe("Often viewed with Watch One");
  });

  it("recommends from the session's recent items, explains which one, skips what was seen", () => {
    const out = recommend(ctx(), req({ recent: ["r2", "w2"], limit: 3 }));
    expect(out.map((r) => r.id)).not.toContain("w2");
    expect(out[0]).toMatchObject({ id: "r1", reason: "Because you viewed Shoe Two" });
    expect(out.map((r) => r.id)).not.toContain("w3");
  });

  it("diversifies across categories", () => {
    // Hand-made model: from x, three items of category A (1.0, 0.9, 0.8) and one of B (0.7).
    const items = ["x", "a1", "a2", "a3", "b1"];
    const empty = {
      offsets: new Uint32Array(6),
      idx: new Uint32Array(0),
      weight: new Float32Array(0),
    };
    const personal = {
      offsets: new Uint32Array([0, 4, 4, 4, 4, 4]),
      idx: new Uint32Array([1, 2, 3, 4]),
      weight: new Float32Array([1, 0.9, 0.8, 0.7]),
    };
    const hand = modelOf(items, {
      version: "hand",
      createdAt: 0,
      lists: { similar: empty, together: empty, accessories: empty, personal },
      popularity: new Float32Array(5),
      info: { easeItems: 0, pairs: 0 },
    });
    const cat = (id: string): ItemFacts => ({ name: id, categoryId: id[0]!, stock: 1 });
    const c: ScoreContext = { model: hand, facts: cat, popularIn: () => [], popular: [] };
    // A second A item keeps 0.7 of its score: a2 (0.63) loses to b1 (0.7), then beats a3 (0.56).
    expect(recommend(c, req({ recent: ["x"], limit: 3 })).map((r) => r.id)).toEqual([
      "a1",
      "b1",
      "a2",
    ]);
    // "Similar" lists are meant to stay in the category: no diversification there.
    const similarHand = { ...hand, lists: { ...hand.lists, similar: personal } };
    const s = recommend(
      { ...c, model: similarHand },
      req({ slot: "similar", current: "x", limit: 3 }),
    );
    expect(s.map((r) => r.id)).toEqual(["a1", "a2", "a3"]);
  });

  it("completes a purchase with the cart's accessories and never what is in the cart", () => {
    const out = recommend(ctx(), req({ slot: "completePurchase", cart: ["w1"] }));
    expect(out[0]).toMatchObject({ id: "s1", reason: "Goes with Watch One in your cart" });
    expect(out.map((r) => r.id)).not.toContain("w1");
  });

  it("offers accessories for what was bought, not the bought items again", () => {
    const out = recommend(ctx(), req({ slot: "accessories", purchased: ["w1"] }));
    expect(out[0]?.id).toBe("s1");
    expect(
      recommend(ctx(), req({ slot: "accessories", purchased: ["s1", "w1"] })).map((r) => r.id),
    ).not.toContain("s1");
  });

  it("falls back to popular products in the visitor's categories without a model", () => {
    const out = recommend(ctx(null as never), req({ affinity: { running: 0.9, watches: 0.1 } }));
    expect(out.map((r) => r.id)).toEqual(["r2", "r1", "w2", "w1"]);
    expect(out.every((r) => r.reason === null)).toBe(true);
  });

  it("fills a new visitor's similar list from the product's category", () => {
    const out = recommend(
      ctx(null as never),
      req({ slot: "similar", current: "w1", category: "watches" }),
    );
    expect(out.map((r) => r.id)).toEqual(["w2"]);
  });
});

describe("model codec", () => {
  const ids = Object.keys(facts);
  /** One shard's words, to damage in place. */
  const wordsOf = (shards: ArrayBuffer[]) => new Uint32Array(shards[0]!);

  it("round-trips a model through small shards", () => {
    const { manifest, shards } = encodeModel(model, { recall: 0.5 }, 64);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.every((s) => s.byteLength <= 64)).toBe(true);
    const back = decodeModel(JSON.parse(JSON.stringify(manifest)), shards);
    for (const list of LIST_NAMES)
      for (const id of ids)
        expect(neighboursOf(back, list, id)).toEqual(neighboursOf(model, list, id));
    expect([...back.popularity]).toEqual([...model.popularity]);
    expect(back.size).toBe(model.size);
    for (const id of ids) expect(back.idOf(back.indexOf(id)!)).toBe(id);
    expect(back.indexOf("not-in-the-model")).toBeUndefined();
    expect(back.idOf(model.size)).toBeUndefined();
    expect(() => verifyModel(back)).not.toThrow();
  });

  it("reads a one-shard model in place and finds ids in any script", () => {
    const names = ["zegarek-ż", "時計", "w1"];
    const named = trainFromInteractions(
      [],
      names.map((id) => ({ id, priceCents: 100, accessoryFor: [] })),
    );
    const { manifest, shards } = encodeModel(named);
    expect(shards).toHaveLength(1);
    const back = decodeModel(manifest, shards);
    expect(back.popularity.buffer).toBe(shards[0]);
    expect(names.map((id) => back.indexOf(id))).toEqual(names.map((id) => named.indexOf(id)));
    expect(names.map((id) => back.idOf(back.indexOf(id)!))).toEqual(names);
  });

  it("refuses models whose sizes show them missing, truncated or mixed up", () => {
    const { manifest, shards } = encodeModel(model, {}, 64);
    expect(() => decodeModel(null, shards)).toThrow(CorruptModelError);
    expect(() => decodeModel({ ...manifest, format: 1 }, shards)).toThrow(/format/);
    expect(() => decodeModel(manifest, shards.slice(1))).toThrow(CorruptModelError);
    expect(() => decodeModel(manifest, [...shards.slice(0, -1), null])).toThrow(CorruptModelError);
    const short = [...shards.slice(0, -1), shards.at(-1)!.slice(4)];
    expect(() => decodeModel(manifest, short)).toThrow(CorruptModelError);
    expect(() => decodeModel({ ...manifest, items: manifest.items + 1 }, shards)).toThrow(/sizes/);
  });

  it("never reads a damaged entry as a neighbour, and verifyModel finds it", () => {
    const { manifest, shards } = encodeModel(model);
    const n = manifest.items;
    const words = wordsOf(shards);
    const first = words[n + (n + 1)]!; // the first neighbour of the first list
    words[n + (n + 1)] = 999_999;
    const damaged = decodeModel(manifest, shards);
    // The item whose list starts at that first position.
    const { offsets } = model.lists.similar;
    const owner = model.idOf(offsets.findIndex((_, i) => offsets[i + 1]! > 0))!;
    const expected = neighboursOf(model, "similar", owner);
    expect(neighboursOf(damaged, "similar", owner)).toEqual(expected.slice(1));
    expect(() => verifyModel(damaged)).toThrow(/bad neighbour/);
    words[n + (n + 1)] = first;
    expect(() => verifyModel(decodeModel(manifest, shards))).not.toThrow();
  });

  it("never answers a lookup with the wrong item when the id table is damaged", () => {
    const { manifest, shards } = encodeModel(model);
    const { items: n, nnz, slots } = manifest;
    const tableAt = n + LIST_NAMES.reduce((s, l) => s + n + 1 + 2 * nnz[l], 0) + n + 1;
    const words = wordsOf(shards);
    // Every slot points at item 0: lookups of other ids miss, none returns item 0 for them.
    for (let s = 0; s < slots; s++) words[tableAt + s] = 1;
    const damaged = decodeModel(manifest, shards);
    const first = model.idOf(0)!;
    for (const id of ids) expect(damaged.indexOf(id)).toBe(id === first ? 0 : undefined);
    expect(() => verifyModel(damaged)).toThrow(/bad id/);
  });
});
