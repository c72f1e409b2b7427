import { Hono } from "hono";
import { z } from "zod";
import { applyImport, parseFeed, UnknownFormatError } from "../catalog/feed/index.ts";
import { defaultMode } from "../catalog/feed/plan.ts";
import { FEED_FORMATS } from "../catalog/feed/types.ts";
import { createDb } from "../db/client.ts";
import { ApiError, parseInput } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";
import * as clock from "../clock.ts";

/**
 * A feed larger than this is refused: the parsed feed and the stored catalog must fit the
 * Worker's 128 MB (about 25,000 Merchant Center items); larger catalogs use the CLI.
 */
export const MAX_FEED_BYTES = 10 * 1024 * 1024;

const ImportQuery = z.object({
  format: z.enum(FEED_FORMATS).optional(),
  mode: z.enum(["full", "upsert"]).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be a 3-letter currency code")
    .optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const FeedErrorSchema = z.object({
  line: z.number().nullable(),
  item: z.number(),
  field: z.string(),
  message: z.string(),
  id: z.string().optional(),
});
const ImportSummary = z.object({
  format: z.enum(FEED_FORMATS),
  mode: z.enum(["full", "upsert"]),
  rows: z.number(),
  added: z.number(),
  changed: z.number(),
  hidden: z.number(),
  unchanged: z.number(),
  categoriesAdded: z.number(),
  errors: z.array(FeedErrorSchema),
  removalsSkipped: z.string().optional(),
});

/** The request body as text chunks, refused past MAX_FEED_BYTES. */
async function* bodyChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_FEED_BYTES) {
      await reader.cancel();
      throw new ApiError(
        413,
        "too_large",
        `Feed over ${MAX_FEED_BYTES} bytes: import it with npm run catalog`,
      );
    }
    yield decoder.decode(value, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/**
 * Catalog import for staff and shop back-ends: the body is a product feed (Merchant Center
 * XML or TSV, Shopify products.json, WooCommerce Store API, Vitrine JSON/NDJSON). Rows that
 * cannot be read are listed with their line and field; the others are applied. In full mode
 * (default for feeds) products missing from the feed are hidden, never deleted.
 */
export const adminCatalog = new Hono<{ Bindings: Env }>().post(
  "/import",
  describeRoute({
    summary: "Import a product feed into the catalog",
    tag: "admin",
    responses: {
      200: ["Counts, and the rows that were not imported", ImportSummary],
      400: ["Unknown format, unreadable feed or bad query", ErrorEnvelope],
      413: ["Feed over 10 MiB", ErrorEnvelope],
    },
  }),
  async (c) => {
    const query = parseInput(ImportQuery, c.req.query(), "invalid_query");
    let feed;
    try {
      feed = await parseFeed(bodyChunks(c.req.raw.body), query.format, {
        currency: query.currency,
        baseUrl: query.baseUrl,
      });
    } catch (e) {
      if (e instanceof UnknownFormatError)
        throw new ApiError(400, "unknown_format", e.message, { field: "format" });
      throw e;
    }
    if (!feed.products.length) {
      const first = feed.errors[0];
      throw new ApiError(
        400,
        "unreadable_feed",
        first
          ? `No product could be read; first problem: ${first.field}: ${first.message}`
          : "The feed has no products",
        { errors: feed.errors.slice(0, 100) },
      );
    }
    const mode = query.mode ?? defaultMode(feed.format);
    const result = await applyImport(createDb(settingsOf(c.env)), feed, { mode, now: clock.now() });
    return c.json({ format: feed.format, mode, ...result }, 200, { "cache-control": "no-store" });
  },
);
