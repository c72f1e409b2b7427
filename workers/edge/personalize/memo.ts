/**
 * A value cached in the isolate for a short time. Isolates serve many requests, so a config
 * pointer or model read once is reused until it may have changed.
 */
export class IsolateMemo<T> {
  private value: { data: T; until: number } | null = null;
  private pending: Promise<T> | null = null;

  constructor(private readonly ttlMs: number) {}

  async get(load: () => Promise<T>, now = Date.now()): Promise<T> {
    if (this.value && now < this.value.until) return this.value.data;
    // Concurrent requests share one load instead of stampeding KV.
    this.pending ??= load()
      .then((data) => {
        this.value = { data, until: Date.now() + this.ttlMs };
        return data;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** The value if it is still fresh, without loading anything. */
  peek(now = Date.now()): { data: T } | undefined {
    return this.value && now < this.value.until ? { data: this.value.data } : undefined;
  }

  clear(): void {
    this.value = null;
  }
}
