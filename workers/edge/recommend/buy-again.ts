/** An item the visitor bought: when, if known (any order; empty when only the item is known). */
export type PastPurchase = { id: string; boughtAt: readonly number[] };

/** Without purchase times: each step down the recency order keeps this share of a score. */
const RECENCY = 0.9;
/** Each basket back (the visitor's purchase instants, newest first) keeps this share. */
const BASKET_DECAY = 0.9;
/** How far the repeat cycle moves a score: x(1 - DUE) far from due, up to x(1 + DUE) when due. */
const DUE = 0.25;

/**
 * "Buy it again": the visitor's past purchases, ranked by how likely they are bought in the
 * next basket. `purchases` come most recent first. With purchase times, an item scores the sum
 * over its purchases of 0.9 per basket since (the visitor's distinct purchase instants): how
 * often, and how lately, it was bought (frequency with a time decay, as in TIFU-kNN's repeat
 * part); once bought twice, its repeat cycle (the median gap) moves that by at most a quarter,
 * up when the time since the last purchase is about one cycle. Purchase frequency decides most:
 * measured on a repeat-purchase log, a stronger cycle term or a per-item recency rank ranked
 * worse than plain purchase counts. With no times (a profile that keeps only the order) the
 * ranking is the recency order. Pure.
 */
export function buyAgain(
  purchases: readonly PastPurchase[],
  now: number,
  limit: number,
): { id: string; score: number }[] {
  const timesOf = (p: PastPurchase) =>
    p.boughtAt
      .filter(Number.isFinite)
      .slice()
      .sort((a, b) => a - b);
  // Baskets back from now: the visitor's distinct purchase instants, newest first.
  const instants = [...new Set(purchases.flatMap(timesOf))].sort((a, b) => b - a);
  const basketsBack = new Map(instants.map((t, i) => [t, i]));
  const seen = new Set<string>();
  const out: { id: string; score: number }[] = [];
  purchases.forEach((p, rank) => {
    if (!p.id || seen.has(p.id)) return;
    seen.add(p.id);
    const times = timesOf(p);
    if (!times.length) {
      out.push({ id: p.id, score: RECENCY ** rank });
      return;
    }
    let score = 0;
    for (const t of times) score += BASKET_DECAY ** basketsBack.get(t)!;
    if (times.length >= 2) {
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      const cycle = median(gaps);
      const elapsed = now - times[times.length - 1]!;
      // Within about half a cycle of being due counts.
      if (cycle > 0)
        score *= 1 - DUE + 2 * DUE * Math.exp(-0.5 * ((elapsed - cycle) / (cycle / 2)) ** 2);
    }
    out.push({ id: p.id, score });
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
