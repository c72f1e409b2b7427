import { DAY_MS } from "../../workers/edge/clock.ts";

/**
 * Projects that run the time-travel suite (`*.clock.worker.test.ts`) with the clock moved
 * a year and a day ahead and back: the Worker reads `CLOCK_OFFSET_MS`, and the global setup
 * seeds their Turso for the same moved day.
 */
export const CLOCK_PROJECTS: Record<string, number> = {
  "clock-year-ahead": 366 * DAY_MS,
  "clock-year-back": -366 * DAY_MS,
};
