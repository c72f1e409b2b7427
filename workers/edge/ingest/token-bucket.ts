/**
 * A token bucket: bursts up to `capacity`, then `refillPerSec` on average. Pure: the visitor's
 * Durable Object (the single writer for that visitor) keeps one in its storage, so the limit is
 * exact for that visitor, across the object's restarts too.
 */
export type Bucket = { tokens: number; at: number };
export type BucketRule = { capacity: number; refillPerSec: number };

/** Events per visitor: a busy SPA sends a few a second; a flood is cut off within a minute. */
export const EVENTS_PER_VISITOR: BucketRule = { capacity: 120, refillPerSec: 2 };

export function take(
  bucket: Bucket | null,
  cost: number,
  now: number,
  rule: BucketRule,
): { allowed: boolean; bucket: Bucket; retryAfterS: number } {
  const elapsedS = bucket ? Math.max(0, now - bucket.at) / 1000 : 0;
  const tokens = Math.min(
    rule.capacity,
    (bucket?.tokens ?? rule.capacity) + elapsedS * rule.refillPerSec,
  );
  if (cost <= tokens)
    return { allowed: true, bucket: { tokens: tokens - cost, at: now }, retryAfterS: 0 };
  const retryAfterS = Math.ceil((Math.min(cost, rule.capacity) - tokens) / rule.refillPerSec);
  return { allowed: false, bucket: { tokens, at: now }, retryAfterS };
}
