import { accumulate, emptyCounts, type CooccurrenceOptions } from "./cooccurrence.ts";
import type { Interaction } from "./interactions.ts";
import { buildModel, type RecoModel, type TrainOptions } from "./model.ts";
import { EASE_DEFAULTS } from "./neighbours.ts";
import { PURCHASE_DECAY, RECENT_DECAY, recommend } from "./score.ts";

/**
 * Candidates for the shop's own validation. The first of each list is the production default,
 * kept unless another value does strictly better. `lambda`: EASE regularization as a multiple
 * of the mean diagonal; `recentDecay` / `purchaseDecay`: the edge's weight per step back in the
 * recently viewed items / the purchases anchoring "recommended for you".
 */
export type TuneGrid = {
  lambda: readonly number[];
  recentDecay: readonly number[];
  purchaseDecay: readonly number[];
};

export type SelfTuneOptions = {
  /** Training uses interactions strictly before this instant; cases start at or after it. */
  cutoff: number;
  grid: TuneGrid;
  /** Recall cut-off (the size of a shown list). */
  k: number;
  /** Fewer cases than this: not enough evidence, nothing is tuned (null). */
  minCases: number;
  /** At most this many cases (visitors in id order): bounds the scoring time. */
  maxCases: number;
  historyLimit: number;
  cooccurrence: CooccurrenceOptions;
  train: TrainOptions;
};

/** A visitor's first session after the cutoff: what they did before it, and its new items. */
export type TuneCase = {
  visitor: string;
  /** Items looked at or carted but not bought, most recent first. */
  recent: string[];
  /** Items bought, most recent first. */
  purchased: string[];
  /** The session's items the visitor had not touched before the cutoff. */
  target: string[];
};

export type TunePoint = {
  lambda: number;
  recentDecay: number;
  purchaseDecay: number;
  recall: number;
};

export type TuneResult = TunePoint & {
  cases: number;
  /** Recall of the grid's first point (the production defaults) on the same cases. */
  defaultRecall: number;
  tried: TunePoint[];
};

/** Events further apart than this start a new session. */
const SESSION_GAP_MS = 30 * 60_000;

/**
 * The validation split: `train` = every interaction strictly before `cutoff` (nobody's later
 * events); one case per visitor with history before the cutoff, from their first session at or
 * after it (events less than 30 minutes apart), its items new to them as the targets.
 */
export function tuningSplit(
  interactions: readonly Interaction[],
  cutoff: number,
  historyLimit: number,
): { train: Interaction[]; cases: TuneCase[] } {
  const train: Interaction[] = [];
  const before = new Map<string, Interaction[]>();
  const after = new Map<string, Interaction[]>();
  for (const i of interactions) {
    const into = i.at < cutoff ? before : after;
    if (i.at < cutoff) train.push(i);
    let l = into.get(i.visitor);
    if (!l) into.set(i.visitor, (l = []));
    l.push(i);
  }
  const cases: TuneCase[] = [];
  for (const visitor of [...after.keys()].sort()) {
    const past = before.get(visitor);
    if (!past) continue;
    // Most recent first; the strongest level per item decides bought or just looked at.
    const level = new Map<string, number>();
    const order: string[] = [];
    for (const i of past.slice().sort((a, b) => b.at - a.at)) {
      if (!level.has(i.item)) order.push(i.item);
      level.set(i.item, Math.max(level.get(i.item) ?? 0, i.level));
    }
    const history = order.slice(0, historyLimit);
    const later = after
      .get(visitor)!
      .slice()
      .sort((a, b) => a.at - b.at);
    const session = new Set<string>();
    let last = later[0]!.at;
    for (const i of later) {
      if (i.at - last > SESSION_GAP_MS) break;
      last = i.at;
      session.add(i.item);
    }
    const target = [...session].filter((id) => !level.has(id)).sort();
    if (!history.length || !target.length) continue;
    cases.push({
      visitor,
      recent: history.filter((id) => level.get(id)! < 2),
      purchased: history.filter((id) => level.get(id) === 2),
      target,
    });
  }
  return { train, cases };
}

/** Share of the targets in the top k of the edge's "recommended for you" list, per case. */
export function recallOf(
  model: RecoModel,
  cases: readonly TuneCase[],
  k: number,
  decay: { recent: number; purchase: number },
) {
  const facts = () => ({ name: "", categoryId: "", stock: 1 });
  let sum = 0;
  for (const c of cases) {
    const list = recommend(
      { model, facts, popularIn: () => [], popular: [] },
      {
        slot: "recommended",
        current: null,
        recent: c.recent,
        cart: [],
        purchased: c.purchased,
        affinity: {},
        category: null,
        limit: k,
        recentDecay: decay.recent,
        purchaseDecay: decay.purchase,
      },
    );
    const shown = new Set(list.map((r) => r.id));
    sum += c.target.filter((t) => shown.has(t)).length / c.target.length;
  }
  return cases.length ? sum / cases.length : 0;
}

