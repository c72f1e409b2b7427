import { moments, type MetricSums } from "./frequentist.ts";

/**
 * Sequential-testing-safe inference: the mixture sequential probability ratio test (mSPRT) of
 * Johari, Pekelis and Walsh ("Always valid inference", 2017), as used by commercial A/B tools.
 *
 * With θ̂ the difference of means (treatment − control) and V its variance at a look, and a
 * normal mixing distribution N(0, τ²) over the true difference under the alternative, the
 * likelihood ratio against θ = 0 is
 *
 *   Λ = sqrt(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²)))
 *
 * and p = min over looks so far of 1/Λ (capped at 1) is an always-valid p-value: stopping at
 * the first look where p < α keeps the false-positive rate at most α, however often one looks.
 * Inverting Λ < 1/α gives the confidence sequence θ̂ ± sqrt(V (V + τ²)/τ² · (2 ln(1/α) +
 * ln((V + τ²)/V))), valid at every look simultaneously.
 *
 * τ is the scale of effects one expects to find; results are valid for any τ fixed before
 * looking, and τ only trades power between small and large effects. `defaultTau` takes 10% of
 * the pooled mean, which is the same under the null whichever arm is better.
 */
export type SequentialLook = {
  /** When the look was taken (e.g. the end of a day), passed through for charts. */
  at: number;
  control: MetricSums;
  treatment: MetricSums;
};

export type SequentialResult = {
  at: number;
  delta: number;
  /** Always-valid two-sided p-value (non-increasing over looks). */
  pValue: number;
  /** Confidence sequence for the difference at this look. */
  interval: [number, number];
};

export function defaultTau(control: MetricSums, treatment: MetricSums): number {
  const n = control.n + treatment.n;
  const pooled = n > 0 ? (control.sum + treatment.sum) / n : 0;
  return Math.abs(pooled) * 0.1;
}

/** Λ of one look: the mixture likelihood ratio for θ̂ with variance V. */
export function mixtureLikelihoodRatio(delta: number, variance: number, tau: number): number {
  const t2 = tau * tau;
  if (!(variance > 0) || !(t2 > 0)) return 1;
  return (
    Math.sqrt(variance / (variance + t2)) *
    Math.exp((t2 * delta * delta) / (2 * variance * (variance + t2)))
  );
}

/** Half-width of the confidence sequence at level 1 − alpha. */
export function confidenceSequenceHalfWidth(variance: number, tau: number, alpha: number): number {
  const t2 = tau * tau;
  if (!(variance > 0) || !(t2 > 0)) return Infinity;
  return Math.sqrt(
    ((variance * (variance + t2)) / t2) *
      (2 * Math.log(1 / alpha) + Math.log((variance + t2) / variance)),
  );
}

/** Always-valid p-values and confidence sequences over looks in time order. */
export function sequentialTest(
  looks: readonly SequentialLook[],
  options: { tau: number; alpha?: number },
): SequentialResult[] {
  const alpha = options.alpha ?? 0.05;
  let p = 1;
  return looks.map((look) => {
    const c = moments(look.control);
    const t = moments(look.treatment);
    const delta = t.mean - c.mean;
    const ready = c.n > 1 && t.n > 1;
    const variance = ready ? c.variance / c.n + t.variance / t.n : 0;
    if (ready) p = Math.min(p, 1 / mixtureLikelihoodRatio(delta, variance, options.tau));
    const half = ready ? confidenceSequenceHalfWidth(variance, options.tau, alpha) : Infinity;
    return { at: look.at, delta, pValue: Math.min(1, p), interval: [delta - half, delta + half] };
  });
}
