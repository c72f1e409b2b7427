import type { Counts } from "./cooccurrence.ts";
import { invertSpdInPlace } from "./linalg.ts";

/** Sparse per-item neighbour lists (CSR): item i's neighbours are idx[offsets[i]..offsets[i+1]). */
export type NeighbourList = { offsets: Uint32Array; idx: Uint32Array; weight: Float32Array };

/** How much each channel (view, cart, buy) contributes to a list. */
export type ChannelMix = [number, number, number];

export const MIXES = {
  /** Looked at together: substitutes and alternatives. */
  similar: [1, 0, 0],
  /** Carted or bought together: complements. */
  together: [0, 1, 3],
  /** Everything, purchases strongest: the "recommended for you" signal. */
  personal: [1, 2, 4],
} satisfies Record<string, ChannelMix>;

export type NeighbourOptions = {
  /** Neighbours kept per item. */
  k: number;
  /**
   * Popularity damping: score = w(x,y) / (n(x)^(1-beta) * n(y)^beta). 0.5 is cosine; higher
   * values push down neighbours that co-occur with everything only because they are popular.
   */
  beta: number;
  /** Pairs weaker than this (after mixing) are noise: ignored. */
  minWeight: number;
};

export const NEIGHBOUR_DEFAULTS: NeighbourOptions = { k: 30, beta: 0.5, minWeight: 0 };

const mixOf = (m: ChannelMix, v: number, c: number, b: number) => m[0] * v + m[1] * c + m[2] * b;

/** Keeps the `k` best of each item's candidates, strongest first, and normalizes to max 1. */
function topK(
  n: number,
  degree: Uint32Array,
  fill: (push: (from: number, to: number, score: number) => void) => void,
  k: number,
): NeighbourList {
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + degree[i]!;
  const pos = start.slice(0, n);
  const to = new Uint32Array(start[n]!);
  const score = new Float32Array(start[n]!);
  fill((from, t, s) => {
    const p = pos[from]!++;
    to[p] = t;
    score[p] = s;
  });
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + Math.min(k, degree[i]!);
  const idx = new Uint32Array(offsets[n]!);
  const weight = new Float32Array(offsets[n]!);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) order.push(p);
    // Ties broken by item number so lists are deterministic.
    order.sort((x, y) => score[y]! - score[x]! || to[x]! - to[y]!);
    const top = score[order[0] ?? 0] || 1;
    for (let r = 0; r < offsets[i + 1]! - offsets[i]!; r++) {
      idx[offsets[i]! + r] = to[order[r]!]!;
      weight[offsets[i]! + r] = score[order[r]!]! / top;
    }
  }
  return { offsets, idx, weight };
}

/** Item-to-item neighbours from damped co-occurrence for one channel mix. */
export function cooccurrenceNeighbours(
  counts: Counts,
  mix: ChannelMix,
  options: NeighbourOptions = NEIGHBOUR_DEFAULTS,
): NeighbourList {
  const n = counts.index.size;
  const { beta, minWeight, k } = options;
  const pop = new Float64Array(n);
  for (let i = 0; i < n; i++)
    pop[i] = mixOf(mix, counts.items.get(i, 0), counts.items.get(i, 1), counts.items.get(i, 2));
  const degree = new Uint32Array(n);
  const keep = (w: number, a: number, b: number) => w > minWeight && pop[a]! > 0 && pop[b]! > 0;
  counts.pairs.forEach((a, b, v, c, u) => {
    if (!keep(mixOf(mix, v, c, u), a, b)) return;
    degree[a]!++;
    degree[b]!++;
  });
  return topK(
    n,
    degree,
    (push) =>
      counts.pairs.forEach((a, b, v, c, u) => {
        const w = mixOf(mix, v, c, u);
        if (!keep(w, a, b)) return;
        // x -> y: "having x, how much does y follow", damped by y's own popularity.
        push(a, b, w / (Math.pow(pop[a]!, 1 - beta) * Math.pow(pop[b]!, beta)));
        push(b, a, w / (Math.pow(pop[b]!, 1 - beta) * Math.pow(pop[a]!, beta)));
      }),
    k,
  );
}

