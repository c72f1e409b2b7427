import { afterEach, describe, expect, it, vi } from "vitest";
import { dayStart, fromPlatform, now, setClockOffset, useClockOf } from "./clock.ts";

afterEach(() => {
  setClockOffset(0);
  vi.restoreAllMocks();
});

describe("the clock", () => {
  it("moves by the env's offset, platform timestamps with it", () => {
    useClockOf({ CLOCK_OFFSET_MS: "86400000" });
    expect(now() - Date.now()).toBeGreaterThanOrEqual(86_400_000 - 5);
    expect(fromPlatform(1_000)).toBe(86_401_000);
    useClockOf({});
    expect(fromPlatform(1_000)).toBe(1_000);
  });

  it("ignores an offset that is not a number, and says so", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    useClockOf({ CLOCK_OFFSET_MS: "a year" });
    expect(fromPlatform(5)).toBe(5);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("CLOCK_OFFSET_MS"));
  });

  it("anchors to midnight UTC, before 1970 too", () => {
    expect(dayStart(Date.UTC(2031, 4, 17, 15, 20))).toBe(Date.UTC(2031, 4, 17));
    expect(dayStart(Date.UTC(1969, 11, 31, 23))).toBe(Date.UTC(1969, 11, 31));
  });
});
