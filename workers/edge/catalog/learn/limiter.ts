/**
 * How often one isolate reads pages for the catalog: each page at most once per `intervalMs`,
 * and at most `perMinute` pages in any minute. Decided synchronously from memory, so the
 * request path pays a map lookup and nothing else. Pure: the caller passes the time.
 */
export class LearnLimiter {
  readonly #last = new Map<string, number>();
  #recent: number[] = [];

  constructor(
    readonly options: {
      intervalMs: number;
      perMinute: number;
      /** Pages remembered; the oldest are forgotten past this (memory stays bounded). */
      maxPages: number;
    },
  ) {}

  /** True when `page` may be read now; the read is then counted. */
  take(page: string, now: number): boolean {
    const last = this.#last.get(page);
    if (last !== undefined && now - last < this.options.intervalMs && now >= last) return false;
    this.#recent = this.#recent.filter((t) => now - t < 60_000 && now >= t);
    if (this.#recent.length >= this.options.perMinute) return false;
    this.#recent.push(now);
    // Re-inserted so the map's order is the order of last reads: the oldest go first.
    this.#last.delete(page);
    this.#last.set(page, now);
    if (this.#last.size > this.options.maxPages) {
      const oldest = this.#last.keys().next().value;
      if (oldest !== undefined) this.#last.delete(oldest);
    }
    return true;
  }
}
