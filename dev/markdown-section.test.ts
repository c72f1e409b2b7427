import { describe, expect, it } from "vitest";
import { withSection } from "./markdown-section.ts";

describe("withSection", () => {
  it("adds a section to an empty or existing document, then replaces only its own part", () => {
    const one = withSection("", "a", "## A\n\nfirst");
    expect(one).toBe("<!-- section:a -->\n## A\n\nfirst\n<!-- /section:a -->\n");
    const two = withSection(one, "b", "## B");
    expect(two).toBe(`${one}\n<!-- section:b -->\n## B\n<!-- /section:b -->\n`);
    const replaced = withSection(two, "a", "## A\n\nsecond");
    expect(replaced).toContain("second");
    expect(replaced).not.toContain("first");
    expect(replaced.indexOf("section:a")).toBeLessThan(replaced.indexOf("section:b"));
    expect(withSection(replaced, "b", "## B")).toBe(replaced);
  });
});
