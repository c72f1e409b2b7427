import {
  betaDensity,
  logBeta,
  normalCdf,
  normalDensity,
  regularizedBeta,
} from "./special-functions.ts";

/**
 * Beta-Binomial model of a conversion rate: with a Beta(α₀, β₀) prior and `conversions` out of
 * `visitors`, the posterior is Beta(α₀ + conversions, β₀ + visitors − conversions). The default
 * prior is uniform, Beta(1, 1).
 */
export type BetaPosterior = { alpha: number; beta: number };

export const UNIFORM_PRIOR: BetaPosterior = { alpha: 1, beta: 1 };

export function betaPosterior(
  conversions: number,
  visitors: number,
  prior: BetaPosterior = UNIFORM_PRIOR,
): BetaPosterior {
  if (!(conversions >= 0 && visitors >= conversions)) {
    throw new RangeError(`betaPosterior: need 0 <= conversions (${conversions}) <= visitors`);
  }
  return { alpha: prior.alpha + conversions, beta: prior.beta + visitors - conversions };
}

export const posteriorMean = (p: BetaPosterior) => p.alpha / (p.alpha + p.beta);

/** Central credible interval of a Beta posterior, by bisection on the CDF. */
export function credibleInterval(p: BetaPosterior, level = 0.95): [number, number] {
  const tail = (1 - level) / 2;
  const quantile = (q: number) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 80; i++) {
      const mid = (lo + hi) / 2;
      if (regularizedBeta(mid, p.alpha, p.beta) < q) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  return [quantile(tail), quantile(1 - tail)];
}

/**
 * P(X_b > X_a) exactly, for integer α_b (Evan Miller's closed form for Beta posteriors with
 * integer parameters): Σ_{i=0}^{α_b−1} B(α_a+i, β_a+β_b) / ((β_b+i) B(1+i, β_b) B(α_a, β_a)).
 * One term per unit of α_b, each in log space: fine up to hundreds of thousands of conversions.
 */
export function probBeatsExact(b: BetaPosterior, a: BetaPosterior): number {
  if (!Number.isInteger(b.alpha) || b.alpha < 1) {
    throw new RangeError("probBeatsExact: alpha of the challenger must be a positive integer");
  }
  let total = 0;
  const base = logBeta(a.alpha, a.beta);
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(
      logBeta(a.alpha + i, a.beta + b.beta) - Math.log(b.beta + i) - logBeta(1 + i, b.beta) - base,
    );
  }
  return Math.min(1, Math.max(0, total));
}

/** The interval outside which a Beta density is negligible (mean ± 12 sd, clipped). */
function support(p: BetaPosterior): [number, number] {
  const m = posteriorMean(p);
  const n = p.alpha + p.beta;
  const sd = Math.sqrt((m * (1 - m)) / (n + 1));
  return [Math.max(0, m - 12 * sd), Math.min(1, m + 12 * sd)];
}

/** Composite Simpson's rule over [lo, hi] with `n` (even) intervals. */
function simpson(f: (x: number) => number, lo: number, hi: number, n = 4000): number {
  if (hi <= lo) return 0;
  const h = (hi - lo) / n;
  let sum = f(lo) + f(hi);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (sum * h) / 3;
}

/**
 * P(arm k has the highest rate) for each arm: ∫ f_k(x) Π_{j≠k} F_j(x) dx by Simpson's rule
 * over the region where arm k's posterior has mass. Works for any (non-integer) parameters
 * and any number of arms.
 */
export function chanceToBeBest(arms: readonly BetaPosterior[]): number[] {
  return arms.map((arm, k) => {
    const [lo, hi] = support(arm);
    return simpson(
      (x) => {
        let product = betaDensity(x, arm.alpha, arm.beta);
        if (product === 0) return 0;
        for (let j = 0; j < arms.length; j++) {
          if (j !== k) product *= regularizedBeta(x, arms[j]!.alpha, arms[j]!.beta);
        }
        return product;
      },
      lo,
      hi,
    );
  });
}

/** P(X_b > X_a) by numerical integration (any parameters). */
export function probBeats(b: BetaPosterior, a: BetaPosterior): number {
  return chanceToBeBest([b, a])[0]!;
}

/**
 * Expected loss of choosing `chosen` over `other`: E[max(X_other − X_chosen, 0)], in rate units
 * (the conversion rate one expects to give up if the choice is wrong). Uses
 * E[(X − y)⁺] = E[X]·(1 − I_y(α+1, β)) − y·(1 − I_y(α, β)) for X ~ Beta(α, β), integrated
 * over the chosen arm's posterior.
 */
export function expectedLoss(chosen: BetaPosterior, other: BetaPosterior): number {
  const meanOther = posteriorMean(other);
  const [lo, hi] = support(chosen);
  const value = simpson(
    (y) => {
      const f = betaDensity(y, chosen.alpha, chosen.beta);
      if (f === 0) return 0;
      const excess =
        meanOther * (1 - regularizedBeta(y, other.alpha + 1, other.beta)) -
        y * (1 - regularizedBeta(y, other.alpha, other.beta));
      return f * Math.max(0, excess);
    },
    lo,
    hi,
  );
  return Math.max(0, value);
}

/**
 * For metrics that are not proportions (revenue per visitor): a normal approximation of the
 * posterior of the difference (flat prior), D ~ N(delta, se²). Returns P(D > 0) and the
 * expected loss of choosing the treatment, E[max(−D, 0)] = se·φ(δ/se) − δ·Φ(−δ/se).
 */
export function normalChanceAndLoss(delta: number, se: number): { chance: number; loss: number } {
  if (!(se > 0)) {
    return { chance: delta > 0 ? 1 : delta < 0 ? 0 : 0.5, loss: Math.max(0, -delta) };
  }
  const z = delta / se;
  return { chance: normalCdf(z), loss: se * normalDensity(z) - delta * normalCdf(-z) };
}
