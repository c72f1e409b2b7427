import type { FeedFormat } from "./types.ts";

/**
 * The feed's format from its first bytes (a few KB suffice), or null when it cannot be told
 * apart (the caller then asks for an explicit format).
 */
export function detectFormat(head: string): FeedFormat | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("<")) return "gmc-xml";
  if (text.startsWith("[")) return /"prices"\s*:\s*\{/.test(text) ? "woocommerce" : "json";
  if (text.startsWith("{")) {
    const nl = text.indexOf("\n");
    const first = nl === -1 ? text : text.slice(0, nl);
    try {
      const doc = JSON.parse(first) as Record<string, unknown>;
      return Array.isArray(doc.products) ? "shopify" : "ndjson";
    } catch {
      // A pretty-printed document: Shopify's is the one wrapped in {"products": ...}.
      return /^\{\s*"products"\s*:/.test(text) ? "shopify" : null;
    }
  }
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  return firstLine.includes("\t") ? "gmc-tsv" : null;
}
