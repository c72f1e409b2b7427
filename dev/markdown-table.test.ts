import { describe, expect, it } from "vitest";
import { markdownTable } from "./markdown-table.ts";

describe("markdownTable", () => {
  it("writes the header, a separator per column, and each row's cells", () => {
    expect(
      markdownTable(
        ["mode", "req/s"],
        [
          ["pass", 568],
          ["personalized", "230"],
        ],
      ),
    ).toEqual(["| mode | req/s |", "| --- | --- |", "| pass | 568 |", "| personalized | 230 |"]);
  });

  it("is only the header and separator without rows", () => {
    expect(markdownTable(["a", "b", "c"], [])).toEqual(["| a | b | c |", "| --- | --- | --- |"]);
  });
});
