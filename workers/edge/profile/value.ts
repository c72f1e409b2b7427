import type { Lifecycle, Rfm, ValueTier } from "../model/profile.ts";
import { DAY } from "./decay.ts";

/**
 * Lifecycle from visit recency, in days. `new`: first seen at most `newFor` days ago;
 * `active`: last seen at most `atRiskAfter` days ago; `at_risk`: up to `lapsedAfter`;
 * `lapsed`: beyond. Time alone moves a visitor along, so whoever stores the profile should
 * rebuild it when `nextLifecycleChange` passes.
 */
export type LifecycleRules = { newFor: number; atRiskAfter: number; lapsedAfter: number };
export const LIFECYCLE_RULES: LifecycleRules = { newFor: 14, atRiskAfter: 30, lapsedAfter: 90 };

export function lifecycleOf(
  firstAt: number | null,
  lastAt: number | null,
  now: number,
  rules: LifecycleRules = LIFECYCLE_RULES,
): Lifecycle {
  if (firstAt === null || lastAt === null) return "new";
  const idle = now - lastAt;
  if (idle > rules.lapsedAfter * DAY) return "lapsed";
  if (idle > rules.atRiskAfter * DAY) return "at_risk";
  if (now - firstAt <= rules.newFor * DAY) return "new";
  return "active";
}

/** When the lifecycle next changes with no new event (null once lapsed). */
export function nextLifecycleChange(
  firstAt: number | null,
  lastAt: number | null,
  now: number,
  rules: LifecycleRules = LIFECYCLE_RULES,
): number | null {
  if (firstAt === null || lastAt === null) return null;
  const moments = [
    firstAt + rules.newFor * DAY,
    lastAt + rules.atRiskAfter * DAY,
    lastAt + rules.lapsedAfter * DAY,
  ].filter((t) => t > now);
  // +1 ms: the thresholds are inclusive, the change happens just after them.
  return moments.length ? Math.min(...moments) + 1 : null;
}

/**
 * RFM scores, 1 (weak) to 5 (strong), on fixed per-visitor thresholds (the scheduled worker
 * may re-score against the whole population). Each list holds the lower bounds of scores 2..5:
 * recency in days since the last order (at most), orders (at least), spend in cents (at least).
 */
export type RfmRules = {
  recencyDays: [number, number, number, number];
  orders: [number, number, number, number];
  spendCents: [number, number, number, number];
};
export const RFM_RULES: RfmRules = {
  recencyDays: [365, 180, 90, 30],
  orders: [2, 3, 4, 6],
  spendCents: [5_000, 15_000, 40_000, 100_000],
};

export function rfmOf(
  orders: { count: number; totalCents: number; lastAt: number | null },
  now: number,
  rules: RfmRules = RFM_RULES,
): Rfm | null {
  if (orders.count === 0 || orders.lastAt === null) return null;
  const days = Math.max(0, now - orders.lastAt) / DAY;
  const r = 1 + rules.recencyDays.filter((limit) => days <= limit).length;
  const f = 1 + rules.orders.filter((min) => orders.count >= min).length;
  const m = 1 + rules.spendCents.filter((min) => orders.totalCents >= min).length;
  return { r, f, m };
}

/**
 * Customer value from frequency and money (recency is the lifecycle's business): `high` with
 * the top spend score or F + M >= 8 (e.g. 4 orders and 400+ spent), `mid` with F + M >= 5
 * (e.g. one order of 400+, or 3 orders of 150+), otherwise `low`; `none` before any order.
 */
export function valueTierOf(rfm: Rfm | null): ValueTier {
  if (!rfm) return "none";
  if (rfm.m === 5 || rfm.f + rfm.m >= 8) return "high";
  if (rfm.f + rfm.m >= 5) return "mid";
  return "low";
}
