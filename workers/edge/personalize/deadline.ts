/** What a lookup gave: its value, or why there is none (`skipped`: not needed for this page). */
export type Lookup<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; reason: "timeout" | "error" | "skipped"; ms: number; error?: unknown };

export const SKIPPED = { ok: false, reason: "skipped", ms: 0 } as const satisfies Lookup<never>;

/**
 * One time budget for all of a request's lookups (config, profile, session, model). They run
 * in parallel against a single timer instead of one each: timers are not free on the hot path,
 * and the page's wait is bounded by the budget however many lookups there are. A lookup that
 * misses the deadline is no longer awaited (it is not cancelled); the page goes on without it.
 */
export class Deadline {
  readonly #endsAt: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expired: Promise<"timeout"> | null = null;
  #running = 0;

  constructor(budgetMs: number, now = Date.now()) {
    this.#endsAt = now + budgetMs;
  }

  async run<T>(work: () => Promise<T>): Promise<Lookup<T>> {
    const started = Date.now();
    this.#running++;
    try {
      const outcome = await Promise.race([work().then((value) => ({ value })), this.#timeout()]);
      const ms = Date.now() - started;
      return outcome === "timeout"
        ? { ok: false, reason: "timeout", ms }
        : { ok: true, value: outcome.value, ms };
    } catch (error) {
      return { ok: false, reason: "error", ms: Date.now() - started, error };
    } finally {
      // The last lookup to finish disarms the timer; a later one re-arms it for what is left.
      if (--this.#running === 0) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        this.#expired = null;
      }
    }
  }

  #timeout(): Promise<"timeout"> {
    return (this.#expired ??= new Promise((resolve) => {
      this.#timer = setTimeout(() => resolve("timeout"), Math.max(0, this.#endsAt - Date.now()));
    }));
  }
}
