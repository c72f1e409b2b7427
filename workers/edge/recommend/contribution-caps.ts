import {
  accumulate,
  addCounts,
  decayWeight,
  emptyCounts,
  type CooccurrenceOptions,
  type Counts,
} from "./cooccurrence.ts";
import type { Interaction } from "./interactions.ts";

/**
 * Limits on what anonymous browsers can add to the co-view, co-cart and popularity counts:
 * events come from anyone, and a few scripted visitors viewing a target next to a popular item
 * would otherwise put the target in that item's "similar" list.
 */
export type ContributionCaps = {
  /** A visitor counts as a new id for this long after their first interaction. */
  newIdMs: number;
  /** Distinct items one visitor adds per UTC day; the rest of their day adds nothing. */
  itemsPerVisitorDay: number;
  /** The same for a new id, which costs an attacker nothing to make. */
  itemsPerNewIdDay: number;
  /**
   * Visitors' worth of weight new ids may add to one item per run beyond what established
   * visitors added to it in the same run (popularity).
   */
  newIdItemAllowance: number;
  /** A pair is flagged when a run adds at least this many visitors' worth of co-views... */
  flagMinVisitors: number;
  /** ...and at least this many times what the pair had before the run. */
  flagRatio: number;
  /** Flags kept per run, biggest first. */
  maxFlags: number;
};

export const CONTRIBUTION_CAPS: ContributionCaps = {
  newIdMs: 24 * 3600 * 1000,
  itemsPerVisitorDay: 40,
  itemsPerNewIdDay: 10,
  newIdItemAllowance: 5,
  flagMinVisitors: 10,
  flagRatio: 3,
  maxFlags: 20,
};

const DAY = 86_400_000;

/**
 * When each visitor was first seen (their Durable Object's first touchpoint, as Turso's
 * `visitors` row has it). A visitor without one was not identified by the edge (an import, a
 * seed): counted as established.
 */
export type FirstSeen = ReadonlyMap<string, number>;

/**
 * `fresh` split by who made each interaction: established visitors and new ids (first seen
 * less than `newIdMs` before it). Each visitor's distinct items per UTC day beyond their cap
 * are dropped. Decided from the visitor's own history (`prior` then `fresh`, in ingestion
 * order), so events split across runs are capped exactly as in one pass.
 */
export function splitByStanding(
  prior: readonly Interaction[],
  fresh: readonly Interaction[],
  firstSeen: FirstSeen,
  caps: ContributionCaps = CONTRIBUTION_CAPS,
): { established: Interaction[]; newIds: Interaction[]; dropped: number } {
  const itemsByDay = new Map<string, Set<string>>();
  const admit = (i: Interaction, isNew: boolean) => {
    const key = `${i.visitor}\u0000${Math.floor(i.at / DAY)}`;
    let items = itemsByDay.get(key);
    if (!items) itemsByDay.set(key, (items = new Set()));
    if (items.has(i.item)) return true;
    if (items.size >= (isNew ? caps.itemsPerNewIdDay : caps.itemsPerVisitorDay)) return false;
    items.add(i.item);
    return true;
  };
  const isNewAt = (i: Interaction) => i.at - (firstSeen.get(i.visitor) ?? -Infinity) < caps.newIdMs;
  for (const i of prior) admit(i, isNewAt(i));
  const out = { established: [] as Interaction[], newIds: [] as Interaction[], dropped: 0 };
  for (const i of fresh) {
    const isNew = isNewAt(i);
    if (!admit(i, isNew)) out.dropped++;
    else (isNew ? out.newIds : out.established).push(i);
  }
  return out;
}

export type CappedCounts = {
  /** What the run adds: established visitors' counts plus what new ids were allowed. */
  counts: Counts;
  /** What new ids would have added to each pair's co-views but were held back. */
  heldBack: Counts;
  /** Interactions dropped by the per-visitor daily caps. */
  dropped: number;
};

