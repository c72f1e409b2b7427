import { describe, expect, it } from "vitest";
import { CorruptModelError, decodeModel, encodeModel } from "./codec.ts";
import type { Interaction } from "./interactions.ts";
import { neighboursOf, trainFromInteractions, type CatalogFacts } from "./model.ts";
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
    const hand = {
      version: "hand",
      createdAt: 0,
      items,
      index: new Map(items.map((id, i) => [id, i])),
      lists: { similar: empty, together: empty, accessories: empty, personal },
      popularity: new Float32Array(5),
      info: { easeItems: 0, pairs: 0 },
    };
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
  it("round-trips a model through small shards", () => {
    const { manifest, shards } = encodeModel(model, { recall: 0.5 }, 64);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.every((s) => s.byteLength <= 64)).toBe(true);
    const back = decodeModel(JSON.parse(JSON.stringify(manifest)), shards);
    for (const list of ["similar", "together", "personal", "accessories"] as const)
      for (const id of Object.keys(facts))
        expect(neighboursOf(back, list, id)).toEqual(neighboursOf(model, list, id));
    expect([...back.popularity]).toEqual([...model.popularity]);
  });

  it("refuses missing, truncated or tampered models", () => {
    const { manifest, shards } = encodeModel(model, {}, 64);
    expect(() => decodeModel(null, shards)).toThrow(CorruptModelError);
    expect(() => decodeModel(manifest, shards.slice(1))).toThrow(CorruptModelError);
    expect(() => decodeModel(manifest, [...shards.slice(0, -1), null])).toThrow(CorruptModelError);
    const short = [...shards.slice(0, -1), shards.at(-1)!.slice(4)];
    expect(() => decodeModel(manifest, short)).toThrow(CorruptModelError);
    // An index pointing past the catalog.
    const whole = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    let at = 0;
    for (const s of shards) {
      whole.set(new Uint8Array(s), at);
      at += s.byteLength;
    }
    const n = manifest.items.length;
    const words = new Uint32Array(whole.buffer);
    words[n + (n + 1)] = 999_999; // first idx of the first list
    expect(() => decodeModel({ ...manifest, shards: 1 }, [whole.buffer])).toThrow(/bad neighbour/);
  });
});
