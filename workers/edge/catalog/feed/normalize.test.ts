import { describe, expect, it } from "vitest";
import { plainText } from "./normalize.ts";

describe("plainText", () => {
  it("strips tags and decodes the common entities, bounded in length", () => {
    expect(plainText("<p>Linen &amp; cotton<br/>shirt&nbsp;&quot;blue&quot;</p>")).toBe(
      'Linen & cotton shirt "blue"',
    );
    expect(plainText("x".repeat(5000), 100)).toHaveLength(100);
  });

  it("reads a description of a million '<' with no '>' (a quadratic pattern never returns)", () => {
    expect(plainText("<".repeat(1_000_000), 50)).toBe("<".repeat(50));
    expect(plainText("<a <b>c".repeat(1000), 20)).toBe("<a c<a c<a c<a c<a c");
  });
});