/**
 * The co-occurrence counts `fresh` adds under the caps (see splitByStanding). New ids add to a
 * pair at most what established visitors added to it in the same run: a pair only new ids
 * make is not learned, whatever their number. To an item's popularity they add at most what
 * established visitors added plus `newIdItemAllowance` visitors' worth. `now` and `epoch`
 * give a visitor's weight at this run (see decayWeight).
 */
export function cappedCounts(
  prior: readonly Interaction[],
  fresh: readonly Interaction[],
  firstSeen: FirstSeen,
  epoch: number,
  now: number,
  cooccurrence: CooccurrenceOptions,
  caps: ContributionCaps = CONTRIBUTION_CAPS,
): CappedCounts {
  const { established, newIds, dropped } = splitByStanding(prior, fresh, firstSeen, caps);
  const counts = emptyCounts();
  accumulate(counts, prior, established, epoch, cooccurrence);
  const fromNew = emptyCounts(counts.index);
  accumulate(fromNew, prior, newIds, epoch, cooccurrence);
  const heldBack = emptyCounts(counts.index);
  const allowed = emptyCounts(counts.index);
  fromNew.pairs.forEach((a, b, view, cart, buy) => {
    const backing = counts.pairs.get(a, b) ?? [0, 0, 0];
    [view, cart, buy].forEach((w, c) => {
      const ok = Math.min(w, backing[c]!);
      if (ok > 0) allowed.pairs.add(a, b, c, ok);
      if (w > ok) heldBack.pairs.add(a, b, c, w - ok);
    });
  });
  const allowance = caps.newIdItemAllowance * decayWeight(now, epoch, cooccurrence.halfLifeMs);
  for (let i = 0; i < counts.index.size; i++)
    for (let c = 0; c < 3; c++) {
      const w = fromNew.items.get(i, c);
      const ok = Math.min(w, counts.items.get(i, c) + allowance);
      if (ok > 0) allowed.items.add(i, c, ok);
      if (w > ok) heldBack.items.add(i, c, w - ok);
    }
  addCounts(counts, allowed);
  return { counts, heldBack, dropped };
}

/**
 * Pairs whose co-views jumped in one run: at least `flagMinVisitors` visitors' worth added and
 * `flagRatio` times what the pair had before (`after`: the stored counts with the run's added),
 * or that much held back from new ids. For
 * the merchant to look at (a campaign, or someone pushing a product), biggest first.
 */
export function coViewFlags(
  added: CappedCounts,
  after: Counts,
  unit: number,
  caps: ContributionCaps = CONTRIBUTION_CAPS,
): string[] {
  const min = caps.flagMinVisitors * unit;
  const ids = added.counts.index.ids;
  const found: { size: number; text: string }[] = [];
  const seen = new Set<string>();
  const check = (a: number, b: number) => {
    const key = `${a}:${b}`;
    if (seen.has(key)) return;
    seen.add(key);
    const add = added.counts.pairs.get(a, b)?.[0] ?? 0;
    const held = added.heldBack.pairs.get(a, b)?.[0] ?? 0;
    const x = after.index.get(ids[a]!);
    const y = after.index.get(ids[b]!);
    const now = x === undefined || y === undefined ? 0 : (after.pairs.get(x, y)?.[0] ?? 0);
    const was = Math.max(0, now - add);
    const jumped = add >= min && add >= caps.flagRatio * was;
    if (!jumped && held < min) return;
    const [p, q] = [ids[a]!, ids[b]!].sort();
    const fmt = (w: number) => (w / unit).toFixed(1);
    found.push({
      size: add + held,
      text:
        `${p} + ${q}: +${fmt(add)} co-views (had ${fmt(was)})` +
        (held > 0 ? `, ${fmt(held)} from new ids held back` : ""),
    });
  };
  added.counts.pairs.forEach((a, b, view) => view > 0 && check(Math.min(a, b), Math.max(a, b)));
  added.heldBack.pairs.forEach((a, b, view) => view > 0 && check(Math.min(a, b), Math.max(a, b)));
  return found
    .sort((x, y) => y.size - x.size || (x.text < y.text ? -1 : 1))
    .slice(0, caps.maxFlags)
    .map((f) => f.text);
}
