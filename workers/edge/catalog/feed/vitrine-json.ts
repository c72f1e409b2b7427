import { z } from "zod";
import { fieldErrorOf, idOf, jsonDocumentParser } from "./json-document.ts";
import { lineSplitter } from "./lines.ts";
import { categoryPathOf, urlOf } from "./normalize.ts";
import {
  AVAILABILITIES,
  FieldError,
  type FeedParser,
  type FeedProduct,
  type FeedSink,
  type ParseOptions,
} from "./types.ts";

/**
 * Vitrine's own product shape (the `products` columns), for bulk upserts from a shop's own
 * export. Only id, name and priceCents are required; `category` is a "A > B" path.
 */
export const VitrineProduct = z.strictObject({
  id: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1),
  priceCents: z.number().int().min(0),
  listPriceCents: z.number().int().min(0).nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be a 3-letter currency code")
    .default("EUR"),
  sku: z.string().trim().min(1).nullish(),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "must be lowercase letters, digits and dashes")
    .nullish(),
  url: z.string().nullish(),
  imageUrl: z.string().default(""),
  brand: z.string().default(""),
  description: z.string().default(""),
  categoryId: z.string().trim().min(1).nullish(),
  category: z.string().nullish(),
  stock: z.number().int().min(0).nullish(),
  availability: z.enum(AVAILABILITIES).nullish(),
  groupId: z.string().trim().min(1).nullish(),
  tags: z.array(z.string()).optional(),
  accessoryFor: z.array(z.string()).optional(),
  rating: z.number().min(0).max(5).optional(),
  reviewCount: z.number().int().min(0).optional(),
});

function vitrineProduct(raw: unknown, options: ParseOptions): FeedProduct {
  const parsed = VitrineProduct.safeParse(raw);
  if (!parsed.success) throw fieldErrorOf(parsed.error);
  const p = parsed.data;
  const quantity = p.stock ?? null;
  const { tags, accessoryFor, rating, reviewCount } = p;
  return {
    id: p.id,
    title: p.name,
    url: urlOf(p.url ?? undefined, "url", options.baseUrl),
    slug: p.slug ?? null,
    sku: p.sku ?? null,
    priceCents: p.priceCents,
    listPriceCents:
      p.listPriceCents != null && p.listPriceCents > p.priceCents ? p.listPriceCents : null,
    currency: p.currency,
    availability: p.availability ?? (quantity === 0 ? "out_of_stock" : "in_stock"),
    quantity,
    imageUrl: urlOf(p.imageUrl, "imageUrl", options.baseUrl) ?? "",
    brand: p.brand.trim(),
    description: p.description,
    categoryPath: categoryPathOf(p.category ?? undefined),
    categoryId: p.categoryId ?? null,
    groupId: p.groupId ?? null,
    variantIds: [p.id],
    extra: { tags, accessoryFor, rating, reviewCount },
  };
}

/** A JSON array of products in Vitrine's shape. */
export function vitrineJsonParser(sink: FeedSink, options: ParseOptions = {}): FeedParser {
  return jsonDocumentParser(
    sink,
    (doc) => (Array.isArray(doc) ? doc : null),
    "a JSON array of products",
    (raw) => vitrineProduct(raw, options),
  );
}

/** Newline-delimited JSON: one product in Vitrine's shape per line; blank lines are skipped. */
export function vitrineNdjsonParser(sink: FeedSink, options: ParseOptions = {}): FeedParser {
  let item = 0;
  return lineSplitter((text, line) => {
    if (!text.trim()) return;
    item++;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      sink.error({ line, item, field: "line", message: `not JSON: ${(e as Error).message}` });
      return;
    }
    try {
      sink.product(vitrineProduct(raw, options));
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      sink.error({ line, item, field: e.field, message: e.message, id: idOf(raw) });
    }
  });
}
