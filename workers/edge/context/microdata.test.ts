import { describe, expect, it } from "vitest";
import { productIdFromMicrodata } from "./microdata.ts";

describe("productIdFromMicrodata", () => {
  it("takes the value with its whitespace collapsed", () => {
    expect(productIdFromMicrodata("  SKU-1\n ")).toBe("SKU-1");
  });
  it("refuses empty and oversized values", () => {
    expect(productIdFromMicrodata("   ")).toBeNull();
    expect(productIdFromMicrodata(null)).toBeNull();
    expect(productIdFromMicrodata("x".repeat(301))).toBeNull();
  });
});
