import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../seeds/random.ts";
import { COOCCURRENCE_DEFAULTS } from "./cooccurrence.ts";
import type { Interaction } from "./interactions.ts";
import { TRAIN_DEFAULTS, trainFromInteractions } from "./model.ts";
import {
  recallOf,
  SELF_TUNE_DEFAULTS,
  selfTune,
  tuneOnRecent,
  tuningSplit,
  type SelfTuneOptions,
} from "./self-tune.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const CUTOFF = T0 + 21 * DAY;

/**
 * Visitors browse 3 items of one of 20 clusters of 6 before the cutoff, with popular noise
 * items in between; every second one comes back after it for a 4th item of their cluster.
 */
function clusteredLog(seed: number, noise: number): Interaction[] {
  const rnd = mulberry32(seed);
  const out: Interaction[] = [];
  for (let v = 0; v < 400; v++) {
    const c = v % 20;
    const items = Array.from({ length: 6 }, (_, j) => `c${c}-${j}`).sort(() => rnd() - 0.5);
    let at = T0 + rnd() * 20 * DAY;
    for (let j = 0; j < 3; j++) {
      out.push({ visitor: `v${v}`, item: items[j]!, at: (at += 60_000), level: 0 });
      if (rnd() < noise)
        out.push({
          visitor: `v${v}`,
          item: `n${Math.floor(rnd() * 30)}`,
          at: (at += 60_000),
          level: 0,
        });
    }
    if (v % 2) out.push({ visitor: `v${v}`, item: items[3]!, at: CUTOFF + v * 60_000, level: 0 });
  }
  return out;
}

const options = (o: Partial<SelfTuneOptions> = {}): SelfTuneOptions => ({
  cutoff: CUTOFF,
  grid: { lambda: [0.5, 32], recentDecay: [0.85], purchaseDecay: [0.9] },
  k: 3,
  minCases: 10,
  maxCases: 1000,
  historyLimit: 50,
  cooccurrence: COOCCURRENCE_DEFAULTS,
  train: TRAIN_DEFAULTS,
  ...o,
});

describe("tuningSplit", () => {
  it("trains on events before the cutoff only and holds out each returning visitor's next session", () => {
    const log = clusteredLog(2, 0.5);
    const { train, cases } = tuningSplit(log, CUTOFF, 50);
    expect(train.length).toBe(log.filter((i) => i.at < CUTOFF).length);
    expect(train.every((i) => i.at < CUTOFF)).toBe(true);
    expect(cases.length).toBe(200);
    for (const c of cases) {
      const later = log.filter((i) => i.visitor === c.visitor && i.at >= CUTOFF);
      expect(c.target).toEqual(later.map((i) => i.item));
      expect(c.recent).not.toContain(c.target[0]);
    }
  });

  it("splits the first session after the cutoff off later ones, and drops known items", () => {
    const at = (d: number, m = 0) => CUTOFF + d * DAY + m * 60_000;
    const { cases } = tuningSplit(
      [
        { visitor: "v", item: "a", at: at(-1), level: 2 },
        { visitor: "v", item: "b", at: at(-1, 5), level: 0 },
        { visitor: "v", item: "a", at: at(0), level: 0 },
        { visitor: "v", item: "c", at: at(0, 10), level: 0 },
        { visitor: "v", item: "d", at: at(1), level: 0 },
        { visitor: "w", item: "e", at: at(0), level: 0 },
      ],
      CUTOFF,
      50,
    );
    expect(cases).toEqual([{ visitor: "v", recent: ["b"], purchased: ["a"], target: ["c"] }]);
  });
});

describe("selfTune", () => {
  it("picks the lambda that scores better on the held-out sessions", () => {
    const log = clusteredLog(2, 0.5);
    const { train, cases } = tuningSplit(log, CUTOFF, 50);
    // The answer, computed independently: each lambda's model on the pre-cutoff events.
    const recallAt = (lambda: number) =>
      recallOf(
        trainFromInteractions(train, [], {
          ...TRAIN_DEFAULTS,
          ease: { ...TRAIN_DEFAULTS.ease!, lambda },
        }),
        cases,
        3,
        { recent: 0.85, purchase: 0.9 },
      );
    const [low, high] = [recallAt(0.5), recallAt(32)];
    expect(high - low).toBeGreaterThan(0.1);
    const r = selfTune(log, options())!;
    expect(r.lambda).toBe(32);
    expect(r.recall).toBeCloseTo(high, 9);
    expect(r.defaultRecall).toBeCloseTo(low, 9);
    expect(r.cases).toBe(200);
    // Listed the other way round, the better one still wins.
    expect(
      selfTune(
        log,
        options({ grid: { lambda: [32, 0.5], recentDecay: [0.85], purchaseDecay: [0.9] } }),
      )!.lambda,
    ).toBe(32);
  });

  it("keeps the defaults (the grid's first point) when nothing does better", () => {
    const r = selfTune(
      clusteredLog(1, 0),
      options({
        grid: { lambda: [0.5, 2, 32], recentDecay: [0.85, 0.95], purchaseDecay: [0.9, 1] },
      }),
    )!;
    expect(r.tried.every((t) => t.recall === r.tried[0]!.recall)).toBe(true);
    expect([r.lambda, r.recentDecay, r.purchaseDecay]).toEqual([0.5, 0.85, 0.9]);
  });

  it("never learns from events after the cutoff", () => {
    const log = clusteredLog(2, 0.5);
    const base = selfTune(log, options())!;
    // Newcomers after the cutoff (no history, so no case) who view every case's history with
    // its target: counted in training, they would put every target first.
    const { cases } = tuningSplit(log, CUTOFF, 50);
    const leak: Interaction[] = cases.flatMap((c, n) =>
      [...c.recent, ...c.target].flatMap((item, j) =>
        Array.from({ length: 5 }, (_, r) => ({
          visitor: `new-${n}-${r}`,
          item,
          at: CUTOFF + DAY + n * 60_000 + j,
          level: 2 as const,
        })),
      ),
    );
    expect(selfTune([...log, ...leak], options())).toEqual(base);
    // The same events before the cutoff do change what is learned: the check above can fail.
    const early = leak.map((i) => ({ ...i, at: i.at - 2 * DAY }));
    expect(selfTune([...log, ...early], options())!.tried).not.toEqual(base.tried);
  });

  it("tunes nothing with too few cases or without EASE", () => {
    const log = clusteredLog(2, 0.5);
    expect(selfTune(log, options({ minCases: 201 }))).toBeNull();
    expect(selfTune(log, options({ train: { ...TRAIN_DEFAULTS, ease: null } }))).toBeNull();
  });

  it("holds out a fifth of what it read when the newest events span less than the validation", () => {
    // 21 days of history and a day of returns: a 30-day validation would leave nothing to train.
    const log = clusteredLog(2, 0.5);
    const settings = { ...SELF_TUNE_DEFAULTS, validationMs: 30 * DAY, minCases: 10 };
    const r = tuneOnRecent(log, settings, COOCCURRENCE_DEFAULTS, TRAIN_DEFAULTS);
    expect(r?.cases).toBeGreaterThan(0);
    const end = Math.max(...log.map((i) => i.at));
    const start = Math.min(...log.map((i) => i.at));
    const cutoff = end - (end - start) / 5;
    expect(r!.cases).toBe(tuningSplit(log, cutoff, 50).cases.length);
  });
});
