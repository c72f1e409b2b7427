import * as clock from "../clock.ts";
/**
 * A value cached in the isolate for a short time. Isolates serve many requests, so a config
 * pointer or model read once is reused until it may have changed.
 */
export class IsolateMemo<T> {
  private value: { data: T; until: number } | null = null;

  constructor(private readonly ttlMs: number) {}

  /**
   * Concurrent misses each load on their own: a pending load belongs to the request (or
   * Durable Object) that started it, and workerd refuses to settle it for another one
   * ("Cannot perform I/O on behalf of a different request"). A few parallel KV reads every
   * few seconds are the price.
   */
  async get(load: () => Promise<T>, now = clock.now()): Promise<T> {
    if (this.value && now < this.value.until) return this.value.data;
    const data = await load();
    this.value = { data, until: clock.now() + this.ttlMs };
    return data;
  }

  /** The value if it is still fresh, without loading anything. */
  peek(now = clock.now()): { data: T } | undefined {
    return this.value && now < this.value.until ? { data: this.value.data } : undefined;
  }

  clear(): void {
    this.value = null;
  }
}
