/** An item the visitor bought: when, if known (any order; empty when only the item is known). */
export type PastPurchase = { id: string; boughtAt: readonly number[] };

/** Each step down the recency order keeps this share of an item's score. */
const RECENCY = 0.9;

/**
 * "Buy it again": the visitor's past purchases, ranked by how likely they are due again.
 * `purchases` come most recent first. An item's score grows with how often it was bought and
 * falls with its recency rank; once it was bought at least twice, its repeat cycle (the median
 * gap between purchases) tells whether it is due: the score peaks when the time since the last
 * purchase is about one cycle and stays at half weight far from it. With no purchase times (a
 * profile that keeps only the order) the ranking is the recency order. Pure.
 */
export function buyAgain(
  purchases: readonly PastPurchase[],
  now: number,
  limit: number,
): { id: string; score: number }[] {
  const seen = new Set<string>();
  const out: { id: string; score: number }[] = [];
  purchases.forEach((p, rank) => {
    if (!p.id || seen.has(p.id)) return;
    seen.add(p.id);
    const times = p.boughtAt
      .filter(Number.isFinite)
      .slice()
      .sort((a, b) => a - b);
    const n = Math.max(1, times.length);
    let timing = 1;
    if (times.length >= 2) {
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      const cycle = median(gaps);
      const elapsed = now - times[times.length - 1]!;
      // Within about half a cycle of being due counts; far off keeps half weight.
      if (cycle > 0) timing = 0.5 + Math.exp(-0.5 * ((elapsed - cycle) / (cycle / 2)) ** 2);
    }
    out.push({ id: p.id, score: Math.log2(1 + n) * timing * RECENCY ** rank });
  });
  return out
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, Math.max(0, limit));
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
