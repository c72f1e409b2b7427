import { describe, expect, it } from "vitest";
import { LearnLimiter } from "./limiter.ts";

describe("LearnLimiter", () => {
  it("reads a page once per interval and at most perMinute pages a minute", () => {
    const limiter = new LearnLimiter({ intervalMs: 600_000, perMinute: 2, maxPages: 10 });
    expect(limiter.take("/p/a", 0)).toBe(true);
    expect(limiter.take("/p/a", 599_999)).toBe(false);
    expect(limiter.take("/p/b", 1000)).toBe(true);
    expect(limiter.take("/p/c", 2000)).toBe(false);
    expect(limiter.take("/p/c", 61_000)).toBe(true);
    expect(limiter.take("/p/a", 600_000)).toBe(true);
  });

  it("forgets the oldest pages past maxPages", () => {
    const limiter = new LearnLimiter({ intervalMs: 600_000, perMinute: 100, maxPages: 2 });
    limiter.take("/p/a", 0);
    limiter.take("/p/b", 1);
    limiter.take("/p/c", 2);
    expect(limiter.take("/p/b", 3)).toBe(false);
    expect(limiter.take("/p/a", 4)).toBe(true);
  });
});
