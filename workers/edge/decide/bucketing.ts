/**
 * Deterministic, sticky bucketing: the same visitor id always lands in the same holdout group
 * and experiment arm, in the Worker, in the SPA decision API and in offline analysis, with no
 * stored assignment.
 *
 * Hash: MurmurHash3 x86_32 (seed 0) over the UTF-8 bytes of `${salt}:${visitorId}`. Chosen
 * for its good avalanche and uniformity on short, similar keys (ids differing in one
 * character), its speed, and because it is standard: `mmh3.hash(key, signed=False)` in Python
 * or any murmur3 library reproduces an assignment.
 */

const encoder = new TextEncoder();
// Reused across calls: hashing allocates nothing on the hot path. Grown for unusually long keys.
let scratch = new Uint8Array(256);

/** MurmurHash3 x86_32 of a string's UTF-8 bytes, as an unsigned 32-bit integer. */
export function murmur3(key: string, seed = 0): number {
  if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
  const len = encoder.encodeInto(key, scratch).written;
  const bytes = scratch;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // Tail bytes (the spec's fall-through switch, unrolled: noFallthroughCasesInSwitch).
  const tail = len & 3;
  if (tail) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A visitor's position in [0, 1) for one salt. */
export function bucket(salt: string, visitorId: string): number {
  return murmur3(`${salt}:${visitorId}`) / 4294967296;
}

export type HoldoutConfig = { percent: number; salt: string };

/** Whether the visitor is in the global holdout (never personalized). */
export function inHoldout(visitorId: string, holdout: HoldoutConfig): boolean {
  return bucket(holdout.salt, visitorId) * 100 < holdout.percent;
}

export type ExperimentArms = {
  allocation: number;
  salt?: string;
  arms: readonly { id: string; weight: number; variant: string | null }[];
};

export type ArmAssignment = { readonly id: string; readonly variant: string | null };

/**
 * The visitor's arm, or null when the visitor is outside the experiment's allocation.
 *
 * Inclusion and arm use two independent hashes: raising the allocation only adds visitors
 * (nobody already in changes arm), and the arm split among included visitors follows the
 * weights exactly whatever the allocation.
 */
export function assignArm(
  visitorId: string,
  experimentId: string,
  experiment: ExperimentArms,
): ArmAssignment | null {
  const salt = experiment.salt ?? experimentId;
  if (experiment.allocation <= 0) return null;
  if (experiment.allocation < 1 && bucket(`${salt}:alloc`, visitorId) >= experiment.allocation) {
    return null;
  }
  const u = bucket(salt, visitorId);
  let total = 0;
  for (const arm of experiment.arms) total += arm.weight;
  let edge = 0;
  let last: ArmAssignment | null = null;
  for (const arm of experiment.arms) {
    if (arm.weight <= 0) continue;
    edge += arm.weight / total;
    last = arm;
    if (u < edge) return arm;
  }
  // Rounding can leave `edge` a hair below 1: the remainder belongs to the last arm.
  return last;
}
