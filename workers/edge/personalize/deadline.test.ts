import { describe, expect, it, vi } from "vitest";
import { Deadline, SKIPPED } from "./deadline.ts";

const never = () => new Promise<never>(() => {});
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("Deadline", () => {
  it("gives each lookup's value, or why there is none", async () => {
    const deadline = new Deadline(50);
    const [fast, failing, hanging] = await Promise.all([
      deadline.run(async () => "profile"),
      deadline.run(() => Promise.reject(new Error("KV down"))),
      deadline.run(never),
    ]);
    expect(fast).toMatchObject({ ok: true, value: "profile" });
    expect(failing).toMatchObject({ ok: false, reason: "error" });
    expect(failing.ok ? null : String(failing.error)).toBe("Error: KV down");
    expect(hanging).toMatchObject({ ok: false, reason: "timeout" });
    expect(SKIPPED).toEqual({ ok: false, reason: "skipped", ms: 0 });
  });

  it("is one budget for the request: a lookup started late gets what is left", async () => {
    const deadline = new Deadline(60);
    expect(await deadline.run(() => after(5, "config"))).toMatchObject({ ok: true });
    // Re-armed for the remaining time after the first lookup disarmed it.
    expect(await deadline.run(never)).toMatchObject({ ok: false, reason: "timeout" });
    // Once the budget is spent, even a lookup that would answer soon is not waited for.
    expect(await deadline.run(() => after(200, "late"))).toMatchObject({
      ok: false,
      reason: "timeout",
    });
  });

  it("uses one timer for all pending lookups and clears it when they are settled", async () => {
    vi.useFakeTimers();
    try {
      const deadline = new Deadline(50);
      let answer!: (v: string) => void;
      const pending = [
        deadline.run(() => new Promise<string>((r) => (answer = r))),
        deadline.run(never),
        deadline.run(never),
      ];
      expect(vi.getTimerCount()).toBe(1);
      answer("session");
      await vi.advanceTimersByTimeAsync(50);
      const results = await Promise.all(pending);
      expect(results.map((r) => (r.ok ? r.value : r.reason))).toEqual([
        "session",
        "timeout",
        "timeout",
      ]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
