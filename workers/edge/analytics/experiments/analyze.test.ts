import { describe, expect, it } from "vitest";
import { probBeatsExact } from "../stats/bayesian.ts";
import { compareMeans, moments } from "../stats/frequentist.ts";
import { analyzeExperiment, type ExperimentSpec, type OutcomeEvent } from "./analyze.ts";
import { botVisitors, dedupeExposures, type ExposureRecord } from "./exposures.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const exp = (visitorId: string, arm: string, at: number, experimentId = "x"): ExposureRecord => ({
  experimentId,
  visitorId,
  arm,
  at,
});

describe("exposure deduplication", () => {
  it("counts a visitor once, from the earliest exposure, and drops crossovers and bots", () => {
    const records = [
      exp("v1", "control", T0 + 10),
      exp("v1", "control", T0 + 5), // earlier page view, delivered later
      exp("v1", "control", T0 + 50),
      exp("v2", "control", T0),
      exp("v2", "ten", T0 + 1), // assignment changed under the visitor
      exp("v3", "ten", T0 + 3),
      exp("bot", "ten", T0 + 4),
      exp("v4", "ten", T0, "other-experiment"),
      { ...exp("v3", "ten", T0 + 9), count: 3 }, // three page views grouped by the query
    ];
    const d = dedupeExposures(records, "x", new Set(["bot"]));
    expect([...d.visitors.entries()]).toEqual([
      ["v1", { arm: "control", at: T0 + 5 }],
      ["v3", { arm: "ten", at: T0 + 3 }],
    ]);
    expect(d.duplicates).toBe(3 + 3);
    expect(d.crossovers).toBe(1);
    expect(d.bots).toBe(1);
  });

  it("flags visitors browsing at machine speed or flagged by the edge", () => {
    const bots = botVisitors([
      { visitorId: "fast", pageViews: 40, firstAt: 0, lastAt: 20_000, flagged: false },
      { visitorId: "person", pageViews: 40, firstAt: 0, lastAt: 40 * 30_000, flagged: false },
      { visitorId: "few", pageViews: 5, firstAt: 0, lastAt: 1_000, flagged: false },
      { visitorId: "flag", pageViews: 1, firstAt: 0, lastAt: 0, flagged: true },
    ]);
    expect([...bots].sort()).toEqual(["fast", "flag"]);
  });
});

const spec: ExperimentSpec = {
  id: "x",
  control: "control",
  arms: [
    { id: "control", weight: 0.5 },
    { id: "ten", weight: 0.5 },
  ],
};

