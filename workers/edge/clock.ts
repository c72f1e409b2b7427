/**
 * The one clock Vitrine reads the time from: the Worker, its Durable Object, the cron jobs,
 * the seeds and the local stack. `CLOCK_OFFSET_MS` (local stack and tests only) moves it, so
 * the whole path can be run a year ahead or back without touching the machine's clock.
 * Elapsed time (budgets, timings) is measured with `Date.now()` directly: an offset cancels out.
 */
let offsetMs = 0;

/** Milliseconds since the epoch, as this deployment sees them. */
export const now = (): number => Date.now() + offsetMs;

/** The clock's reading of a platform timestamp (a cron's `scheduledTime`, say). */
export const fromPlatform = (platformMs: number): number => platformMs + offsetMs;

/** Moves the clock by `ms` from the machine's time (0 puts it back). */
export function setClockOffset(ms: number): void {
  offsetMs = ms;
}

/**
 * The offset a Worker's env asks for (`CLOCK_OFFSET_MS`); absent or empty means none. A value
 * that is not a number is logged and ignored: a page is never refused over a test setting.
 */
export function useClockOf(env: { CLOCK_OFFSET_MS?: string }): void {
  const raw = env.CLOCK_OFFSET_MS?.trim();
  const ms = raw ? Number(raw) : 0;
  if (!Number.isFinite(ms))
    console.error(JSON.stringify({ msg: "CLOCK_OFFSET_MS is not a number; ignored", raw }));
  offsetMs = Number.isFinite(ms) ? ms : 0;
}

/** Midnight UTC of the day `at` falls on: the anchor demo data is generated from. */
export const dayStart = (at: number): number => at - (((at % DAY_MS) + DAY_MS) % DAY_MS);

export const DAY_MS = 24 * 3600 * 1000;
