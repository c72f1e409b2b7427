/** Result of work given a deadline: the value, or why there is none. */
export type Budgeted<T> =
  | { ok: true; value: T; ms: number }
  | { ok: false; reason: "timeout" | "error"; ms: number; error?: unknown };

/**
 * Runs `work` but stops waiting after `ms`: hot-path dependencies (KV, Durable Object, Turso)
 * must never hold a page hostage. The work itself is not cancelled, only no longer awaited.
 */
export async function withBudget<T>(ms: number, work: () => Promise<T>): Promise<Budgeted<T>> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const outcome = await Promise.race([work().then((value) => ({ value })), timeout]);
    if (outcome === "timeout") return { ok: false, reason: "timeout", ms: Date.now() - started };
    return { ok: true, value: outcome.value, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, reason: "error", ms: Date.now() - started, error };
  } finally {
    clearTimeout(timer);
  }
}
