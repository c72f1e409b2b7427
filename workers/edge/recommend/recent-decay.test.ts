import { describe, expect, it } from "vitest";
import type { Interaction } from "./interactions.ts";
import { trainFromInteractions } from "./model.ts";
import { recommend, type ScoreRequest } from "./score.ts";

// a pairs with a2 (strongly), b pairs with b2 and b3 (each weaker than a-a2).
const log: Interaction[] = [];
let t = 0;
const visit = (v: string, items: string[]) =>
  items.forEach((item) => log.push({ visitor: v, item, at: (t += 1000), level: 0 }));
for (let i = 0; i < 6; i++) visit(`a${i}`, ["a", "a2"]);
for (let i = 0; i < 3; i++) visit(`b${i}`, ["b", "b2", "b3"]);
const model = trainFromInteractions(log, [], {
  neighbours: { k: 10, beta: 0.5, minWeight: 0 },
  ease: null,
});
const facts = () => ({ name: "", categoryId: "", stock: 1 });
const request = (recentDecay?: number): ScoreRequest => ({
  slot: "recommended",
  current: null,
  // a is the most recent, b further back.
  recent: ["a", "x1", "x2", "x3", "x4", "x5", "b"],
  cart: [],
  purchased: [],
  affinity: {},
  category: null,
  limit: 3,
  recentDecay,
});
const top = (decay?: number) =>
  recommend({ model, facts, popularIn: () => [], popular: [] }, request(decay)).map((r) => r.id);

describe("recentDecay", () => {
  it("defaults to the edge's 0.85 and lets older session items count more when raised", () => {
    // 0.85^6 = 0.38: b's neighbours rank below a's.
    expect(top()[0]).toBe("a2");
    expect(top(0.85)).toEqual(top());
    // No decay: b counts at full weight.
    const flat = recommend({ model, facts, popularIn: () => [], popular: [] }, request(1));
    const weakDecay = recommend({ model, facts, popularIn: () => [], popular: [] }, request(0.85));
    const bScore = (rs: typeof flat) => rs.find((r) => r.id === "b2")?.score ?? 0;
    // b is 6 steps back: 1 / 0.85^6 = 2.66 times the weight (less the popularity tie-break).
    const ratio = bScore(flat) / bScore(weakDecay);
    expect(ratio).toBeGreaterThan(2.5);
    expect(ratio).toBeLessThan(2.7);
  });
});

describe("recentDecay from the model", () => {
  const withDecay = (recentDecay: number) =>
    trainFromInteractions(log, [], {
      neighbours: { k: 10, beta: 0.5, minWeight: 0 },
      ease: null,
      recentDecay,
    });
  const b2 = (m: typeof model, decay?: number) =>
    recommend({ model: m, facts, popularIn: () => [], popular: [] }, request(decay)).find(
      (r) => r.id === "b2",
    )?.score ?? 0;

  it("applies the decay the trainer recorded in the model when the request names none", () => {
    const tuned = withDecay(1);
    expect(tuned.info.recentDecay).toBe(1);
    // Same scores as asking for decay 1 explicitly, and b's neighbours gain over the default.
    expect(b2(tuned)).toBeCloseTo(b2(model, 1), 6);
    expect(b2(tuned) / b2(model)).toBeGreaterThan(2.5);
    // The request still wins over the model (the offline evaluation's grid).
    expect(b2(tuned, 0.85)).toBeCloseTo(b2(model), 6);
  });

  it("ignores a recorded decay that is not a usable weight", () => {
    for (const bad of [NaN, 0, -1, 3])
      expect(b2({ ...model, info: { ...model.info, recentDecay: bad } })).toBeCloseTo(b2(model), 6);
  });
});

describe("purchase anchors", () => {
  // Thirty one-off purchases, then p30 (the oldest) paired with q: only q's link to p30 says q.
  const buys: Interaction[] = [];
  let at = 0;
  for (let i = 0; i < 6; i++)
    for (const item of ["p30", "q"])
      buys.push({ visitor: `q${i}`, item, at: (at += 1000), level: 2 });
  for (let i = 0; i < 30; i++)
    buys.push({ visitor: `f${i}`, item: `p${i}`, at: (at += 1000), level: 2 });
  const m = trainFromInteractions(buys, [], {
    neighbours: { k: 10, beta: 0.5, minWeight: 0 },
    ease: null,
  });
  const purchased = [...Array.from({ length: 30 }, (_, i) => `p${i}`), "p30"];
  const qScore = (model: typeof m, purchaseDecay?: number) =>
    recommend(
      { model, facts, popularIn: () => [], popular: [] },
      {
        slot: "recommended",
        current: null,
        recent: [],
        cart: [],
        purchased,
        affinity: {},
        category: null,
        limit: 5,
        purchaseDecay,
      },
    ).find((r) => r.id === "q")?.score ?? 0;

  it("anchors on a regular customer's 31st most recent purchase, weighted by the model's decay", () => {
    // Beyond the 20 anchors of the recently viewed list, the purchase still counts.
    expect(qScore(m)).toBeGreaterThan(0.5 * 0.9 ** 30 * 0.9);
    // A tuned model with no purchase decay weighs it as the newest.
    const flat = { ...m, info: { ...m.info, purchaseDecay: 1 } };
    // 1 / 0.9^30 times the weight, less the popularity tie-break.
    const ratio = qScore(flat) / qScore(m);
    expect(ratio).toBeGreaterThan(0.95 / 0.9 ** 30);
    expect(ratio).toBeLessThan(1.01 / 0.9 ** 30);
    expect(qScore(flat, 0.9)).toBeCloseTo(qScore(m), 6);
  });
});
