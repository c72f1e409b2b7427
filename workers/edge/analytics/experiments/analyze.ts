import {
  betaPosterior,
  chanceToBeBest,
  credibleInterval,
  expectedLoss,
  normalChanceAndLoss,
  probBeatsExact,
  type BetaPosterior,
} from "../stats/bayesian.ts";
import { compareMeans, moments, type Comparison, type MetricSums } from "../stats/frequentist.ts";
import {
  defaultTau,
  sequentialTest,
  type SequentialLook,
  type SequentialResult,
} from "../stats/sequential.ts";
import { sampleRatioMismatch, type SrmResult } from "../stats/srm.ts";
import { dedupeExposures, type ExposureRecord, type FirstExposure } from "./exposures.ts";

/** What the analysis needs to know of an experiment: its arms, their weights, the control. */
export type ExperimentSpec = {
  id: string;
  control: string;
  arms: { id: string; weight: number }[];
};

/** A goal or revenue event of an exposed visitor. */
export type OutcomeEvent = { visitorId: string; type: string; at: number; valueCents: number };

export type AnalysisOptions = {
  /** Event type that counts as a conversion: purchase, add_to_cart, or any configured goal. */
  goal: string;
  /** Event type whose value is revenue. */
  revenueEvent?: string;
  /** Outcomes after this instant are ignored (the analysis's "now"). */
  until: number;
  alpha?: number;
  bots?: ReadonlySet<string>;
  /** Most looks kept for the sequential timeline (one per day, thinned if longer). */
  maxLooks?: number;
};

export type MetricVsControl = {
  comparison: Comparison;
  /** Bayesian: P(arm > control). */
  chanceToBeatControl: number;
  /** Bayesian: expected loss (metric units) if this arm is chosen over control. */
  expectedLoss: number;
  /** The always-valid view at the latest look. */
  sequential: SequentialResult;
};

export type ArmResult = {
  arm: string;
  weight: number;
  isControl: boolean;
  visitors: number;
  converters: number;
  conversionRate: number;
  /** Central 95% credible interval of the rate (uniform prior). */
  conversionInterval: [number, number];
  revenueCents: number;
  revenuePerVisitorCents: number;
  /** Bayesian chance this arm has the highest conversion rate of all arms. */
  chanceToBeBest: number;
  conversion: MetricVsControl | null;
  revenue: MetricVsControl | null;
  posterior: BetaPosterior;
};

export type TimelinePoint = {
  at: number;
  arms: { arm: string; visitors: number; conversionRate: number; pValue: number | null }[];
};

export type ExperimentReport = {
  experimentId: string;
  goal: string;
  control: string;
  arms: ArmResult[];
  srm: SrmResult | null;
  exposures: { counted: number; duplicates: number; crossovers: number; bots: number };
  /** Cumulative results per day, with always-valid p-values against control. */
  timeline: TimelinePoint[];
  tau: { conversion: number; revenueCents: number };
  alpha: number;
};

type VisitorOutcome = {
  arm: string;
  exposedAt: number;
  /** First goal event at or after exposure, or null. */
  convertedAt: number | null;
  /** Revenue events after exposure, in time order. */
  purchases: { at: number; cents: number }[];
};

const DAY = 86_400_000;

function outcomesOf(
  visitors: Map<string, FirstExposure>,
  events: readonly OutcomeEvent[],
  goal: string,
  revenueEvent: string,
  until: number,
): Map<string, VisitorOutcome> {
  const out = new Map<string, VisitorOutcome>();
  for (const [id, e] of visitors) {
    if (e.at <= until)
      out.set(id, { arm: e.arm, exposedAt: e.at, convertedAt: null, purchases: [] });
  }
  for (const ev of events) {
    const o = out.get(ev.visitorId);
    // Only what happened after the visitor saw the arm can be caused by it.
    if (!o || ev.at < o.exposedAt || ev.at > until) continue;
    if (ev.type === goal && (o.convertedAt === null || ev.at < o.convertedAt))
      o.convertedAt = ev.at;
    if (ev.type === revenueEvent) o.purchases.push({ at: ev.at, cents: ev.valueCents });
  }
  return out;
}

