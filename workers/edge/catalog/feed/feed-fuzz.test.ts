import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  fuzzRuns,
  fuzzTimeout,
  hostileString,
  mutateJson,
  PROTO_KEYS,
} from "../../../../dev/test/fuzz.ts";
import { FEED_REGRESSIONS } from "./feed-fuzz-regressions.ts";
import { parseFeed, UnknownFormatError, type ParsedFeed } from "./parse.ts";
import { FEED_FORMATS, type FeedFormat } from "./types.ts";

/**
 * Fuzzing the feed importer's parser (docs/fuzzing.md), every format: real feeds with hostile
 * values, prototype keys as attribute names, broken markup, cut into chunks at random points.
 * It must never throw: each bad row becomes an error naming its field, the good rows are
 * products. Counterexamples found are replayed below.
 */

const SEED = 0xfeed_2121;

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** The parser's contract for a feed it was told the format of. */
function checkParsed(feed: ParsedFeed, format: FeedFormat): void {
  expect(feed.format).toBe(format);
  for (const e of feed.errors) {
    expect(typeof e.field).toBe("string");
    expect(e.field.length).toBeGreaterThan(0);
    expect(typeof e.message).toBe("string");
    expect(Number.isInteger(e.item) && e.item >= 0).toBe(true);
  }
  for (const p of feed.products) {
    expect(typeof p.id).toBe("string");
    expect(Number.isSafeInteger(p.priceCents) && p.priceCents >= 0).toBe(true);
    expect(p.currency).toMatch(/^[A-Z]{3}$/);
  }
  expect(feed.rows).toBeGreaterThanOrEqual(feed.products.length);
}

/** Text cut into chunks at the given points, as a network stream delivers it. */
const chunked = (text: string, cuts: number[]) => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
};
const cuts = fc.array(fc.nat(), { maxLength: 6 });

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const GMC_NAMES = [
  "id",
  "title",
  "link",
  "price",
  "sale_price",
  "availability",
  "image_link",
  "brand",
  "description",
  "product_type",
  "google_product_category",
  "item_group_id",
  "mpn",
];
const attrName = fc.oneof(fc.constantFrom(...GMC_NAMES), fc.constantFrom(...PROTO_KEYS));
const GOOD: Record<string, string> = {
  id: "NW-1",
  title: "Trail shoe",
  price: "12.50 EUR",
  availability: "in stock",
  link: "https://shop.example/p/1",
};
const attrValue = fc.oneof(fc.constantFrom(...Object.values(GOOD)), hostileString);
const gmcItem = fc.dictionary(attrName, attrValue, { maxKeys: 8 }).map((d) => ({ ...GOOD, ...d }));

/** An RSS feed of items; values escaped, in CDATA, or raw (which may break the XML). */
const gmcXml = fc
  .tuple(
    fc.array(fc.tuple(gmcItem, fc.constantFrom("escaped", "cdata", "raw")), { maxLength: 5 }),
    fc.boolean(),
  )
  .map(([items, prefixed]) => {
    const body = items
      .map(([attrs, how]) => {
        const fields = Object.entries(attrs).map(([name, v]) => {
          const tag = prefixed ? `g:${name}` : name;
          const text = how === "escaped" ? xmlEscape(v) : how === "cdata" ? `<![CDATA[${v}]]>` : v;
          return `<${tag}>${text}</${tag}>`;
        });
        return `<item>${fields.join("")}</item>`;
      })
      .join("\n");
    return `<?xml version="1.0"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n${body}\n</channel></rss>`;
  });

const tsvCell = fc.oneof(attrValue, fc.constant('"quoted\ttab"'), fc.constant('"'));
const gmcTsv = fc
  .tuple(
    fc.uniqueArray(attrName, { minLength: 1, maxLength: 8 }),
    fc.array(fc.array(tsvCell, { maxLength: 9 }), { maxLength: 5 }),
  )
  .map(([header, rows]) =>
    [["id", "title", "price", ...header].join("\t"), ...rows.map((r) => r.join("\t"))].join("\n"),
  );

const jsonFeed = (name: string) => {
  const doc = JSON.parse(fixture(name)) as unknown;
  return fc.tuple(mutateJson(doc), fc.constantFrom("json", "truncated")).map(([v, how]) => {
    const text = JSON.stringify(v) ?? "";
    return how === "json" ? text : text.slice(0, Math.floor(text.length / 2));
  });
};

const ndjson = (() => {
  const lines = fixture("products.ndjson")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as unknown);
  return fc
    .array(fc.oneof(...lines.map((l) => mutateJson(l))), { minLength: 1, maxLength: 6 })
    .map((docs) => docs.map((d) => JSON.stringify(d) ?? "").join("\n"));
})();

const FEEDS: Record<FeedFormat, fc.Arbitrary<string>> = {
  "gmc-xml": gmcXml,
  "gmc-tsv": gmcTsv,
  shopify: jsonFeed("shopify-products.json"),
  woocommerce: jsonFeed("woocommerce-products.json"),
  json: ndjson.map((text) => `[${text.split("\n").join(",")}]`),
  ndjson,
};

const RUNS: Record<FeedFormat, number> = {
  "gmc-xml": 120,
  "gmc-tsv": 300,
  shopify: 200,
  woocommerce: 200,
  json: 200,
  ndjson: 200,
};

describe("feed parser fuzzing", () => {
  it.each(FEED_FORMATS.map((f, i) => [f, i] as const))(
    "%s: reports bad rows as errors and never throws",
    async (format, i) => {
      await fc.assert(
        fc.asyncProperty(FEEDS[format], cuts, async (text, at) => {
          checkParsed(await parseFeed(chunked(text, at), format), format);
        }),
        fuzzRuns(SEED + i, RUNS[format]),
      );
    },
    fuzzTimeout(30_000),
  );

  it(
    "tells the format or refuses with UnknownFormatError, never anything else",
    async () => {
      const any = fc.oneof(hostileString, ...Object.values(FEEDS));
      await fc.assert(
        fc.asyncProperty(any, async (text) => {
          try {
            const feed = await parseFeed(text);
            checkParsed(feed, feed.format);
          } catch (e) {
            expect(e).toBeInstanceOf(UnknownFormatError);
          }
        }),
        fuzzRuns(SEED + 10, 200),
      );
    },
    fuzzTimeout(30_000),
  );
});

describe("feed parser regressions (counterexamples the fuzzer found)", () => {
  it.each(FEED_REGRESSIONS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const feed = await parseFeed(c.text, c.format);
    checkParsed(feed, c.format);
    expect(feed.errors).toEqual(c.errors);
    expect(feed.products.map((p) => p.id)).toEqual(c.productIds);
  });
});
