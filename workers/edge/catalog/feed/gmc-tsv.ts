import { gmcName, gmcProduct, noAttributes } from "./gmc.ts";
import { lineSplitter } from "./lines.ts";
import { FieldError, type FeedParser, type FeedSink, type ParseOptions } from "./types.ts";

/** A TSV cell; a cell in double quotes may hold tabs, with `""` for a quote. */
function cell(raw: string): string {
  const v = raw.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"')
    ? v.slice(1, -1).replace(/""/g, '"')
    : v;
}

/** Splits a line on tabs outside double quotes. */
function cells(line: string): string[] {
  if (!line.includes('"')) return line.split("\t").map(cell);
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === "\t" && !quoted) {
      out.push(cell(cur));
      cur = "";
    } else cur += ch;
  }
  out.push(cell(cur));
  return out;
}

/**
 * Google Merchant Center feed as tab-separated values: a header row of attribute names
 * ("id", "title", "image link" or "g:image_link"), then one item per line.
 */
export function gmcTsvParser(sink: FeedSink, options: ParseOptions = {}): FeedParser {
  let header: string[] | null = null;
  let item = 0;
  return lineSplitter((text, line) => {
    if (!text.trim()) return;
    if (!header) {
      header = cells(text.replace(/^\uFEFF/, "")).map(gmcName);
      if (!header.includes("id"))
        sink.error({ line, item: 0, field: "id", message: "the header row has no id column" });
      return;
    }
    item++;
    const values = cells(text);
    const attrs = noAttributes();
    header.forEach((name, i) => {
      if (name && !(name in attrs)) attrs[name] = values[i] ?? "";
    });
    try {
      if (values.length > header.length)
        throw new FieldError(
          header.at(-1) ?? "row",
          `${values.length} cells for ${header.length} columns (a tab inside a value?)`,
        );
      sink.product(gmcProduct(attrs, options));
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      sink.error({
        line,
        item,
        field: e.field,
        message: e.message,
        id: attrs.item_group_id?.trim() || attrs.id?.trim() || undefined,
      });
    }
  });
}
