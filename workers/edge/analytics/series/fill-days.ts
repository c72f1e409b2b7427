/**
 * Per-day series for the dashboard's time charts. Queries return rows only for the days that
 * have data; a chart that joins those points draws a straight line across the empty days as if
 * there had been activity. Filling every UTC day of the range makes an empty day a zero.
 */
export const DAY_MS = 86_400_000;

/** Longest range a series is filled over (ten years of days): a guard, not a product limit. */
export const MAX_FILLED_DAYS = 3660;

/** Midnight UTC of the day `at` falls on (also for instants before 1970). */
export const utcDay = (at: number): number => Math.floor(at / DAY_MS) * DAY_MS;

/**
 * One row per UTC day from the day of `range.from` to the day of `range.to`, in order: the row
 * `rows` has for that day (keyed by its `day`, midnight UTC in ms), else `empty(day)`. Rows
 * outside the range are dropped.
 */
export function fillDays<T extends { day: number }>(
  rows: readonly T[],
  range: { from: number; to: number },
  empty: (day: number) => T,
): T[] {
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to) || range.from > range.to)
    throw new RangeError(`fillDays: range must be finite with from <= to`);
  const first = utcDay(range.from);
  const last = utcDay(range.to);
  const count = (last - first) / DAY_MS + 1;
  if (count > MAX_FILLED_DAYS)
    throw new RangeError(`fillDays: range spans ${count} days, at most ${MAX_FILLED_DAYS}`);
  const byDay = new Map<number, T>();
  for (const r of rows) {
    if (r.day !== utcDay(r.day)) throw new RangeError(`fillDays: day ${r.day} is not midnight UTC`);
    if (byDay.has(r.day)) throw new RangeError(`fillDays: day ${r.day} appears twice`);
    byDay.set(r.day, r);
  }
  const out: T[] = [];
  for (let day = first; day <= last; day += DAY_MS) out.push(byDay.get(day) ?? empty(day));
  return out;
}