describe("experiment analysis on a scripted experiment", () => {
  it("joins outcomes after exposure only and computes per-arm rates and revenue", () => {
    const exposures = [
      exp("a", "control", T0),
      exp("a", "control", T0 + DAY), // repeat exposure does not add a visitor
      exp("b", "control", T0),
      exp("c", "ten", T0),
      exp("d", "ten", T0 + 1.5 * DAY),
      exp("bot", "ten", T0),
    ];
    const events: OutcomeEvent[] = [
      { visitorId: "a", type: "purchase", at: T0 - 1000, valueCents: 9999 }, // before exposure
      { visitorId: "b", type: "purchase", at: T0 + 100, valueCents: 2000 },
      { visitorId: "b", type: "purchase", at: T0 + 200, valueCents: 500 },
      { visitorId: "c", type: "purchase", at: T0 + 3 * DAY, valueCents: 4000 },
      { visitorId: "d", type: "add_to_cart", at: T0 + 2 * DAY, valueCents: 1000 },
      { visitorId: "bot", type: "purchase", at: T0 + 5, valueCents: 100_000 },
      { visitorId: "c", type: "purchase", at: T0 + 10 * DAY, valueCents: 7000 }, // after "now"
    ];
    const report = analyzeExperiment(spec, exposures, events, {
      goal: "purchase",
      until: T0 + 5 * DAY,
      bots: new Set(["bot"]),
    });
    const [control, ten] = report.arms;
    expect(control).toMatchObject({
      arm: "control",
      visitors: 2,
      converters: 1,
      revenueCents: 2500,
    });
    expect(control!.conversionRate).toBe(0.5);
    expect(control!.revenuePerVisitorCents).toBe(1250);
    expect(ten).toMatchObject({ arm: "ten", visitors: 2, converters: 1, revenueCents: 4000 });
    expect(report.exposures).toEqual({ counted: 4, duplicates: 1, crossovers: 0, bots: 1 });
    // Another goal: add to cart.
    const carts = analyzeExperiment(spec, exposures, events, {
      goal: "add_to_cart",
      until: T0 + 5 * DAY,
      bots: new Set(["bot"]),
    });
    expect(carts.arms.map((a) => a.converters)).toEqual([0, 1]);
    // Daily cumulative looks: on day 1 only a, b, c were exposed; c had not bought yet.
    const day1 = report.timeline[0]!;
    expect(day1.at).toBe(T0 + DAY);
    expect(day1.arms).toMatchObject([
      { arm: "control", visitors: 2, conversionRate: 0.5 },
      { arm: "ten", visitors: 1, conversionRate: 0 },
    ]);
    expect(report.timeline.at(-1)!.at).toBe(T0 + 5 * DAY);
  });

  it("matches the stand-alone statistics on a larger simulated split", () => {
    const exposures: ExposureRecord[] = [];
    const events: OutcomeEvent[] = [];
    // 3000 control visitors, 90 buyers; 3000 treatment visitors, 120 buyers; 40 EUR each.
    for (let i = 0; i < 6000; i++) {
      const arm = i < 3000 ? "control" : "ten";
      const at = T0 + (i % 20) * DAY;
      exposures.push(exp(`v${i}`, arm, at));
      const k = i % 3000;
      if (k < (arm === "control" ? 90 : 120)) {
        events.push({ visitorId: `v${i}`, type: "purchase", at: at + 1000, valueCents: 4000 });
      }
    }
    const report = analyzeExperiment(spec, exposures, events, {
      goal: "purchase",
      until: T0 + 30 * DAY,
    });
    const ten = report.arms[1]!;
    const c = moments({ n: 3000, sum: 90, sumSq: 90 });
    const t = moments({ n: 3000, sum: 120, sumSq: 120 });
    const expected = compareMeans(c, t);
    expect(ten.conversion!.comparison.delta).toBeCloseTo(0.01, 12);
    expect(ten.conversion!.comparison.pValue).toBeCloseTo(expected.pValue, 12);
    expect(ten.conversion!.chanceToBeatControl).toBeCloseTo(
      probBeatsExact({ alpha: 121, beta: 2881 }, { alpha: 91, beta: 2911 }),
      12,
    );
    expect(ten.revenuePerVisitorCents).toBeCloseTo(160, 10);
    expect(ten.revenue!.comparison.delta).toBeCloseTo(40, 10);
    // Always-valid p-value is more conservative than the fixed-horizon one.
    expect(ten.conversion!.sequential.pValue).toBeGreaterThanOrEqual(expected.pValue);
    expect(report.srm!.pValue).toBeCloseTo(1, 12);
    expect(report.arms.reduce((s, a) => s + a.chanceToBeBest, 0)).toBeCloseTo(1, 6);
  });

  it("reports a sample-ratio mismatch when an arm loses visitors", () => {
    const exposures: ExposureRecord[] = [];
    for (let i = 0; i < 1000; i++) exposures.push(exp(`c${i}`, "control", T0));
    for (let i = 0; i < 850; i++) exposures.push(exp(`t${i}`, "ten", T0));
    const report = analyzeExperiment(spec, exposures, [], { goal: "purchase", until: T0 + DAY });
    expect(report.srm!.mismatch).toBe(true);
    expect(report.srm!.expected).toEqual([925, 925]);
  });
});
