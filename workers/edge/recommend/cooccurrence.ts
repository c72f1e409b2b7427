import type { Interaction } from "./interactions.ts";
import { ItemIndex, PairTable } from "./pair-table.ts";

export type CooccurrenceOptions = {
  /** Weights halve every `halfLifeMs`: last month's behaviour outweighs last year's. */
  halfLifeMs: number;
  /** Per channel (view, cart, buy): two items pair when one visitor had both within this time. */
  windowMs: [number, number, number];
  /** A new occurrence pairs with at most this many of the visitor's most recent other items. */
  maxPartners: number;
};

const DAY = 86_400_000;
export const COOCCURRENCE_DEFAULTS: CooccurrenceOptions = {
  halfLifeMs: 30 * DAY,
  windowMs: [7 * DAY, 14 * DAY, 120 * DAY],
  maxPartners: 40,
};

/** Longest window: prior history older than this cannot change what new events count. */
export const lookbackMs = (o: CooccurrenceOptions) => Math.max(...o.windowMs);

/**
 * Forward decay: an increment at `at` weighs 2^((at - epoch) / halfLife). Every stored weight
 * shares the same epoch, so sums stay exact and "now" only rescales them all by one factor.
 */
export const decayWeight = (at: number, epoch: number, halfLifeMs: number) =>
  Math.pow(2, (at - epoch) / halfLifeMs);

/** Per-item counts of visitor windows, per channel, as a growable typed array (3 per item). */
export class ItemCounts {
  vals = new Float64Array(3 * 64);
  add(item: number, c: number, weight: number): void {
    if (item * 3 + 2 >= this.vals.length) {
      const next = new Float64Array(Math.max(this.vals.length * 2, item * 3 + 3));
      next.set(this.vals);
      this.vals = next;
    }
    this.vals[item * 3 + c]! += weight;
  }
  get(item: number, c: number): number {
    return this.vals[item * 3 + c] ?? 0;
  }
}

export type Counts = { index: ItemIndex; pairs: PairTable; items: ItemCounts };

export function emptyCounts(index = new ItemIndex()): Counts {
  return { index, pairs: new PairTable(), items: new ItemCounts() };
}

/**
 * Adds the co-occurrences that `fresh` interactions create to `into`. `prior` is what the same
 * visitors did before (already counted by an earlier run): it only tells which items were
 * recently present. Both lists are in ingestion order.
 *
 * An occurrence counts when the visitor had no occurrence of the same item in that channel
 * within the window before it: a visitor who views a product ten times counts once, so heavy
 * visitors do not drown the rest. A counted occurrence pairs with the visitor's other items
 * present in the window. Processing the same events split across several runs gives exactly
 * the same counts as one pass, which is what lets the trainer resume from a watermark.
 */
export function accumulate(
  into: Counts,
  prior: readonly Interaction[],
  fresh: readonly Interaction[],
  epoch: number,
  options: CooccurrenceOptions = COOCCURRENCE_DEFAULTS,
): { counted: number } {
  const byVisitor = new Map<string, { prior: Interaction[]; fresh: Interaction[] }>();
  const bucket = (v: string) => {
    let b = byVisitor.get(v);
    if (!b) byVisitor.set(v, (b = { prior: [], fresh: [] }));
    return b;
  };
  for (const i of fresh) bucket(i.visitor).fresh.push(i);
  for (const i of prior) byVisitor.get(i.visitor)?.prior.push(i);

  let counted = 0;
  const { index, pairs, items } = into;
  const { windowMs, maxPartners, halfLifeMs } = options;
  const partners: { item: number; at: number }[] = [];
  for (const { prior: before, fresh: now } of byVisitor.values()) {
    // Latest occurrence time per item, one map per channel.
    const seen = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
    for (const i of before) {
      const item = index.intern(i.item);
      for (let c = 0; c <= i.level; c++) seen[c]!.set(item, i.at);
    }
    for (const i of now) {
      const item = index.intern(i.item);
      const w = decayWeight(i.at, epoch, halfLifeMs);
      for (let c = 0; c <= i.level; c++) {
        const present = seen[c]!;
        const window = windowMs[c]!;
        const last = present.get(item);
        present.set(item, i.at);
        if (last !== undefined && Math.abs(i.at - last) <= window) continue;
        counted++;
        items.add(item, c, w);
        partners.length = 0;
        for (const [other, at] of present)
          if (other !== item && Math.abs(i.at - at) <= window) partners.push({ item: other, at });
        if (partners.length > maxPartners) partners.sort((x, y) => y.at - x.at);
        const n = Math.min(partners.length, maxPartners);
        for (let p = 0; p < n; p++) pairs.add(item, partners[p]!.item, c, w);
      }
    }
  }
  return { counted };
}

/** `into += sign * delta`, item numbers translated through the ids. */
export function addCounts(into: Counts, delta: Counts, sign = 1): void {
  const map = delta.index.ids.map((id) => into.index.intern(id));
  delta.pairs.forEach((a, b, view, cart, buy) => {
    const x = map[a]!;
    const y = map[b]!;
    if (view) into.pairs.add(x, y, 0, sign * view);
    if (cart) into.pairs.add(x, y, 1, sign * cart);
    if (buy) into.pairs.add(x, y, 2, sign * buy);
  });
  for (let i = 0; i < delta.index.size; i++)
    for (let c = 0; c < 3; c++) {
      const w = delta.items.get(i, c);
      if (w) into.items.add(map[i]!, c, sign * w);
    }
}
