import type { Channel } from "./interactions.ts";

/** Item ids <-> dense integers, so pair weights and neighbour lists live in typed arrays. */
export class ItemIndex {
  readonly ids: string[] = [];
  private readonly byId = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.intern(id);
  }

  intern(id: string): number {
    let i = this.byId.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.byId.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  get(id: string): number | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.ids.length;
  }
}

export const CHANNEL_INDEX: Record<Channel, number> = { view: 0, cart: 1, buy: 2 };

// Pair keys pack two item numbers below 2^21 into one exact double.
const SHIFT = 2 ** 21;
const EMPTY = -1;

/**
 * Weights per unordered item pair and channel, in an open-addressing hash table over typed
 * arrays: millions of pairs cost ~40 bytes each instead of a Map entry plus a boxed key.
 */
export class PairTable {
  private keys: Float64Array;
  private vals: Float32Array;
  private count = 0;

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Float64Array(size).fill(EMPTY);
    this.vals = new Float32Array(size * 3);
  }

  get size(): number {
    return this.count;
  }

  /** Adds `weight` to channel `c` (0 view, 1 cart, 2 buy) of the pair {a, b}; a != b. */
  add(a: number, b: number, c: number, weight: number): void {
    const slot = this.slotFor(a < b ? a * SHIFT + b : b * SHIFT + a, true);
    this.vals[slot * 3 + c]! += weight;
  }

  /** The three channel weights of {a, b}, or null if the pair never occurred. */
  get(a: number, b: number): [number, number, number] | null {
    const slot = this.slotFor(a < b ? a * SHIFT + b : b * SHIFT + a, false);
    if (slot < 0) return null;
    const v = this.vals;
    return [v[slot * 3]!, v[slot * 3 + 1]!, v[slot * 3 + 2]!];
  }

  /** Visits every pair once, smaller item number first. */
  forEach(visit: (a: number, b: number, view: number, cart: number, buy: number) => void): void {
    const { keys, vals } = this;
    for (let s = 0; s < keys.length; s++) {
      const key = keys[s]!;
      if (key === EMPTY) continue;
      const a = Math.floor(key / SHIFT);
      visit(a, key - a * SHIFT, vals[s * 3]!, vals[s * 3 + 1]!, vals[s * 3 + 2]!);
    }
  }

  private slotFor(key: number, insert: boolean): number {
    if (insert && (this.count + 1) * 2 > this.keys.length) this.grow();
    const { keys } = this;
    const mask = keys.length - 1;
    const hi = Math.floor(key / SHIFT);
    let s =
      (Math.imul(hi ^ (hi >>> 15), 0x2c1b3c6d) ^ Math.imul(key - hi * SHIFT, 0x297a2d39)) & mask;
    for (;;) {
      const k = keys[s]!;
      if (k === key) return s;
      if (k === EMPTY) {
        if (!insert) return -1;
        keys[s] = key;
        this.count++;
        return s;
      }
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.vals = new Float32Array(keys.length * 6);
    this.count = 0;
    for (let s = 0; s < keys.length; s++) {
      const key = keys[s]!;
      if (key === EMPTY) continue;
      const t = this.slotFor(key, true);
      this.vals[t * 3] = vals[s * 3]!;
      this.vals[t * 3 + 1] = vals[s * 3 + 1]!;
      this.vals[t * 3 + 2] = vals[s * 3 + 2]!;
    }
  }
}
