import type { TrackedEvent } from "../model/events.ts";

/** How long a page view `view` answered waits to be stored. */
const STORE_AFTER_MS = 10;

/**
 * The page views `view` planned, stored once its answer is out: STORE_AFTER_MS later, or at
 * once when another call comes first. Stored before answering, the answer (and the visitor's
 * page with it) would wait for the write to be confirmed: the output gate holds what an
 * object sends until its writes are durable (Cloudflare's storage API docs), a disk sync
 * locally and a replicated commit on Cloudflare, and this page needs neither. Not at the next
 * turn either: where the object shares the Worker's thread, a write made then runs while the
 * page streams out. The cost: a restart in that time loses the page view (the proxy's
 * correction, when the page differed, stores it again).
 *
 * Every entry point of the object first awaits `storePending()`, so nothing reads, flushes or
 * erases around a pending one (and `store`, which stores them, must not call an entry point).
 */
export class DeferredViews {
  /** Page views answered and not stored yet, in order. */
  private pending: { visitorId: string; event: TrackedEvent }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The storing of those taken up. */
  private storing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: (visitorId: string, event: TrackedEvent) => Promise<unknown>,
  ) {}

  defer(visitorId: string, event: TrackedEvent): void {
    this.pending.push({ visitorId, event });
    this.timer ??= setTimeout(() => void this.storePending(), STORE_AFTER_MS);
  }

  /** Stores the pending page views now; resolves once they (and any taken up before) are. */
  storePending(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const views = this.pending.splice(0);
    if (views.length)
      this.storing = this.storing.then(async () => {
        for (const { visitorId, event } of views) {
          try {
            await this.store(visitorId, event);
          } catch (err) {
            console.error(
              JSON.stringify({ msg: "storing a page view failed", error: String(err) }),
            );
          }
        }
      });
    return this.storing;
  }
}
