/**
 * A Markdown table as lines: the header, its separator (one `---` per column, so the two never
 * disagree), then one line per row, every cell as given.
 */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string[] {
  return [head, head.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`);
}
