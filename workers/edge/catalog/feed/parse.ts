import { detectFormat } from "./detect.ts";
import { gmcTsvParser } from "./gmc-tsv.ts";
import { gmcXmlParser } from "./gmc-xml.ts";
import { groupVariants } from "./group.ts";
import { shopifyParser } from "./shopify.ts";
import type {
  FeedError,
  FeedFormat,
  FeedParser,
  FeedProduct,
  FeedSink,
  ParseOptions,
} from "./types.ts";
import { vitrineJsonParser, vitrineNdjsonParser } from "./vitrine-json.ts";
import { woocommerceParser } from "./woocommerce.ts";

/** A whole feed, read: products (variants folded) and the rows that could not be read. */
export type ParsedFeed = {
  format: FeedFormat;
  /** Rows (items, lines, entries) read, good and bad. */
  rows: number;
  products: FeedProduct[];
  errors: FeedError[];
};

/** The push parser for a format; `firstItem` numbers a later page's entries on. */
export function createParser(
  format: FeedFormat,
  sink: FeedSink,
  options: ParseOptions = {},
  firstItem = 1,
): FeedParser {
  switch (format) {
    case "gmc-xml":
      return gmcXmlParser(sink, options);
    case "gmc-tsv":
      return gmcTsvParser(sink, options);
    case "shopify":
      return shopifyParser(sink, options, firstItem);
    case "woocommerce":
      return woocommerceParser(sink, options, firstItem);
    case "json":
      return vitrineJsonParser(sink, options);
    case "ndjson":
      return vitrineNdjsonParser(sink, options);
  }
}

export class UnknownFormatError extends Error {
  constructor() {
    super(
      "cannot tell the feed's format from its content: pass one of gmc-xml, gmc-tsv, shopify, woocommerce, json, ndjson",
    );
  }
}

const DETECT_BYTES = 64 * 1024;

type Source = string | Iterable<string> | AsyncIterable<string>;

/** Collects what parsers report, counting rows. */
function collector() {
  const items: FeedProduct[] = [];
  const errors: FeedError[] = [];
  let rows = 0;
  const sink: FeedSink = {
    product(p) {
      items.push(p);
      rows++;
    },
    error(e) {
      errors.push(e);
      if (e.item > 0) rows++;
    },
  };
  return { sink, items, errors, rows: () => rows };
}

function finish(format: FeedFormat, c: ReturnType<typeof collector>): ParsedFeed {
  const grouped = groupVariants(c.items);
  return {
    format,
    rows: c.rows(),
    products: grouped.products,
    errors: [...c.errors, ...grouped.errors],
  };
}

/**
 * Reads a feed given as text or as chunks of one text stream. Without `format` it is told
 * from the first chunk; throws UnknownFormatError when it cannot be.
 */
export async function parseFeed(
  source: Source,
  format?: FeedFormat,
  options: ParseOptions = {},
): Promise<ParsedFeed> {
  const c = collector();
  let parser = null as FeedParser | null;
  let resolved = format;
  // Detection looks at the first DETECT_BYTES characters, buffered from however many chunks.
  let head = "";
  const start = () => {
    resolved ??= detectFormat(head) ?? undefined;
    if (!resolved) throw new UnknownFormatError();
    parser = createParser(resolved, c.sink, options);
    parser.write(head);
    head = "";
    return parser;
  };
  const chunks = typeof source === "string" ? [source] : source;
  for await (const chunk of chunks) {
    if (parser) parser.write(chunk);
    else {
      head += chunk;
      if (resolved || head.length >= DETECT_BYTES) start();
    }
  }
  (parser ?? start()).end();
  return finish(resolved!, c);
}

/**
 * Reads a feed served in pages, each a whole document (Shopify's and WooCommerce's
 * paginated JSON); entries are numbered across pages.
 */
export async function parseFeedPages(
  pages: Iterable<string> | AsyncIterable<string>,
  format: FeedFormat,
  options: ParseOptions = {},
): Promise<ParsedFeed> {
  const c = collector();
  for await (const page of pages) {
    const parser = createParser(format, c.sink, options, c.rows() + 1);
    parser.write(page);
    parser.end();
  }
  return finish(format, c);
}
