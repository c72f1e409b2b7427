import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, MAX_EDITS, withContext } from "./line-diff.ts";

const apply = (lines: ReturnType<typeof diffLines>, side: "-" | "+") =>
  lines.filter((l) => l.op !== (side === "-" ? "+" : "-")).map((l) => l.text);

describe("diffLines", () => {
  it("marks the changed lines of pretty-printed JSON and keeps the rest", () => {
    const before = JSON.stringify({ enabled: true, holdout: { percent: 10 }, slots: [] }, null, 2);
    const after = JSON.stringify({ enabled: false, holdout: { percent: 10 }, slots: [] }, null, 2);
    const diff = diffLines(before, after);
    expect(diff.filter((l) => l.op !== " ")).toEqual([
      { op: "-", text: '  "enabled": true,' },
      { op: "+", text: '  "enabled": false,' },
    ]);
    expect(diff.filter((l) => l.op === " ")).toHaveLength(before.split("\n").length - 1);
  });

  it("handles empty sides", () => {
    expect(diffLines("", "a\nb")).toEqual([
      { op: "+", text: "a" },
      { op: "+", text: "b" },
    ]);
    expect(diffLines("a", "")).toEqual([{ op: "-", text: "a" }]);
    expect(diffLines("", "")).toEqual([]);
  });

  it("rebuilds both sides and is minimal against an LCS (property)", () => {
    const lcs = (a: string[], b: string[]): number => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      const at = (i: number, j: number) => t[i]![j]!;
      for (let i = a.length - 1; i >= 0; i--)
        for (let j = b.length - 1; j >= 0; j--)
          t[i]![j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
      return at(0, 0);
    };
    const lines = fc.array(fc.constantFrom("a", "b", "c", "{", "}"), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffLines(a.join("\n"), b.join("\n"));
        const joinedA = a.join("\n") === "" ? [] : a.join("\n").split("\n");
        const joinedB = b.join("\n") === "" ? [] : b.join("\n").split("\n");
        expect(apply(diff, "-")).toEqual(joinedA);
        expect(apply(diff, "+")).toEqual(joinedB);
        expect(diff.filter((l) => l.op === " ")).toHaveLength(lcs(joinedA, joinedB));
      }),
    );
  });

  it("degrades to remove-all/add-all past MAX_EDITS changed lines, still rebuilding both sides", () => {
    const a = Array.from({ length: MAX_EDITS }, (_, i) => `a${i}`).join("\n");
    const b = Array.from({ length: MAX_EDITS }, (_, i) => `b${i}`).join("\n");
    const diff = diffLines(`same\n${a}`, `same\n${b}`);
    expect(diff.filter((l) => l.op === " ")).toHaveLength(0);
    expect(apply(diff, "-").join("\n")).toBe(`same\n${a}`);
    expect(apply(diff, "+").join("\n")).toBe(`same\n${b}`);
    // Within the bound, the shared line is kept.
    expect(diffLines("same\nx\ny", "same\nz").filter((l) => l.op === " ")).toHaveLength(1);
  });

  it("withContext keeps changes and their neighbours, marking gaps", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10", "line ten");
    const shown = withContext(diffLines(before, after), 2);
    expect(shown[0]).toBeNull();
    expect(shown.filter(Boolean).map((l) => l!.text)).toEqual([
      "line 8",
      "line 9",
      "line 10",
      "line ten",
      "line 11",
      "line 12",
    ]);
    expect(shown[shown.length - 1]).toBeNull();
    expect(withContext(diffLines(before, before))).toEqual([]);
  });
});
