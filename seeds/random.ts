/**
 * A small seeded PRNG so every generator gives the same rows for the same seed. mulberry32:
 * 32-bit state, fast, statistically fine for demo data (not for anything secret).
 */
export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** Picks an item with weight `weightOf(item)`; for long lists where pairs would be wasteful. */
  pickBy<T>(items: readonly T[], weightOf: (item: T) => number): T;
  /** A new shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** `count` distinct items (fewer if the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[];
  /** Lowercase hex string of `length` characters. */
  hex(length: number): string;
  /** A derived generator, so adding draws in one place does not shift another's sequence. */
  fork(label: string): Rng;
};

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: turns labels (product ids, fork names) into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as T;
    },
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      return rng.pickBy(items, (pair) => pair[1])[0];
    },
    pickBy<T>(items: readonly T[], weightOf: (item: T) => number): T {
      if (items.length === 0) throw new Error("pick from an empty list");
      let total = 0;
      for (const item of items) total += Math.max(0, weightOf(item));
      let r = next() * total;
      for (const item of items) {
        r -= Math.max(0, weightOf(item));
        if (r < 0) return item;
      }
      // Rounding, or all weights zero: fall back to the last item.
      return items[items.length - 1] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
    sample: (items, count) => rng.shuffle(items).slice(0, Math.max(0, count)),
    hex(length) {
      let out = "";
      while (out.length < length) {
        out += Math.floor(next() * 0x100000000)
          .toString(16)
          .padStart(8, "0");
      }
      return out.slice(0, length);
    },
    fork: (label) => createRng((seed ^ hashString(label)) >>> 0),
  };
  return rng;
}
