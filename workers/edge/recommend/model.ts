import { accumulate, emptyCounts, type Counts, type CooccurrenceOptions } from "./cooccurrence.ts";
import type { Interaction } from "./interactions.ts";
import {
  cooccurrenceNeighbours,
  easeNeighbours,
  MIXES,
  NEIGHBOUR_DEFAULTS,
  EASE_DEFAULTS,
  preferList,
  type EaseOptions,
  type NeighbourList,
  type NeighbourOptions,
} from "./neighbours.ts";

/** The lists a published model carries, per item. */
export const LIST_NAMES = ["similar", "together", "personal", "accessories"] as const;
export type ListName = (typeof LIST_NAMES)[number];

/**
 * A trained recommendation model as the edge scores from it. Items are numbered 0..size-1;
 * ids are reached through `idOf`/`indexOf`, so a published model can answer from its binary
 * form as stored (codec.ts) without building a list or map of every id first.
 */
export type RecoModel = {
  version: string;
  createdAt: number;
  size: number;
  /** The id of item `i`; undefined outside the model. */
  idOf(i: number): string | undefined;
  /** The number of item `id`; undefined when the model does not know it. */
  indexOf(id: string): number | undefined;
  lists: Record<ListName, NeighbourList>;
  /** Recent decayed popularity, max 1: fallback order and tie-breaks. */
  popularity: Float32Array;
  info: ModelInfo;
};

/** A model whose ids are a list in memory (training, evaluation, tests). */
export function modelOf(
  items: readonly string[],
  parts: Omit<RecoModel, "size" | "idOf" | "indexOf">,
): RecoModel {
  const index = new Map(items.map((id, i) => [id, i]));
  return { ...parts, size: items.length, idOf: (i) => items[i], indexOf: (id) => index.get(id) };
}

/**
 * Item `i`'s neighbours in `list`, strongest first. Entries are checked here, where they are
 * read, and not when a model is loaded (which then costs no pass over it): a damaged model
 * gives fewer neighbours, never an item outside it or a weight that is not a number.
 */
export function eachNeighbour(
  model: RecoModel,
  list: ListName,
  i: number,
  visit: (id: string, weight: number) => void,
): void {
  const l = model.lists[list];
  const start = l.offsets[i];
  const end = Math.min(l.offsets[i + 1] ?? 0, l.idx.length);
  if (start === undefined) return;
  for (let p = start; p < end; p++) {
    const id = model.idOf(l.idx[p]!);
    const w = l.weight[p]!;
    if (id !== undefined && Number.isFinite(w)) visit(id, w);
  }
}

/** Item `id`'s popularity, 0 when unknown (or damaged). */
export function popularityOf(model: RecoModel, id: string): number {
  const i = model.indexOf(id);
  const p = i === undefined ? 0 : (model.popularity[i] ?? 0);
  return Number.isFinite(p) ? p : 0;
}

export type ModelInfo = {
  /** Items covered by the closed-form EASE model (0: co-occurrence only). */
  easeItems: number;
  pairs: number;
  /** The EASE regularization the model was built with (multiple of the mean diagonal). */
  easeLambda?: number;
  /** The recency decay the edge applies to recently viewed items (tuned with the model). */
  recentDecay?: number;
  /** The decay the edge applies to purchases anchoring "recommended for you" (tuned too). */
  purchaseDecay?: number;
};

/** What the trainer knows about each catalog product beyond its id. */
export type CatalogFacts = { id: string; priceCents: number; accessoryFor: string[] };

export type TrainOptions = {
  neighbours: NeighbourOptions;
  ease: EaseOptions | null;
  /** Recorded in the model for the edge scorer; unset: the scorer's defaults. */
  recentDecay?: number;
  purchaseDecay?: number;
};

export const TRAIN_DEFAULTS: TrainOptions = { neighbours: NEIGHBOUR_DEFAULTS, ease: EASE_DEFAULTS };

