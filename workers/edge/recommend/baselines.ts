import type { Interaction } from "./interactions.ts";
import type { RecoModel } from "./model.ts";
import { recommend, type ItemFacts } from "./score.ts";

/** Ranks items for a visitor history (most recent first); never returns history items. */
export type Ranker = (history: readonly string[], k: number) => string[];

/** Most interacted-with items (distinct visitors), the baseline every model must beat. */
export function popularityRanker(train: readonly Interaction[]): Ranker {
  const visitors = new Map<string, Set<string>>();
  for (const x of train) {
    let s = visitors.get(x.item);
    if (!s) visitors.set(x.item, (s = new Set()));
    s.add(x.visitor);
  }
  const ranked = [...visitors]
    .sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))
    .map(([id]) => id);
  return (history, k) => {
    const skip = new Set(history);
    const out: string[] = [];
    for (const id of ranked) {
      if (out.length >= k) break;
      if (!skip.has(id)) out.push(id);
    }
    return out;
  };
}

/**
 * Classic item-kNN: cosine similarity between items' visitor sets (binary), `neighbours` kept
 * per item, a history scored by summed similarity. Memory O(items + interactions); time
 * O(sum over visitors of their item count squared).
 */
export function itemKnnRanker(train: readonly Interaction[], neighbours = 100): Ranker {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const byVisitor = new Map<string, Set<number>>();
  for (const x of train) {
    let i = index.get(x.item);
    if (i === undefined) {
      index.set(x.item, (i = ids.length));
      ids.push(x.item);
    }
    let s = byVisitor.get(x.visitor);
    if (!s) byVisitor.set(x.visitor, (s = new Set()));
    s.add(i);
  }
  const n = ids.length;
  const users: number[][] = Array.from({ length: n }, () => []);
  const baskets = [...byVisitor.values()].map((s) => [...s]);
  baskets.forEach((b, u) => b.forEach((i) => users[i]!.push(u)));
  const co = new Float64Array(n);
  const touched: number[] = [];
  const sims: [number, number][][] = [];
  for (let i = 0; i < n; i++) {
    touched.length = 0;
    for (const u of users[i]!)
      for (const j of baskets[u]!) {
        if (j === i) continue;
        if (co[j] === 0) touched.push(j);
        co[j]!++;
      }
    const row = touched.map((j): [number, number] => [
      j,
      co[j]! / Math.sqrt(users[i]!.length * users[j]!.length),
    ]);
    for (const j of touched) co[j] = 0;
    row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    sims.push(row.slice(0, neighbours));
  }
  return (history, k) => {
    const scores = new Map<number, number>();
    const skip = new Set<number>();
    for (const id of history) {
      const i = index.get(id);
      if (i !== undefined) skip.add(i);
    }
    for (const i of skip) for (const [j, s] of sims[i]!) scores.set(j, (scores.get(j) ?? 0) + s);
    return [...scores]
      .filter(([j]) => !skip.has(j))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([j]) => ids[j]!);
  };
}

/**
 * The production model as the edge uses it: the "recommended for you" slot with the history as
 * the session's recent items, every item in stock, popularity as the fallback.
 */
export function modelRanker(model: RecoModel | null, popular: readonly string[]): Ranker {
  const facts = (): ItemFacts => ({ name: "", categoryId: "", stock: 1 });
  return (history, k) =>
    recommend(
      { model, facts, popularIn: () => [], popular },
      {
        slot: "recommended",
        current: null,
        recent: history,
        cart: [],
        purchased: [],
        affinity: {},
        category: null,
        limit: k,
      },
    ).map((r) => r.id);
}
