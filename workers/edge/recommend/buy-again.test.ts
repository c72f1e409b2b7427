import { describe, expect, it } from "vitest";
import { buyAgain } from "./buy-again.ts";

const DAY = 86_400_000;

describe("buyAgain", () => {
  it("ranks a profile's purchases (order only) by recency, once each, up to the limit", () => {
    const ranked = buyAgain(
      ["a", "b", "a", "c"].map((id) => ({ id, boughtAt: [] })),
      0,
      2,
    );
    expect(ranked.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("puts an item that is due by its repeat cycle ahead of a more recent one-off", () => {
    const now = 100 * DAY;
    const ranked = buyAgain(
      [
        { id: "one-off", boughtAt: [95 * DAY] },
        // Bought every 30 days, last 30 days ago: due now.
        { id: "coffee", boughtAt: [10 * DAY, 40 * DAY, 70 * DAY] },
        // Same cycle, bought 2 days ago: not due.
        { id: "filters", boughtAt: [38 * DAY, 68 * DAY, 98 * DAY] },
      ],
      now,
      10,
    );
    expect(ranked.map((r) => r.id)).toEqual(["coffee", "filters", "one-off"]);
    const due = ranked[0]!.score;
    const notDue = ranked[1]!.score;
    // Same count, bought longer ago, but on its cycle: ahead.
    expect(due).toBeGreaterThan(notDue * 1.2);
  });

  it("ranks by how often and how lately an item was bought, over a last basket's one-off", () => {
    const now = 100 * DAY;
    const ranked = buyAgain(
      [
        // The last basket: one item bought once.
        { id: "one-off", boughtAt: [90 * DAY] },
        // In four of the five baskets before it, at no regular cycle.
        { id: "staple", boughtAt: [80 * DAY, 71 * DAY, 50 * DAY, 47 * DAY] },
        // As often, but long ago.
        { id: "old", boughtAt: [1 * DAY, 2 * DAY, 3 * DAY, 4 * DAY] },
        { id: "filler", boughtAt: [60 * DAY] },
      ],
      now,
      10,
    );
    expect(ranked.map((r) => r.id)).toEqual(["staple", "old", "one-off", "filler"]);
    // Frequency adds up: four purchases outweigh one in the newest basket.
    expect(ranked[0]!.score).toBeGreaterThan(2 * ranked.find((r) => r.id === "one-off")!.score);
  });

  it("returns nothing for no purchases or a zero limit", () => {
    expect(buyAgain([], 0, 5)).toEqual([]);
    expect(buyAgain([{ id: "a", boughtAt: [] }], 0, 0)).toEqual([]);
  });
});
