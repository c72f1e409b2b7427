/** Reading shops' product feeds into the catalog: parsers (pure), the planner (pure), the applier. */
export { applyImport, type CatalogDb, type ImportResult } from "./apply.ts";
export { detectFormat } from "./detect.ts";
export { parseFeed, parseFeedPages, UnknownFormatError, type ParsedFeed } from "./parse.ts";
export { planImport, UNCOUNTED_STOCK, type ImportMode } from "./plan.ts";
export {
  FEED_FORMATS,
  type FeedError,
  type FeedFormat,
  type FeedProduct,
  type ParseOptions,
} from "./types.ts";
