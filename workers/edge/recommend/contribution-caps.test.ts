import { describe, expect, it } from "vitest";
import {
  cappedCounts,
  CONTRIBUTION_CAPS,
  coViewFlags,
  splitByStanding,
  type ContributionCaps,
} from "./contribution-caps.ts";
import { COOCCURRENCE_DEFAULTS, emptyCounts } from "./cooccurrence.ts";
import type { Interaction } from "./interactions.ts";

const DAY = 86_400_000;
const T = 100 * DAY;
const caps: ContributionCaps = { ...CONTRIBUTION_CAPS, itemsPerVisitorDay: 3, itemsPerNewIdDay: 2 };
const view = (visitor: string, item: string, at: number): Interaction => ({
  visitor,
  item,
  at,
  level: 0,
});

describe("splitByStanding", () => {
  it("caps the distinct items one visitor adds per day, lower for a new id", async () => {
    const seen = new Map([
      ["old", T - 10 * DAY],
      ["new", T - 1000],
    ]);
    const day = (v: string) => ["a", "b", "a", "c", "d", "e"].map((x, i) => view(v, x, T + i));
    const { established, newIds, dropped } = splitByStanding(
      [],
      [...day("old"), ...day("new")],
      seen,
      caps,
    );
    expect(established.map((i) => i.item)).toEqual(["a", "b", "a", "c"]);
    expect(newIds.map((i) => i.item)).toEqual(["a", "b", "a"]);
    expect(dropped).toBe(2 + 3);
    // The next day starts afresh; a visitor without a first-seen record is established.
    const next = splitByStanding(
      [],
      [view("old", "x", T + DAY), view("import", "y", T)],
      seen,
      caps,
    );
    expect(next.established).toHaveLength(2);
  });

  it("caps the same whether a day's events come in one run or two", async () => {
    const seen = new Map([["v", T - 10 * DAY]]);
    const all = ["a", "b", "c", "d", "e"].map((x, i) => view("v", x, T + i));
    const once = splitByStanding([], all, seen, caps).established;
    const first = splitByStanding([], all.slice(0, 2), seen, caps).established;
    const second = splitByStanding(all.slice(0, 2), all.slice(2), seen, caps).established;
    expect([...first, ...second]).toEqual(once);
  });
});

describe("cappedCounts", () => {
  const pairView = (counts: ReturnType<typeof emptyCounts>, a: string, b: string) =>
    counts.pairs.get(counts.index.get(a)!, counts.index.get(b)!)?.[0] ?? 0;

  it("learns no pair only new ids make, and lets them add to what established visitors show", () => {
    const seen = new Map<string, number>();
    const fresh: Interaction[] = [];
    for (let v = 0; v < 30; v++) {
      seen.set(`atk${v}`, T - 1000);
      fresh.push(view(`atk${v}`, "popular", T + v), view(`atk${v}`, "target", T + v));
    }
    for (let v = 0; v < 2; v++) {
      seen.set(`reg${v}`, T - 10 * DAY);
      fresh.push(view(`reg${v}`, "popular", T + v), view(`reg${v}`, "other", T + v));
    }
    for (let v = 0; v < 5; v++) {
      seen.set(`newbie${v}`, T - 1000);
      fresh.push(view(`newbie${v}`, "popular", T + v), view(`newbie${v}`, "other", T + v));
    }
    const out = cappedCounts([], fresh, seen, T, T, COOCCURRENCE_DEFAULTS, caps);
    expect(pairView(out.counts, "popular", "target")).toBe(0);
    expect(pairView(out.heldBack, "popular", "target")).toBe(30);
    // Two established co-views let at most two new ids' co-views through.
    expect(pairView(out.counts, "popular", "other")).toBe(4);
    // Popularity: the target gets the allowance, not the crowd.
    expect(out.counts.items.get(out.counts.index.get("target")!, 0)).toBe(caps.newIdItemAllowance);

    const flags = coViewFlags(out, out.counts, 1, { ...caps, flagMinVisitors: 10 });
    expect(flags).toEqual([
      "popular + target: +0.0 co-views (had 0.0), 30.0 from new ids held back",
    ]);
  });
});
