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
