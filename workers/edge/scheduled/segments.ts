import type { Lifecycle, ValueTier } from "../model/profile.ts";

/** One buyer's order history, summed: a customer, or a visitor who bought without logging in. */
export type Buyer = {
  subjectId: string;
  kind: "customer" | "visitor";
  orders: number;
  spentCents: number;
  giftOrders: number;
  firstOrderAt: number;
  lastOrderAt: number;
  /** First and last time any of their devices was seen (null: unknown). */
  firstSeenAt: number | null;
  lastSeenAt: number | null;
};

export type Segment = {
  subjectId: string;
  subjectKind: Buyer["kind"];
  recency: number;
  frequency: number;
  monetary: number;
  valueTier: ValueTier;
  lifecycle: Lifecycle;
  giftBuyer: boolean;
  orders: number;
  spentCents: number;
  lastOrderAt: number;
  computedAt: number;
};

const DAY = 86_400_000;

/**
 * Scores 1..5 by position in the population: the share of buyers with a strictly worse value,
 * in fifths. Ties share a score (most buyers have one order: they all get F = 1).
 */
function quintiles(values: number[]): (v: number) => number {
  const sorted = [...values].sort((a, b) => a - b);
  return (v) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return 1 + Math.min(4, Math.floor((5 * lo) / Math.max(1, sorted.length)));
  };
}

/**
 * RFM against the whole buyer population (the profile builder can only use fixed thresholds),
 * value tier from frequency and money (the profile's rule: high with M = 5 or F + M >= 8, mid
 * with F + M >= 5), lifecycle from activity (new within 14 days of the first visit, active
 * within 30 days, at risk within 90, then lapsed), gift buyer when half the orders were gifts.
 */
export function computeSegments(buyers: readonly Buyer[], now: number): Segment[] {
  const recency = quintiles(buyers.map((b) => -(now - b.lastOrderAt)));
  const frequency = quintiles(buyers.map((b) => b.orders));
  const monetary = quintiles(buyers.map((b) => b.spentCents));
  return buyers.map((b) => {
    const r = recency(-(now - b.lastOrderAt));
    const f = frequency(b.orders);
    const m = monetary(b.spentCents);
    const first = Math.min(b.firstSeenAt ?? b.firstOrderAt, b.firstOrderAt);
    const last = Math.max(b.lastSeenAt ?? 0, b.lastOrderAt);
    const idle = now - last;
    const lifecycle: Lifecycle =
      idle > 90 * DAY
        ? "lapsed"
        : idle > 30 * DAY
          ? "at_risk"
          : now - first <= 14 * DAY
            ? "new"
            : "active";
    return {
      subjectId: b.subjectId,
      subjectKind: b.kind,
      recency: r,
      frequency: f,
      monetary: m,
      valueTier: m === 5 || f + m >= 8 ? "high" : f + m >= 5 ? "mid" : "low",
      lifecycle,
      giftBuyer: b.giftOrders * 2 >= b.orders,
      orders: b.orders,
      spentCents: b.spentCents,
      lastOrderAt: b.lastOrderAt,
      computedAt: now,
    };
  });
}
