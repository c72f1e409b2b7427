import type { z } from "zod";
import { FieldError, type FeedParser, type FeedProduct, type FeedSink } from "./types.ts";

/** The first zod issue as a FieldError naming its field ("variants.0.price"). */
export function fieldErrorOf(error: z.ZodError): FieldError {
  const issue = error.issues[0]!;
  return new FieldError(issue.path.join(".") || "item", issue.message);
}

/** The item's id if it can still be read, so a malformed row keeps its stored product. */
export function idOf(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" || typeof id === "number"
    ? String(id).trim() || undefined
    : undefined;
}

/**
 * A feed that is one JSON document (Shopify, WooCommerce, a JSON array): buffered, parsed at
 * the end, then each entry mapped on its own so one bad entry does not stop the rest.
 * `firstItem` numbers the entries on from an earlier page.
 */
export function jsonDocumentParser(
  sink: FeedSink,
  listOf: (doc: unknown) => unknown[] | null,
  expected: string,
  toProduct: (raw: unknown) => FeedProduct,
  firstItem = 1,
): FeedParser {
  const chunks: string[] = [];
  return {
    write(chunk) {
      chunks.push(chunk);
    },
    end() {
      let doc: unknown;
      try {
        doc = JSON.parse(chunks.join("").replace(/^\uFEFF/, ""));
      } catch (e) {
        sink.error({
          line: null,
          item: 0,
          field: "body",
          message: `not JSON: ${(e as Error).message}`,
        });
        return;
      }
      const list = listOf(doc);
      if (!list) {
        sink.error({ line: null, item: 0, field: "body", message: `expected ${expected}` });
        return;
      }
      list.forEach((raw, i) => {
        const item = firstItem + i;
        try {
          sink.product(toProduct(raw));
        } catch (e) {
          if (!(e instanceof FieldError)) throw e;
          sink.error({ line: null, item, field: e.field, message: e.message, id: idOf(raw) });
        }
      });
    },
  };
}
