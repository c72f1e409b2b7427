/**
 * Touchpoints wait this long so one flush carries several pages' worth of them to Turso and
 * the profile's KV copy is rewritten once for them, not per page: the hot path gets the
 * current profile from this object, so only readers of Turso and KV see the delay.
 */
const FLUSH_DELAY_MS = 30_000;
/** Retry backoff while Turso is unreachable: doubling from 1 s, at most 5 minutes apart. */
export const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * The next alarm after new touchpoints: soon, but not before a pending retry's backoff
 * (`retryAt`). `random` is in [0, 1).
 */
export function nextFlushAt(now: number, random: number, retryAt: number): number {
  // Jittered (0.5x to 1.5x): visitors who arrive together (a campaign, a deploy) do not all
  // flush to Turso in the same second.
  const delay = FLUSH_DELAY_MS * (0.5 + random);
  return Math.max(now + delay, retryAt);
}

/** The wait before the next try after `attempts` failed flushes in a row. */
export function retryDelay(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
}

/**
 * The object's one alarm, with its time as last set or read here (undefined: not read yet):
 * one read per object.
 */
export class FlushAlarm {
  private at: number | null | undefined = undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Alarms are single per object: keep the earliest of what is wanted. */
  async schedule(at: number): Promise<void> {
    if (this.at === undefined) this.at = await this.storage.getAlarm();
    if (this.at !== null && this.at <= at) return;
    await this.storage.setAlarm(at);
    this.at = at;
  }

  /** Sets the alarm to `at`, whatever was wanted before. */
  async replace(at: number): Promise<void> {
    await this.storage.setAlarm(at);
    this.at = at;
  }

  async delete(): Promise<void> {
    await this.storage.deleteAlarm();
    this.at = null;
  }

  /** The alarm fired: none is set now. */
  fired(): void {
    this.at = null;
  }
}
