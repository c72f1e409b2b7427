import { detectFormat } from "./detect.ts";
import { parseFeed, parseFeedPages, UnknownFormatError, type ParsedFeed } from "./parse.ts";
import type { FeedFormat, ParseOptions } from "./types.ts";

/** The feed URL did not answer with a feed. */
export class FeedFetchError extends Error {}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

// Page sizes each platform allows at most.
const PAGED: Partial<Record<FeedFormat, { size: number; sizeParam: string }>> = {
  shopify: { size: 250, sizeParam: "limit" },
  woocommerce: { size: 100, sizeParam: "per_page" },
};
/** A bound on pages so a server that ignores `page` cannot loop us forever. */
const MAX_PAGES = 2000;

/** The paginated JSON APIs, told from their URL when no format is given. */
function pagedFormatOf(url: URL): FeedFormat | null {
  if (url.pathname.endsWith("/products.json")) return "shopify";
  if (url.pathname.includes("/wc/store/")) return "woocommerce";
  return null;
}

async function get(fetch: Fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json, application/xml, text/*" } });
  } catch (e) {
    throw new FeedFetchError(`${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new FeedFetchError(`${url}: HTTP ${res.status}`);
  return res;
}

/** Counts bytes across a feed's responses; past the limit the read stops with a clear error. */
function byteBudget(url: string, maxBytes: number) {
  let bytes = 0;
  return (n: number) => {
    bytes += n;
    if (bytes > maxBytes)
      throw new FeedFetchError(
        `${url}: the feed is over ${maxBytes} bytes; import it with npm run catalog`,
      );
  };
}

async function* textChunks(res: Response, count: (n: number) => void): AsyncGenerator<string> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      count(value.byteLength);
    } catch (e) {
      await reader.cancel();
      throw e;
    }
    const text = decoder.decode(value, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * Reads a feed from a URL. XML, TSV and NDJSON stream; Shopify's products.json and the
 * WooCommerce Store API are followed page by page until a short page. The shop's origin is
 * the base for relative product URLs unless `options.baseUrl` says otherwise.
 */
export async function readFeedUrl(
  href: string,
  fetch: Fetch,
  format?: FeedFormat,
  options: ParseOptions = {},
  /** Bound on the bytes read (all pages together), for callers with little memory (a Worker). */
  maxBytes = Infinity,
): Promise<ParsedFeed> {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new FeedFetchError(`"${href}" is not a URL`);
  }
  const opts = { ...options, baseUrl: options.baseUrl ?? url.origin };
  const paged = (format && PAGED[format] ? format : null) ?? (format ? null : pagedFormatOf(url));
  const count = byteBudget(url.href, maxBytes);
  const text = async (res: Response) => {
    let all = "";
    for await (const chunk of textChunks(res, count)) all += chunk;
    return all;
  };
  if (!paged) return parseFeed(textChunks(await get(fetch, url.href), count), format, opts);

  const { size, sizeParam } = PAGED[paged]!;
  const pageUrl = (n: number) => {
    const u = new URL(url);
    if (!u.searchParams.has(sizeParam)) u.searchParams.set(sizeParam, String(size));
    u.searchParams.set("page", String(n));
    return u.href;
  };
  const first = await text(await get(fetch, pageUrl(1)));
  if (!format && detectFormat(first) !== paged) throw new UnknownFormatError();
  const perPage = Number(new URL(pageUrl(1)).searchParams.get(sizeParam)) || size;
  async function* pages(): AsyncGenerator<string> {
    let page = first;
    for (let n = 1; n <= MAX_PAGES; n++) {
      yield page;
      if (entries(page, paged!) < perPage) return;
      page = await text(await get(fetch, pageUrl(n + 1)));
    }
  }
  return parseFeedPages(pages(), paged, opts);
}

function entries(text: string, format: FeedFormat): number {
  try {
    const doc = JSON.parse(text) as unknown;
    const list = format === "shopify" ? (doc as { products?: unknown }).products : doc;
    return Array.isArray(list) ? list.length : 0;
  } catch {
    return 0;
  }
}