/** Conversion and revenue sums per arm, as of instant `at`. */
function sumsAt(outcomes: Map<string, VisitorOutcome>, at: number) {
  const sums = new Map<string, { conversion: MetricSums; revenue: MetricSums }>();
  for (const o of outcomes.values()) {
    if (o.exposedAt > at) continue;
    let s = sums.get(o.arm);
    if (!s) {
      s = { conversion: { n: 0, sum: 0, sumSq: 0 }, revenue: { n: 0, sum: 0, sumSq: 0 } };
      sums.set(o.arm, s);
    }
    const converted = o.convertedAt !== null && o.convertedAt <= at ? 1 : 0;
    let cents = 0;
    for (const p of o.purchases) if (p.at <= at) cents += p.cents;
    s.conversion.n++;
    s.conversion.sum += converted;
    s.conversion.sumSq += converted;
    s.revenue.n++;
    s.revenue.sum += cents;
    s.revenue.sumSq += cents * cents;
  }
  return sums;
}

const EMPTY: MetricSums = { n: 0, sum: 0, sumSq: 0 };

/** End-of-day instants from the first exposure to `until`, thinned to at most `max`. */
function lookTimes(outcomes: Map<string, VisitorOutcome>, until: number, max: number): number[] {
  let first = Infinity;
  for (const o of outcomes.values()) first = Math.min(first, o.exposedAt);
  if (first === Infinity) return [];
  const days: number[] = [];
  for (let t = Math.floor(first / DAY) * DAY + DAY; t < until; t += DAY) days.push(t);
  days.push(until);
  if (days.length <= max) return days;
  const step = (days.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => days[Math.round(i * step)]!);
}

/**
 * Everything the dashboard shows for one experiment, from raw exposures and outcome events:
 * exposures deduplicated (first per visitor, crossovers and bots out), per-arm conversion and
 * revenue per visitor, each treatment arm against control at a fixed horizon (Welch and delta
 * method), Bayesian (Beta-Binomial for conversion, normal approximation for revenue), and
 * always valid (mSPRT over daily looks), plus the sample-ratio-mismatch check.
 */
