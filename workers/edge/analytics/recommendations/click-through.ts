import { betaPosterior, credibleInterval } from "../stats/bayesian.ts";

export type SlotCounts = { slot: string; variant: string; impressions: number; clicks: number };

export type SlotPerformance = SlotCounts & {
  /** clicks / impressions (a click without a recorded impression still counts as one). */
  ctr: number;
  /** 95% credible interval of the click-through rate (uniform prior). */
  interval: [number, number];
};

/**
 * Click-through on injected slots: impressions are the page views that rendered the variant
 * (the `slots` a personalized page view carries), clicks the tracker's `slot_click` events.
 * Clicks can outnumber recorded impressions when page views were lost or pre-date logging;
 * impressions are then raised to the clicks so the rate stays a proportion.
 */
export function clickThrough(impressions: SlotCounts[], clicks: SlotCounts[]): SlotPerformance[] {
  const rows = new Map<string, SlotCounts>();
  const row = (slot: string, variant: string) => {
    const key = `${slot}\u0000${variant}`;
    let r = rows.get(key);
    if (!r) {
      r = { slot, variant, impressions: 0, clicks: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const i of impressions) row(i.slot, i.variant).impressions += i.impressions;
  for (const c of clicks) row(c.slot, c.variant).clicks += c.clicks;
  return [...rows.values()]
    .map((r) => {
      const shown = Math.max(r.impressions, r.clicks);
      return {
        ...r,
        ctr: shown ? r.clicks / shown : 0,
        interval: credibleInterval(betaPosterior(r.clicks, shown)),
      };
    })
    .sort(
      (a, b) =>
        b.impressions - a.impressions ||
        b.clicks - a.clicks ||
        (a.slot + a.variant < b.slot + b.variant ? -1 : 1),
    );
}
