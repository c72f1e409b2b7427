import { mulberry32 } from "../../seeds/random.ts";

/** One case's metrics at one k. */
export type CaseMetrics = { recall: number; ndcg: number; mrr: number };

/**
 * Metrics of one ranked list against a set of relevant items, at cut-off k:
 * Recall@k = hits in the top k / relevant items; NDCG@k with binary gains over the ideal
 * DCG of min(k, relevant) hits; MRR@k = 1 / rank of the first hit in the top k (0 if none).
 */
export function caseMetrics(
  ranked: readonly string[],
  relevant: readonly string[],
  k: number,
): CaseMetrics {
  const rel = new Set(relevant);
  if (rel.size === 0) throw new Error("caseMetrics: a case needs at least one relevant item");
  let hits = 0;
  let dcg = 0;
  let mrr = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) {
    if (!rel.has(ranked[r]!)) continue;
    hits++;
    dcg += 1 / Math.log2(r + 2);
    if (!mrr) mrr = 1 / (r + 1);
  }
  let ideal = 0;
  for (let r = 0; r < Math.min(k, rel.size); r++) ideal += 1 / Math.log2(r + 2);
  return { recall: hits / rel.size, ndcg: dcg / ideal, mrr };
}

export const mean = (xs: readonly number[]) =>
  xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;

/** Means of `rounds` resamples (with replacement) of `xs`. */
function bootMeans(xs: readonly number[], rounds: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const n = xs.length;
  const out = new Float64Array(rounds);
  for (let b = 0; b < rounds; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[Math.floor(next() * n)]!;
    out[b] = n ? s / n : 0;
  }
  return out.sort();
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!
    : 0;

/** The mean with a percentile bootstrap 95% interval. */
export function bootstrapCi(
  xs: readonly number[],
  rounds = 1000,
  seed = 1,
): { mean: number; lo: number; hi: number } {
  const m = bootMeans(xs, rounds, seed);
  return { mean: mean(xs), lo: quantile(m, 0.025), hi: quantile(m, 0.975) };
}

/**
 * Paired bootstrap on per-case differences a_i - b_i (same cases, same order): the mean
 * difference, its 95% interval, and a two-sided p-value (twice the share of resampled mean
 * differences on the other side of zero, at least 1 / rounds when none are).
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  rounds = 1000,
  seed = 1,
): { diff: number; lo: number; hi: number; p: number } {
  if (a.length !== b.length) throw new Error("pairedBootstrap: both methods need the same cases");
  const d = a.map((x, i) => x - b[i]!);
  const m = bootMeans(d, rounds, seed);
  const diff = mean(d);
  let below = 0;
  let above = 0;
  for (const x of m) {
    if (x <= 0) below++;
    if (x >= 0) above++;
  }
  const p = d.every((x) => x === 0)
    ? 1
    : Math.min(1, Math.max(1 / rounds, (2 * Math.min(below, above)) / rounds));
  return { diff, lo: quantile(m, 0.025), hi: quantile(m, 0.975), p };
}