export function analyzeExperiment(
  spec: ExperimentSpec,
  exposures: Iterable<ExposureRecord>,
  events: readonly OutcomeEvent[],
  options: AnalysisOptions,
): ExperimentReport {
  const alpha = options.alpha ?? 0.05;
  const revenueEvent = options.revenueEvent ?? "purchase";
  const deduped = dedupeExposures(exposures, spec.id, options.bots);
  const outcomes = outcomesOf(deduped.visitors, events, options.goal, revenueEvent, options.until);
  // Arms in the spec first (control leading), then any arm only the data knows.
  const armIds = [spec.control, ...spec.arms.map((a) => a.id).filter((a) => a !== spec.control)];
  for (const o of outcomes.values()) if (!armIds.includes(o.arm)) armIds.push(o.arm);
  const weightOf = (arm: string) => spec.arms.find((a) => a.id === arm)?.weight ?? 0;

  const final = sumsAt(outcomes, options.until);
  const sumsOf = (arm: string) => final.get(arm) ?? { conversion: EMPTY, revenue: EMPTY };
  const control = sumsOf(spec.control);
  const posteriors = armIds.map((arm) =>
    betaPosterior(sumsOf(arm).conversion.sum, sumsOf(arm).conversion.n),
  );
  const best = chanceToBeBest(posteriors);
  const allConversion = armIds.reduce(
    (acc, arm) => {
      const s = sumsOf(arm).conversion;
      return { n: acc.n + s.n, sum: acc.sum + s.sum, sumSq: acc.sumSq + s.sumSq };
    },
    { ...EMPTY },
  );
  const allRevenue = armIds.reduce(
    (acc, arm) => {
      const s = sumsOf(arm).revenue;
      return { n: acc.n + s.n, sum: acc.sum + s.sum, sumSq: acc.sumSq + s.sumSq };
    },
    { ...EMPTY },
  );
  const tau = {
    conversion: defaultTau(allConversion, EMPTY),
    revenueCents: defaultTau(allRevenue, EMPTY),
  };

  const times = lookTimes(outcomes, options.until, options.maxLooks ?? 60);
  const looksSums = times.map((at) => ({ at, sums: sumsAt(outcomes, at) }));
  const looksFor = (arm: string, metric: "conversion" | "revenue"): SequentialLook[] =>
    looksSums.map(({ at, sums }) => ({
      at,
      control: sums.get(spec.control)?.[metric] ?? EMPTY,
      treatment: sums.get(arm)?.[metric] ?? EMPTY,
    }));
  const sequentialOf = new Map<string, SequentialResult[]>();

  const arms: ArmResult[] = armIds.map((arm, i) => {
    const s = sumsOf(arm);
    const posterior = posteriors[i]!;
    const isControl = arm === spec.control;
    let conversion: MetricVsControl | null = null;
    let revenue: MetricVsControl | null = null;
    if (!isControl && control.conversion.n > 1 && s.conversion.n > 1) {
      const seqConversion = sequentialTest(looksFor(arm, "conversion"), {
        tau: tau.conversion,
        alpha,
      });
      sequentialOf.set(arm, seqConversion);
      const controlPosterior = posteriors[0]!;
      conversion = {
        comparison: compareMeans(moments(control.conversion), moments(s.conversion), 1 - alpha),
        chanceToBeatControl: probBeatsExact(posterior, controlPosterior),
        expectedLoss: expectedLoss(posterior, controlPosterior),
        sequential: seqConversion.at(-1)!,
      };
      const rev = compareMeans(moments(control.revenue), moments(s.revenue), 1 - alpha);
      const bayes = normalChanceAndLoss(rev.delta, rev.deltaSe);
      revenue = {
        comparison: rev,
        chanceToBeatControl: bayes.chance,
        expectedLoss: bayes.loss,
        sequential: sequentialTest(looksFor(arm, "revenue"), { tau: tau.revenueCents, alpha }).at(
          -1,
        )!,
      };
    }
    return {
      arm,
      weight: weightOf(arm),
      isControl,
      visitors: s.conversion.n,
      converters: s.conversion.sum,
      conversionRate: s.conversion.n ? s.conversion.sum / s.conversion.n : 0,
      conversionInterval: credibleInterval(posterior),
      revenueCents: s.revenue.sum,
      revenuePerVisitorCents: s.revenue.n ? s.revenue.sum / s.revenue.n : 0,
      chanceToBeBest: best[i]!,
      conversion,
      revenue,
      posterior,
    };
  });

  const counted = arms.reduce((n, a) => n + a.visitors, 0);
  const srm =
    counted > 0 && spec.arms.length >= 2
      ? sampleRatioMismatch(
          armIds.map((arm) => sumsOf(arm).conversion.n),
          armIds.map(weightOf),
        )
      : null;

  const timeline: TimelinePoint[] = looksSums.map(({ at, sums }, k) => ({
    at,
    arms: armIds.map((arm) => {
      const c = sums.get(arm)?.conversion ?? EMPTY;
      return {
        arm,
        visitors: c.n,
        conversionRate: c.n ? c.sum / c.n : 0,
        pValue: sequentialOf.get(arm)?.[k]?.pValue ?? null,
      };
    }),
  }));

  return {
    experimentId: spec.id,
    goal: options.goal,
    control: spec.control,
    arms,
    srm,
    exposures: {
      counted,
      duplicates: deduped.duplicates,
      crossovers: deduped.crossovers,
      bots: deduped.bots,
    },
    timeline,
    tau,
    alpha,
  };
}
