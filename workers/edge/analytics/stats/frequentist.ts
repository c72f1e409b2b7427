import { normalCdf, normalQuantile } from "./special-functions.ts";

/**
 * A per-visitor metric summarized by its sufficient statistics: n visitors, the sum and the
 * sum of squares of their values (for a 0/1 conversion both sums are the conversions).
 */
export type MetricSums = { n: number; sum: number; sumSq: number };

export type Moments = { n: number; mean: number; variance: number };

export function moments({ n, sum, sumSq }: MetricSums): Moments {
  if (n <= 0) return { n: 0, mean: 0, variance: 0 };
  const mean = sum / n;
  // Sample variance; the max() absorbs rounding when all values are equal.
  const variance = n > 1 ? Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)) : 0;
  return { n, mean, variance };
}

/** Variance of the mean. */
const varianceOfMean = (m: Moments) => (m.n > 0 ? m.variance / m.n : Infinity);

export type Comparison = {
  /** treatment − control, in metric units. */
  delta: number;
  deltaSe: number;
  deltaInterval: [number, number];
  /** treatment / control − 1. */
  relative: number;
  relativeInterval: [number, number];
  /** Two-sided fixed-horizon p-value (Welch z-test); valid only at a planned sample size. */
  pValue: number;
};

/**
 * Treatment against control at a fixed horizon: Welch's normal interval for the difference,
 * and the delta method for the relative uplift r = m_t / m_c − 1:
 * Var(m_t / m_c) ≈ Var(m_t) / m_c² + m_t² · Var(m_c) / m_c⁴ (the two means independent).
 */
export function compareMeans(control: Moments, treatment: Moments, level = 0.95): Comparison {
  const z = normalQuantile(1 - (1 - level) / 2);
  const vc = varianceOfMean(control);
  const vt = varianceOfMean(treatment);
  const delta = treatment.mean - control.mean;
  const deltaSe = Math.sqrt(vc + vt);
  const relative = control.mean !== 0 ? treatment.mean / control.mean - 1 : NaN;
  const relativeSe =
    control.mean !== 0
      ? Math.sqrt(vt / control.mean ** 2 + (treatment.mean ** 2 * vc) / control.mean ** 4)
      : NaN;
  const pValue =
    deltaSe > 0 && Number.isFinite(deltaSe)
      ? 2 * normalCdf(-Math.abs(delta / deltaSe))
      : delta === 0
        ? 1
        : 0;
  return {
    delta,
    deltaSe,
    deltaInterval: [delta - z * deltaSe, delta + z * deltaSe],
    relative,
    relativeInterval: [relative - z * relativeSe, relative + z * relativeSe],
    pValue,
  };
}
