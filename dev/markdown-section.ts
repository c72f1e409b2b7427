import { existsSync, readFileSync, writeFileSync } from "node:fs";

const start = (name: string) => `<!-- section:${name} -->`;
const end = (name: string) => `<!-- /section:${name} -->`;

/**
 * `text` with the section `name` set to `body`: replaced where its markers are, else added at
 * the end. Several tools write one generated document (docs/benchmarks.md), each its own part.
 */
export function withSection(text: string, name: string, body: string): string {
  const block = `${start(name)}\n${body.trim()}\n${end(name)}\n`;
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  if (from >= 0 && to > from)
    return text.slice(0, from) + block + text.slice(to + end(name).length + 1);
  return (text.trim() ? `${text.trimEnd()}\n\n` : "") + block;
}

/** Writes section `name` of the Markdown file at `path` (created when missing). */
export function replaceSection(path: string, name: string, body: string): void {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  writeFileSync(path, withSection(text, name, body));
}
