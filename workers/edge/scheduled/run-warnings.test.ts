import { describe, expect, it } from "vitest";
import { degradedJobs, modelWarnings, warningsOf } from "./run-warnings.ts";

describe("modelWarnings", () => {
  it("has none for a model with items and pairs", () => {
    expect(modelWarnings({ items: 40, pairs: 120 })).toEqual([]);
  });

  it("flags a model without items, or without a single item pair", () => {
    expect(modelWarnings({ items: 0, pairs: 0 })).toEqual(["the published model has no items"]);
    expect(modelWarnings({ items: 40, pairs: 0 })).toEqual([
      "the published model has no item pairs: every list falls back to popularity",
    ]);
  });
});

describe("degradedJobs", () => {
  it("names the job of each warning and ignores runs without warnings", () => {
    expect(
      degradedJobs([
        { job: "rankings", metrics: { products: 3, warnings: ["no products sold"] } },
        { job: "recommendations", metrics: { items: 4, pairs: 9 } },
        { job: "other", metrics: null },
      ]),
    ).toEqual(["rankings: no products sold"]);
  });

  it("reads only a list of texts as warnings", () => {
    expect(warningsOf({ warnings: 3 })).toEqual([]);
    expect(warningsOf(null)).toEqual([]);
  });
});
