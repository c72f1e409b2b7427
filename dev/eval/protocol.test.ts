import { describe, expect, it } from "vitest";
import type { LogEvent } from "./log-adapters.ts";
import { historyOf, temporalSplit, unitsOf, windows } from "./protocol.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const ev = (
  visitor: string,
  item: string,
  at: number,
  level: 0 | 1 | 2 = 0,
  basket: string | null = null,
): LogEvent => ({
  visitor,
  item,
  at,
  level,
  basket,
  session: null,
});

describe("temporalSplit (next basket)", () => {
  // v1 bought a1+a2 on day 1, viewed b on day 5, then bought a1+c in one invoice (same instant) on day 12.
  const log = [
    ev("v1", "a1", 1 * DAY, 2, "i1"),
    ev("v1", "a2", 1 * DAY, 2, "i1"),
    ev("v1", "b", 5 * DAY),
    ev("v1", "c", 12 * DAY, 2, "i2"),
    ev("v1", "a1", 12 * DAY, 2, "i2"),
    ev("v1", "d", 13 * DAY, 2, "i3"),
    ev("v2", "z", 11 * DAY, 2, "i4"), // someone else's future: never in training
    ev("v3", "a1", 12 * DAY, 2, "i5"), // no history: no case
  ];

  it("holds out the whole next basket; history is only what came strictly before it", () => {
    const { train, cases } = temporalSplit(log, {
      unit: "basket",
      cutoff: 10 * DAY,
      end: 20 * DAY,
      historyLimit: 50,
      seed: 1,
    });
    expect(train.every((e) => e.at < 10 * DAY)).toBe(true);
    expect(train).toHaveLength(3);
    expect(cases).toHaveLength(1);
    const [c] = cases;
    expect(c!.target).toEqual(["a1", "c"]);
    expect(c!.history.map((h) => h.item)[0]).toBe("b");
    expect(c!.history.map((h) => h.item).sort()).toEqual(["a1", "a2", "b"]);
    expect(c!.repeat).toEqual(["a1"]);
    expect(c!.explore).toEqual(["c"]);
    expect(c!.history.find((h) => h.item === "a1")!.boughtAt).toEqual([1 * DAY]);
  });

  it("does not count the basket's own browsing session as history", () => {
    const log = [
      ev("v", "old", 0),
      ev("v", "seen", 10 * DAY),
      ev("v", "bought", 10 * DAY + 5 * MIN), // viewed 5 minutes before buying it
      ev("v", "bought", 10 * DAY + 20 * MIN, 2, "i9"),
    ];
    const { cases } = temporalSplit(log, {
      unit: "basket",
      cutoff: DAY,
      end: 20 * DAY,
      historyLimit: 50,
      seed: 1,
    });
    expect(cases[0]!.history.map((h) => h.item)).toEqual(["old"]);
    expect(cases[0]!.explore).toEqual(["bought"]);
    expect(cases[0]!.at).toBe(10 * DAY + 20 * MIN);
  });

  it("never lets the line order of one instant decide the history order", () => {
    const basket = ["p1", "p2", "p3", "p4", "p5", "p6"].map((p) => ev("v", p, DAY, 2, "i"));
    const forward = historyOf(basket, 50, "s").map((h) => h.item);
    const backward = historyOf(basket.slice().reverse(), 50, "s").map((h) => h.item);
    expect(backward).toEqual(forward);
    // Seeded, not sorted by id: another seed gives another order.
    const orders = new Set(
      ["a", "b", "c", "d"].map((s) =>
        historyOf(basket, 50, s)
          .map((h) => h.item)
          .join(),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it("splits sessions at 30-minute gaps and holds out a whole session", () => {
    const s = [
      ev("v", "x", 0),
      ev("v", "y", 10 * MIN),
      ev("v", "z", 60 * MIN),
      ev("v", "x", 70 * MIN),
    ];
    expect(
      unitsOf(s, "session")
        .get("v")!
        .map((u) => [...u.items]),
    ).toEqual([
      ["x", "y"],
      ["z", "x"],
    ]);
    const { cases } = temporalSplit(s, {
      unit: "session",
      cutoff: 30 * MIN,
      end: DAY,
      historyLimit: 50,
      seed: 1,
    });
    expect(cases[0]!.target).toEqual(["x", "z"]);
    expect(cases[0]!.history.map((h) => h.item).sort()).toEqual(["x", "y"]);
    expect(cases[0]!.explore).toEqual(["z"]);
  });

  it("puts validation before test at the end of the log", () => {
    const w = windows([ev("v", "a", 0), ev("v", "b", 100 * DAY)], 0.1);
    expect(w).toEqual({ valCutoff: 80 * DAY, testCutoff: 90 * DAY, end: 100 * DAY + 1 });
  });
});
