/**
 * The value at quantile `q` (0-1) of ascending `sorted` values, by nearest rank: what the bench
 * reports as p50/p90/p99. NaN when there are none.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Response times as a fixed-rate run should count them. A connection sends its next request
 * only after the last one answered, so a response slower than the interval between that
 * connection's requests held back the ones due meanwhile, whose latency nobody measured
 * (coordinated omission); each such response adds them: d - interval, d - 2 x interval, ...
 * down to one interval, as HdrHistogram's recordValueWithExpectedInterval does.
 *
 * autocannon (9.0) passes ceil(1 / requests per second) = 1 ms as that interval, so in its own
 * fixed-rate percentiles a response of d ms counts about d times (its p50 at 50 req/s is not
 * the median response); the bench passes the real interval, connections x 1000 / rate ms.
 */
export function withOmittedRequests(durations: readonly number[], intervalMs: number): number[] {
  if (!(intervalMs > 0)) throw new RangeError(`interval must be > 0 ms, got ${intervalMs}`);
  const out: number[] = [];
  for (const d of durations) {
    out.push(d);
    for (let missing = d - intervalMs; missing >= intervalMs; missing -= intervalMs)
      out.push(missing);
  }
  return out;
}

export type Percentiles = { p50: number; p90: number; p99: number };

/** p50/p90/p99 of response times in ms, to 0.1 ms. */
export function percentiles(durations: readonly number[]): Percentiles {
  const sorted = durations.toSorted((a, b) => a - b);
  const at = (q: number) => Math.round(quantile(sorted, q) * 10) / 10;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}
