import type { FeedError, FeedFormat } from "./types.ts";

/**
 * Counterexamples the feed fuzzer (feed-fuzz.test.ts) found, replayed as plain tests: the
 * feed, the errors it must report and the products it must still read.
 */
export type FeedRegression = {
  name: string;
  found: string;
  format: FeedFormat;
  text: string;
  errors: FeedError[];
  productIds: string[];
};

const rss = (items: string) =>
  `<?xml version="1.0"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n${items}\n</channel></rss>`;
const ITEM =
  "<id>NW-1</id><title>Trail shoe</title><price>12.50 EUR</price><availability>in stock</availability><link>https://shop.example/p/1</link>";

export const FEED_REGRESSIONS: FeedRegression[] = [
  {
    name: "an XML item with a <__proto__> element (TypeError: attrs[field]?.trim is not a function)",
    found: "seed -18013919, path 0:1:3:2:2:2",
    format: "gmc-xml",
    text: rss(`<item>${ITEM}<__proto__>NW-1</__proto__></item>`),
    errors: [],
    productIds: ["NW-1"],
  },
  {
    name: "an XML item with a <constructor> element, then a bad one (the same bug)",
    found: "same bug, other inherited name",
    format: "gmc-xml",
    text: rss(
      `<item>${ITEM}<g:constructor>x</g:constructor></item>\n<item><id>NW-2</id><title>T</title></item>`,
    ),
    errors: [{ line: 4, item: 2, field: "price", message: "is required", id: "NW-2" }],
    productIds: ["NW-1"],
  },
  {
    name: "a TSV feed whose header names constructor and __proto__ columns",
    found: "guard: the TSV parser shares the attribute bag (it skipped such columns, no crash)",
    format: "gmc-tsv",
    text: "id\ttitle\tprice\tconstructor\t__proto__\nNW-1\tTrail shoe\t12.50 EUR\tx\ty\n",
    errors: [],
    productIds: ["NW-1"],
  },
];
