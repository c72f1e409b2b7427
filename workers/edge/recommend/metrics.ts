import type { Interaction } from "./interactions.ts";

/** One held-out case: what the visitor did before (most recent first) and what came next. */
export type EvalCase = { visitor: string; history: string[]; target: string };

/**
 * Time-ordered leave-last-out: each visitor's last interaction (by time, then input order) is
 * the target if it is an item they had not touched before; everything else is training data.
 * Visitors with a single item give no case (nothing to recommend from).
 */
export function leaveLastOut(
  interactions: readonly Interaction[],
  historyLimit = 50,
): { train: Interaction[]; cases: EvalCase[] } {
  const byVisitor = new Map<string, number[]>();
  interactions.forEach((x, i) => {
    let list = byVisitor.get(x.visitor);
    if (!list) byVisitor.set(x.visitor, (list = []));
    list.push(i);
  });
  const held = new Set<number>();
  const cases: EvalCase[] = [];
  for (const [visitor, rows] of byVisitor) {
    rows.sort((a, b) => interactions[a]!.at - interactions[b]!.at || a - b);
    const last = rows[rows.length - 1]!;
    const target = interactions[last]!.item;
    const before = rows.slice(0, -1).map((r) => interactions[r]!.item);
    if (before.length === 0 || before.includes(target)) continue;
    held.add(last);
    const history: string[] = [];
    for (let i = before.length - 1; i >= 0 && history.length < historyLimit; i--)
      if (!history.includes(before[i]!)) history.push(before[i]!);
    cases.push({ visitor, history, target });
  }
  return { train: interactions.filter((_, i) => !held.has(i)), cases };
}

export type MetricsAtK = { recall: number; ndcg: number };
export type EvalResult = {
  cases: number;
  /** Keyed by k. */
  at: Record<number, MetricsAtK & { coverage: number }>;
  /** Mean reciprocal rank within the ranked list (0 when the target is not in it). */
  mrr: number;
};

/**
 * Recall@k (= hit rate with one target per case), NDCG@k (1 / log2(rank + 1)), MRR over the
 * ranked lists, and catalog coverage@k (distinct items shown in any top k / catalog size).
 */
export function evaluateRankings(
  cases: readonly EvalCase[],
  ranked: readonly (readonly string[])[],
  ks: readonly number[],
  catalogSize: number,
): EvalResult {
  const at: EvalResult["at"] = {};
  const shown = new Map(ks.map((k) => [k, new Set<string>()]));
  const sums = new Map(ks.map((k) => [k, { recall: 0, ndcg: 0 }]));
  let mrr = 0;
  cases.forEach((c, i) => {
    const list = ranked[i] ?? [];
    const rank = list.indexOf(c.target) + 1;
    if (rank > 0) mrr += 1 / rank;
    for (const k of ks) {
      for (let r = 0; r < Math.min(k, list.length); r++) shown.get(k)!.add(list[r]!);
      if (rank > 0 && rank <= k) {
        sums.get(k)!.recall += 1;
        sums.get(k)!.ndcg += 1 / Math.log2(rank + 1);
      }
    }
  });
  const n = cases.length || 1;
  for (const k of ks)
    at[k] = {
      recall: sums.get(k)!.recall / n,
      ndcg: sums.get(k)!.ndcg / n,
      coverage: catalogSize ? shown.get(k)!.size / catalogSize : 0,
    };
  return { cases: cases.length, at, mrr: mrr / n };
}
