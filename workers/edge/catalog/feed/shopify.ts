import { z } from "zod";
import { fieldErrorOf, jsonDocumentParser } from "./json-document.ts";
import { amountToMinor, currencyOf, plainText, urlOf } from "./normalize.ts";
import type { FeedParser, FeedProduct, FeedSink, ParseOptions } from "./types.ts";

const Id = z.union([z.number(), z.string().min(1)]).transform(String);
const Money = z.union([z.string(), z.number()]).transform(String);

const ShopifyProduct = z.object({
  id: Id,
  title: z.string().trim().min(1),
  handle: z.string().trim().min(1),
  vendor: z.string().nullish(),
  product_type: z.string().nullish(),
  body_html: z.string().nullish(),
  variants: z
    .array(
      z.object({
        id: Id,
        price: Money,
        compare_at_price: Money.nullish(),
        available: z.boolean().default(true),
        sku: z.string().nullish(),
      }),
    )
    .min(1),
  images: z.array(z.object({ src: z.string() })).default([]),
});

/**
 * Shopify's public `/products.json` (`{products: [...]}`). A Shopify product already groups
 * its variants: it becomes one product priced at its cheapest available variant.
 */
export function shopifyParser(
  sink: FeedSink,
  options: ParseOptions = {},
  firstItem = 1,
): FeedParser {
  const currency = currencyOf(options.currency ?? "EUR", "currency");
  return jsonDocumentParser(
    sink,
    (doc) => {
      const list = (doc as { products?: unknown } | null)?.products;
      return Array.isArray(list) ? list : null;
    },
    'an object with a "products" array',
    (raw) => shopifyProduct(raw, currency, options),
    firstItem,
  );
}

function shopifyProduct(raw: unknown, currency: string, options: ParseOptions): FeedProduct {
  const parsed = ShopifyProduct.safeParse(raw);
  if (!parsed.success) throw fieldErrorOf(parsed.error);
  const p = parsed.data;
  const variants = p.variants.map((v, i) => {
    const price = amountToMinor(v.price, currency, `variants.${i}.price`);
    const compare = v.compare_at_price
      ? amountToMinor(v.compare_at_price, currency, `variants.${i}.compare_at_price`)
      : null;
    return { ...v, price, compare };
  });
  const available = variants.filter((v) => v.available);
  const pool = available.length ? available : variants;
  const cheapest = pool.reduce((a, b) => (b.price < a.price ? b : a));
  const url = options.baseUrl
    ? urlOf(`/products/${encodeURIComponent(p.handle)}`, "handle", options.baseUrl)
    : null;
  return {
    id: p.id,
    title: p.title,
    url,
    slug: p.handle,
    sku: variants[0]!.sku?.trim() || null,
    priceCents: cheapest.price,
    listPriceCents: cheapest.compare && cheapest.compare > cheapest.price ? cheapest.compare : null,
    currency,
    availability: available.length ? "in_stock" : "out_of_stock",
    quantity: null,
    imageUrl: urlOf(p.images[0]?.src, "images.0.src", options.baseUrl) ?? "",
    brand: p.vendor?.trim() ?? "",
    description: plainText(p.body_html ?? ""),
    categoryPath: p.product_type?.trim() ? [p.product_type.trim()] : [],
    categoryId: null,
    groupId: null,
    variantIds: variants.map((v) => v.id),
  };
}
