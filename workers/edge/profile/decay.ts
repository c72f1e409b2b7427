export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * Half-lives of the decayed weights. Interests move fast (a visitor shopping for shoes this
 * week is not next month); how someone decides (their buyer mode) is closer to a trait, so its
 * evidence fades slowly; habits (device, channel, hour of day) sit in between.
 */
export const HALF_LIFE = {
  affinity: 14 * DAY,
  modes: 45 * DAY,
  habits: 30 * DAY,
} as const;
export type DecayKind = keyof typeof HALF_LIFE;

/**
 * Forward decay: a weight `w` observed at `at` is stored as `w * 2^((at - epoch) / H)`. Its
 * value at any later time `now` is `stored * 2^(-(now - epoch) / H)` = `w * 2^(-(now - at) / H)`.
 * Adding an observation is O(1) whatever the map's size, the sum does not depend on the order
 * observations arrive in, and ranking or normalising a map needs no decay at all (every entry
 * shares the same factor).
 */
export function growth(at: number, epoch: number, kind: DecayKind): number {
  return 2 ** ((at - epoch) / HALF_LIFE[kind]);
}

/** A stored (forward-decayed) weight read at `now`. */
export function valueAt(stored: number, now: number, epoch: number, kind: DecayKind): number {
  return stored * 2 ** (-(now - epoch) / HALF_LIFE[kind]);
}

/**
 * Stored weights grow by 2^(elapsed / H); past this exponent (about 20 years at the shortest
 * half-life) the state is rebased so doubles never overflow.
 */
export const MAX_GROWTH_EXPONENT = 512;

export function needsRebase(at: number, epoch: number): boolean {
  return (at - epoch) / HALF_LIFE.affinity > MAX_GROWTH_EXPONENT;
}

/** Factor that moves a stored weight from `epoch` to `newEpoch` (same value at every time). */
export function rebaseFactor(epoch: number, newEpoch: number, kind: DecayKind): number {
  return 2 ** (-(newEpoch - epoch) / HALF_LIFE[kind]);
}

/** Keys come from events: bounded, and never `__proto__` (a plain object's prototype setter). */
export function cleanKey(value: unknown, maxLength = 80): string | null {
  if (typeof value !== "string") return null;
  const key = value.trim();
  if (key.length === 0 || key.length > maxLength || key === "__proto__") return null;
  return key;
}

/**
 * Adds to a capped weight map; past `cap` entries the weakest goes. With forward decay a new
 * observation outweighs old ones of the same size, so fresh interests get in.
 */
export function addCapped(map: Record<string, number>, key: string, w: number, cap: number): void {
  map[key] = (Object.hasOwn(map, key) ? map[key]! : 0) + w;
  const keys = Object.keys(map);
  if (keys.length <= cap) return;
  let weakest = keys[0]!;
  for (const k of keys) if (map[k]! < map[weakest]!) weakest = k;
  delete map[weakest];
}

/** Entries by weight, strongest first; ties by key so the order is deterministic. */
export function ranked(map: Record<string, number>): [string, number][] {
  return Object.entries(map).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
