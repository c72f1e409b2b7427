import { describe, expect, it } from "vitest";
import type { LogEvent } from "./log-adapters.ts";
import type { Method } from "./methods.ts";
import { listsFor, runProtocol } from "./next-basket.ts";
import type { Case } from "./protocol.ts";

const DAY = 86_400_000;

describe("listsFor", () => {
  const c: Case = {
    visitor: "v",
    at: 0,
    history: [
      { item: "seen", at: 2, level: 0, boughtAt: [] },
      { item: "old", at: 1, level: 2, boughtAt: [1] },
      { item: "older", at: 0, level: 2, boughtAt: [0] },
    ],
    target: [],
    repeat: [],
    explore: [],
  };

  it("applies the same exclusions to every method and fills from the shared popularity order", () => {
    const scores = new Map([
      ["seen", 3],
      ["old", 2],
      ["new", 1],
    ]);
    const l = listsFor(scores, c, ["pop", "older", "new"], 10);
    expect(l.next).toEqual(["seen", "old", "new", "pop", "older"]);
    expect(l.explore).toEqual(["new", "pop"]);
    expect(l.again).toEqual(["old", "older"]);
    // A method that scores nothing still gets every bought item in its buy-again list.
    expect(listsFor(new Map(), c, ["pop"], 10).again).toEqual(["old", "older"]);
  });
});

describe("runProtocol", () => {
  // Each visitor buys one item per week; the item bought next is always "next-<item>".
  const events: LogEvent[] = [];
  for (let v = 0; v < 30; v++)
    for (let w = 0; w < 10; w++)
      events.push({
        visitor: `v${v}`,
        item: `i${(v + w) % 12}`,
        at: w * 7 * DAY + v * 1000,
        level: 2,
        basket: null,
        session: null,
      });

  it("picks parameters on validation cases with training data before them, and tests once", () => {
    const seen: { params: number; trainMax: number; caseMin: number }[] = [];
    const probe: Method = {
      name: "probe",
      grid: [{ good: 0 }, { good: 1 }],
      build(train, p) {
        const trainMax = Math.max(...train.map((e) => e.at));
        const record = { params: p.good!, trainMax, caseMin: Infinity };
        seen.push(record);
        return (c) => {
          record.caseMin = Math.min(record.caseMin, c.at);
          // The good setting predicts the successor of the last item bought.
          const last = Number(c.history[0]!.item.slice(1));
          return new Map(p.good ? [[`i${(last + 1) % 12}`, 1]] : []);
        };
      },
    };
    const r = runProtocol(events, [probe], {
      unit: "basket",
      ks: [1, 10],
      historyLimit: 50,
      testFraction: 0.15,
      seed: 1,
      bootstrapRounds: 100,
    });
    expect(r.methods[0]!.params).toEqual({ good: 1 });
    expect(r.methods[0]!.validation.map((v) => v.recall)).toEqual([expect.any(Number), 1]);
    // Every build saw only events before the cases it scored.
    for (const s of seen) expect(s.trainMax).toBeLessThan(s.caseMin);
    expect(seen).toHaveLength(3);
    expect(r.cases.next).toBe(30);
    expect(r.methods[0]!.perCase.next[1]!.every((m) => m.recall === 1)).toBe(true);
    expect(r.cases.explore).toBe(30);
  });
});