export type EaseOptions = {
  /** Dense EASE needs an n x n matrix: above this many items only the most popular are used. */
  maxItems: number;
  /** L2 regularization as a multiple of the mean diagonal (scale-free across decay epochs). */
  lambda: number;
  k: number;
};

export const EASE_DEFAULTS: EaseOptions = { maxItems: 1500, lambda: 0.5, k: 30 };

/**
 * EASE (Steck 2019): B = I - P diagMat(1 / diag(P)) with P = (G + lambda I)^-1, zero diagonal,
 * where G is the item Gram matrix. Here G comes from the decayed co-occurrence counts (pairs
 * off the diagonal, item counts on it), so it needs no per-visitor matrix. Neighbours of item
 * i are the largest positive B_ij. Returns null when nothing can be computed.
 */
export function easeNeighbours(
  counts: Counts,
  mix: ChannelMix,
  options: EaseOptions = EASE_DEFAULTS,
): { list: NeighbourList; items: number } | null {
  const n = counts.index.size;
  const pop = new Float64Array(n);
  for (let i = 0; i < n; i++)
    pop[i] = mixOf(mix, counts.items.get(i, 0), counts.items.get(i, 1), counts.items.get(i, 2));
  // The most popular items get the dense model; the rest keep co-occurrence neighbours.
  const chosen = [...pop.keys()]
    .filter((i) => pop[i]! > 0)
    .sort((x, y) => pop[y]! - pop[x]! || x - y)
    .slice(0, options.maxItems);
  const m = chosen.length;
  if (m < 2) return null;
  const local = new Int32Array(n).fill(-1);
  chosen.forEach((item, j) => (local[item] = j));

  let meanDiag = 0;
  for (const i of chosen) meanDiag += pop[i]!;
  meanDiag /= m;
  for (let attempt = 0; attempt < 4; attempt++) {
    // The windowed Gram is not always positive semi-definite: more damping until it is.
    const lambda = options.lambda * meanDiag * 4 ** attempt;
    const g = new Float64Array(m * m);
    for (let j = 0; j < m; j++) g[j * m + j] = pop[chosen[j]!]! + lambda;
    counts.pairs.forEach((a, b, v, c, u) => {
      const x = local[a]!;
      const y = local[b]!;
      if (x < 0 || y < 0) return;
      const w = mixOf(mix, v, c, u);
      g[x * m + y] = w;
      g[y * m + x] = w;
    });
    if (!invertSpdInPlace(g, m)) continue;
    const degree = new Uint32Array(n);
    const positive = (x: number, y: number) => x !== y && -g[x * m + y]! / g[y * m + y]! > 0;
    for (let x = 0; x < m; x++)
      for (let y = 0; y < m; y++) if (positive(x, y)) degree[chosen[x]!]!++;
    const list = topK(
      n,
      degree,
      (push) => {
        for (let x = 0; x < m; x++)
          for (let y = 0; y < m; y++)
            if (positive(x, y)) push(chosen[x]!, chosen[y]!, -g[x * m + y]! / g[y * m + y]!);
      },
      options.k,
    );
    return { list, items: m };
  }
  return null;
}

/** Per item: a's list where it has entries, else b's (e.g. EASE where computed, else co-occurrence). */
export function preferList(a: NeighbourList, b: NeighbourList): NeighbourList {
  const n = a.offsets.length - 1;
  const offsets = new Uint32Array(n + 1);
  const pick = (i: number) => (a.offsets[i + 1]! > a.offsets[i]! ? a : b);
  for (let i = 0; i < n; i++) {
    const l = pick(i);
    offsets[i + 1] = offsets[i]! + (l.offsets[i + 1]! - l.offsets[i]!);
  }
  const idx = new Uint32Array(offsets[n]!);
  const weight = new Float32Array(offsets[n]!);
  for (let i = 0; i < n; i++) {
    const l = pick(i);
    idx.set(l.idx.subarray(l.offsets[i]!, l.offsets[i + 1]!), offsets[i]!);
    weight.set(l.weight.subarray(l.offsets[i]!, l.offsets[i + 1]!), offsets[i]!);
  }
  return { offsets, idx, weight };
}
