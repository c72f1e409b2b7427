import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../seeds/random.ts";
import type { LogEvent } from "./log-adapters.ts";
import {
  ease,
  itemKnn,
  personalPopularity,
  popularityOrder,
  recentPopularity,
  sessionKnn,
  vitrine,
  type Method,
} from "./methods.ts";
import type { Case, HistoryItem } from "./protocol.ts";

const DAY = 86_400_000;
const buy = (visitor: string, item: string, at: number): LogEvent => ({
  visitor,
  item,
  at,
  level: 2,
  basket: null,
  session: null,
});

// 20 visitors buy a and b together; 20 buy c and d; x is everywhere but alone and long ago.
const train: LogEvent[] = [];
for (let v = 0; v < 20; v++) {
  train.push(buy(`ab${v}`, "a", 10 * DAY + v), buy(`ab${v}`, "b", 10 * DAY + v));
  train.push(buy(`cd${v}`, "c", 10 * DAY + v), buy(`cd${v}`, "d", 10 * DAY + v));
  train.push(buy(`x${v}`, "x", DAY + v));
  if (v < 5) train.push(buy(`y${v}`, "y", 29 * DAY + v));
}
const hist = (items: [string, number[]][]): HistoryItem[] =>
  items.map(([item, boughtAt], i) => ({ item, at: 30 * DAY - i, level: 2, boughtAt }));
const caseOf = (history: HistoryItem[]): Case => ({
  visitor: "q",
  at: 30 * DAY,
  history,
  target: [],
  repeat: [],
  explore: [],
});
const top = (m: Method, c: Case) =>
  [...m.build(train, m.grid[0]!)(c)].sort((x, y) => y[1] - x[1]).map(([id]) => id);

describe("baselines", () => {
  it("collaborative baselines find the item bought with the history's", () => {
    const c = caseOf(hist([["a", [29 * DAY]]]));
    // History items may score too (each list filters them the same way for every method).
    for (const m of [itemKnn, ease(100), sessionKnn])
      expect(top(m, c).filter((id) => id !== "a")[0], m.name).toBe("b");
    expect(
      top(vitrine({ easeMaxItems: 100, halfLifeDays: 30, windowDays: [7, 14, 120] }), c),
    ).toContain("b");
  });

  it("item-kNN weighs recent history more, like Vitrine", () => {
    const c = caseOf(
      hist([
        ["c", []],
        ["a", []],
      ]),
    );
    expect(top(itemKnn, c)[0]).toBe("d");
    expect(
      top({ ...itemKnn, grid: [{ decay: 1 }] }, c)
        .slice(0, 2)
        .sort(),
    ).toEqual(["b", "d"]);
  });

  it("popularity counts buyers; recent popularity only the last days", () => {
    expect(popularityOrder(train).slice(0, 5)).toEqual(["a", "b", "c", "d", "x"]);
    expect(top({ ...recentPopularity, grid: [{ days: 7 }] }, caseOf([]))).toEqual(["y"]);
  });

  it("personal popularity ranks the visitor's items by how often they bought them", () => {
    const c = caseOf(
      hist([
        ["once", [29 * DAY]],
        ["twice", [1 * DAY, 2 * DAY]],
      ]),
    );
    expect(top(personalPopularity, c)).toEqual(["twice", "once"]);
  });
});

describe("Vitrine as shipped", () => {
  // Shoppers browse 3 items of one of 20 clusters (with popular noise items in between) over
  // three weeks; every second one comes back a week later for a 4th item of the cluster.
  const rnd = mulberry32(2);
  const log: LogEvent[] = [];
  const view = (visitor: string, item: string, at: number): LogEvent => ({
    visitor,
    item,
    at,
    level: 0,
    basket: null,
    session: null,
  });
  for (let v = 0; v < 400; v++) {
    const items = Array.from({ length: 6 }, (_, j) => `c${v % 20}-${j}`).sort(() => rnd() - 0.5);
    let at = rnd() * 20 * DAY;
    for (let j = 0; j < 3; j++) {
      log.push(view(`v${v}`, items[j]!, (at += 60_000)));
      if (rnd() < 0.5) log.push(view(`v${v}`, `n${Math.floor(rnd() * 30)}`, (at += 60_000)));
    }
    if (v % 2) log.push(view(`v${v}`, items[3]!, 27 * DAY + v * 60_000));
  }
  const options = { easeMaxItems: 100, halfLifeDays: 30, windowDays: [7, 14, 120] as const };

  it("builds with what the trainer's self-tuning picks on the same training events", () => {
    const shipped = vitrine({ ...options, windowDays: [7, 14, 120] });
    const chosen = shipped.selfChosen!(log);
    expect(chosen.selfTuneCases).toBeGreaterThan(50);
    // Not the defaults: the check below would pass without the tuning otherwise.
    expect([chosen.easeLambda, chosen.decay, chosen.purchaseDecay]).not.toEqual([0.5, 0.85, 0.9]);
    const c = caseOf([
      { item: "c3-0", at: 29 * DAY, level: 0, boughtAt: [] },
      { item: "c3-1", at: 29 * DAY - 1, level: 0, boughtAt: [] },
    ]);
    const blend = shipped.grid[0]!;
    const tuned = vitrine({ ...options, windowDays: [7, 14, 120], tune: true });
    expect(tuned).not.toHaveProperty("selfChosen");
    const scores = (m: Method, p: Record<string, number>) => [...m.build(log, p)(c)];
    // Same scores as the tuned row asked for exactly those values, not as for the defaults.
    expect(scores(shipped, blend)).toEqual(scores(tuned, { ...blend, ...chosen }));
    expect(scores(shipped, blend)).not.toEqual(
      scores(tuned, { ...blend, easeLambda: 0.5, decay: 0.85, purchaseDecay: 0.9 }),
    );
  });
});
