import { chiSquareSurvival } from "./special-functions.ts";

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the visitors per arm
 * against the configured weights. A mismatch means assignment or logging is broken (bots,
 * redirects, a crashing arm) and no other result of the experiment can be trusted.
 * The usual threshold is p < 0.001: strict, because the test runs on every experiment.
 */
export const SRM_THRESHOLD = 0.001;

export type SrmResult = {
  chiSquare: number;
  df: number;
  pValue: number;
  mismatch: boolean;
  expected: number[];
};

export function sampleRatioMismatch(
  observed: readonly number[],
  weights: readonly number[],
  threshold = SRM_THRESHOLD,
): SrmResult {
  if (observed.length !== weights.length || observed.length < 2) {
    throw new RangeError("sampleRatioMismatch: need one weight per arm and at least two arms");
  }
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  if (!(totalWeight > 0) || weights.some((w) => w < 0)) {
    throw new RangeError("sampleRatioMismatch: weights must be non-negative with a positive sum");
  }
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (total * w) / totalWeight);
  let chiSquare = 0;
  let df = -1;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    if (e === 0) {
      // An arm with weight 0 must stay empty; anyone there is a mismatch by itself.
      if (observed[i]! > 0) chiSquare = Infinity;
      continue;
    }
    chiSquare += (observed[i]! - e) ** 2 / e;
    df++;
  }
  const pValue =
    total === 0 || df < 1 ? 1 : chiSquare === Infinity ? 0 : chiSquareSurvival(chiSquare, df);
  return { chiSquare, df: Math.max(df, 1), pValue, mismatch: pValue < threshold, expected };
}