/**
 * Tunes the EASE regularization and the recency decays on the shop's own most recent slice:
 * a model per lambda is trained on the interactions before `cutoff` only, every decay pair is
 * scored on the visitors' first sessions after it ("recommended for you", their new items),
 * and the best point wins (ties keep the earlier point, the grid's first being the defaults).
 * Null when there are fewer than `minCases` cases or no EASE. Pure; one EASE build per lambda.
 */
export function selfTune(
  interactions: readonly Interaction[],
  o: SelfTuneOptions,
): TuneResult | null {
  const g = o.grid;
  if (!o.train.ease || !g.lambda.length || !g.recentDecay.length || !g.purchaseDecay.length)
    return null;
  const split = tuningSplit(interactions, o.cutoff, o.historyLimit);
  const cases = split.cases.slice(0, o.maxCases);
  if (cases.length < Math.max(1, o.minCases)) return null;
  const epoch = split.train.reduce((t, i) => Math.max(t, i.at), 0);
  const counts = emptyCounts();
  accumulate(counts, [], split.train, epoch, o.cooccurrence);
  const tried: TunePoint[] = [];
  for (const lambda of g.lambda) {
    // buildModel only reads the counts (an empty catalog adds no items).
    const model = buildModel(
      counts,
      [],
      { version: "self-tune", createdAt: epoch },
      { ...o.train, ease: { ...o.train.ease, lambda } },
    );
    for (const recentDecay of g.recentDecay)
      for (const purchaseDecay of g.purchaseDecay)
        tried.push({
          lambda,
          recentDecay,
          purchaseDecay,
          recall: recallOf(model, cases, o.k, { recent: recentDecay, purchase: purchaseDecay }),
        });
  }
  const best = tried.reduce((a, b) => (b.recall > a.recall ? b : a));
  return { ...best, cases: cases.length, defaultRecall: tried[0]!.recall, tried };
}

/** The grid the scheduled trainer tunes on; its first values are the production defaults. */
export const SELF_TUNE_GRID: TuneGrid = {
  lambda: [EASE_DEFAULTS.lambda, 2, 8, 32],
  recentDecay: [RECENT_DECAY, 0.95],
  purchaseDecay: [PURCHASE_DECAY, 1],
};

const DAY_MS = 86_400_000;

/**
 * The scheduled trainer's self-tuning: now and then it reads the newest events, holds out their
 * last slice and picks the EASE regularization and recency decay that predict it best; every
 * model until the next tuning is built with those values.
 */
export type SelfTuneSettings = {
  /** Tune again once the last tuning is this old: each tuning builds EASE once per lambda. */
  everyMs: number;
  /** Events are read this far back from the run, at most `maxEvents` (the newest). */
  spanMs: number;
  maxEvents: number;
  /** The held-out slice: the last this-long of the events read (at most a fifth of their span). */
  validationMs: number;
  grid: TuneGrid;
  /** Recall cut-off, and the fewest / most held-out cases (fewer: keep the defaults). */
  k: number;
  minCases: number;
  maxCases: number;
  /**
   * EASE items while tuning (at most the trainer's): dense EASE costs the cube of the items, so
   * 1,000 instead of 1,500 makes each of the grid's builds about 3 times cheaper.
   */
  easeMaxItems: number;
};

export const SELF_TUNE_DEFAULTS: SelfTuneSettings = {
  everyMs: DAY_MS,
  spanMs: 35 * DAY_MS,
  maxEvents: 50_000,
  validationMs: 7 * DAY_MS,
  grid: SELF_TUNE_GRID,
  k: 10,
  minCases: 50,
  maxCases: 1_000,
  easeMaxItems: 1_000,
};

/**
 * The trainer's tuning over a log it read: the newest `spanMs` and at most `maxEvents` of it
 * (the newest), the last `validationMs` held out, or the last fifth of what was read when a
 * busy shop's newest events span less (so something is left to train on). Also what the
 * evaluation and the bench run.
 */
export function tuneOnRecent(
  interactions: readonly Interaction[],
  t: SelfTuneSettings,
  cooccurrence: CooccurrenceOptions,
  train: TrainOptions,
): TuneResult | null {
  const end = interactions.reduce((m, i) => Math.max(m, i.at), -Infinity);
  const read = interactions
    .filter((i) => i.at >= end - t.spanMs)
    .sort((a, b) => a.at - b.at)
    .slice(-t.maxEvents);
  const start = read[0]?.at ?? end;
  return selfTune(read, {
    cutoff: end - Math.min(t.validationMs, (end - start) / 5),
    grid: t.grid,
    k: t.k,
    minCases: t.minCases,
    maxCases: t.maxCases,
    historyLimit: 50,
    cooccurrence,
    train: train.ease
      ? {
          ...train,
          ease: { ...train.ease, maxItems: Math.min(train.ease.maxItems, t.easeMaxItems) },
        }
      : train,
  });
}