/** Builds every list from accumulated counts and the catalog. Pure; deterministic. */
export function buildModel(
  counts: Counts,
  catalog: readonly CatalogFacts[],
  meta: { version: string; createdAt: number },
  options: TrainOptions = TRAIN_DEFAULTS,
): RecoModel {
  // Catalog products without interactions still get accessory lists and fallbacks.
  for (const p of catalog) counts.index.intern(p.id);
  const n = counts.index.size;
  const similar = cooccurrenceNeighbours(counts, MIXES.similar, options.neighbours);
  const together = cooccurrenceNeighbours(counts, MIXES.together, options.neighbours);
  const blended = cooccurrenceNeighbours(counts, MIXES.personal, options.neighbours);
  const ease = options.ease ? easeNeighbours(counts, MIXES.personal, options.ease) : null;
  const personal = ease ? preferList(ease.list, blended) : blended;

  const popularity = new Float32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const [v, c, b] = MIXES.personal;
    popularity[i] =
      v * counts.items.get(i, 0) + c * counts.items.get(i, 1) + b * counts.items.get(i, 2);
    top = Math.max(top, popularity[i]!);
  }
  if (top > 0) for (let i = 0; i < n; i++) popularity[i]! /= top;

  const accessories = accessoryLists(
    counts.index.ids,
    catalog,
    together,
    popularity,
    options.neighbours.k,
  );
  return modelOf(counts.index.ids.slice(), {
    version: meta.version,
    createdAt: meta.createdAt,
    lists: { similar, together, personal, accessories },
    popularity,
    info: {
      easeItems: ease?.items ?? 0,
      pairs: counts.pairs.size,
      ...(ease ? { easeLambda: options.ease!.lambda } : {}),
      ...(options.recentDecay !== undefined ? { recentDecay: options.recentDecay } : {}),
      ...(options.purchaseDecay !== undefined ? { purchaseDecay: options.purchaseDecay } : {}),
    },
  });
}

/**
 * Accessories for each product: the catalog's declared accessories, ranked by how often they
 * were bought with it, then popularity; plus learned complements that cost at most half as
 * much (a case for a phone, not a second phone).
 */
function accessoryLists(
  ids: string[],
  catalog: readonly CatalogFacts[],
  together: NeighbourList,
  popularity: Float32Array,
  k: number,
): NeighbourList {
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const price = new Float64Array(n).fill(NaN);
  const declared: number[][] = Array.from({ length: n }, () => []);
  for (const p of catalog) {
    const a = index.get(p.id)!;
    price[a] = p.priceCents;
    for (const main of p.accessoryFor) {
      const m = index.get(main);
      if (m !== undefined) declared[m]!.push(a);
    }
  }
  const offsets = new Uint32Array(n + 1);
  const rows: { to: number; w: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const scores = new Map<number, number>();
    for (let p = together.offsets[i]!; p < together.offsets[i + 1]!; p++) {
      const j = together.idx[p]!;
      if (price[j]! <= price[i]! * 0.5) scores.set(j, together.weight[p]! * 0.5);
    }
    for (const a of declared[i]!) {
      let w = 1 + popularity[a]! * 0.01;
      for (let p = together.offsets[i]!; p < together.offsets[i + 1]!; p++)
        if (together.idx[p] === a) w += together.weight[p]!;
      scores.set(a, w);
    }
    const row = [...scores]
      .map(([to, w]) => ({ to, w }))
      .sort((x, y) => y.w - x.w || x.to - y.to)
      .slice(0, k);
    const max = row[0]?.w || 1;
    rows.push(row.map((r) => ({ to: r.to, w: r.w / max })));
    offsets[i + 1] = offsets[i]! + row.length;
  }
  const idx = new Uint32Array(offsets[n]!);
  const weight = new Float32Array(offsets[n]!);
  rows.forEach((row, i) =>
    row.forEach((r, p) => {
      idx[offsets[i]! + p] = r.to;
      weight[offsets[i]! + p] = r.w;
    }),
  );
  return { offsets, idx, weight };
}

/** One-shot training from a plain interaction log (eval CLI, bench, tests). */
export function trainFromInteractions(
  interactions: readonly Interaction[],
  catalog: readonly CatalogFacts[],
  options: TrainOptions & { cooccurrence?: CooccurrenceOptions; now?: number } = TRAIN_DEFAULTS,
): RecoModel {
  const counts = emptyCounts();
  const epoch = options.now ?? interactions.reduce((t, i) => Math.max(t, i.at), 0);
  accumulate(counts, [], interactions, epoch, options.cooccurrence);
  return buildModel(counts, catalog, { version: "offline", createdAt: epoch }, options);
}

/** Neighbours of `item` in `list`, strongest first (ids and normalized weights). */
export function neighboursOf(model: RecoModel, list: ListName, item: string): [string, number][] {
  const i = model.indexOf(item);
  const out: [string, number][] = [];
  if (i !== undefined) eachNeighbour(model, list, i, (id, w) => out.push([id, w]));
  return out;
}
