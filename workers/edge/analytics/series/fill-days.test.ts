import { describe, expect, it } from "vitest";
import { DAY_MS, fillDays, MAX_FILLED_DAYS, utcDay } from "./fill-days.ts";

type Row = { day: number; n: number };
const zero = (day: number): Row => ({ day, n: 0 });
const D = (i: number) => 20_000 * DAY_MS + i * DAY_MS;

describe("fillDays", () => {
  it("gives every day of the range a row, zeros where the data has none", () => {
    const rows = [
      { day: D(1), n: 5 },
      { day: D(4), n: 2 },
    ];
    const range = { from: D(0) + 3_600_000, to: D(5) + 60_000 };
    expect(fillDays(rows, range, zero)).toEqual([
      { day: D(0), n: 0 },
      { day: D(1), n: 5 },
      { day: D(2), n: 0 },
      { day: D(3), n: 0 },
      { day: D(4), n: 2 },
      { day: D(5), n: 0 },
    ]);
  });

  it("orders unsorted rows and drops days outside the range", () => {
    const rows = [
      { day: D(3), n: 3 },
      { day: D(9), n: 9 },
      { day: D(2), n: 2 },
    ];
    expect(fillDays(rows, { from: D(2), to: D(3) + DAY_MS - 1 }, zero)).toEqual([
      { day: D(2), n: 2 },
      { day: D(3), n: 3 },
    ]);
  });

  it("a range inside one day gives one row; days before 1970 are whole days too", () => {
    expect(fillDays([], { from: D(7) + 10, to: D(7) + 20 }, zero)).toEqual([zero(D(7))]);
    expect(utcDay(-1)).toBe(-DAY_MS);
    expect(fillDays([], { from: -DAY_MS - 5, to: 1 }, zero).map((r) => r.day)).toEqual([
      -2 * DAY_MS,
      -DAY_MS,
      0,
    ]);
  });

  it("refuses a reversed or unbounded range and rows that are not whole distinct days", () => {
    expect(() => fillDays([], { from: D(2), to: D(1) }, zero)).toThrow(/from <= to/);
    expect(() => fillDays([], { from: 0, to: Infinity }, zero)).toThrow(/finite/);
    expect(() => fillDays([], { from: 0, to: MAX_FILLED_DAYS * DAY_MS }, zero)).toThrow(
      /at most 3660/,
    );
    expect(() => fillDays([{ day: D(1) + 1, n: 1 }], { from: D(0), to: D(2) }, zero)).toThrow(
      /not midnight/,
    );
    expect(() =>
      fillDays(
        [
          { day: D(1), n: 1 },
          { day: D(1), n: 2 },
        ],
        { from: D(0), to: D(2) },
        zero,
      ),
    ).toThrow(/twice/);
  });
});
