import { z } from "zod";
import { fieldErrorOf, jsonDocumentParser } from "./json-document.ts";
import { currencyOf, minorDigits, plainText, urlOf } from "./normalize.ts";
import {
  FieldError,
  type FeedParser,
  type FeedProduct,
  type FeedSink,
  type ParseOptions,
} from "./types.ts";

const Minor = z.union([
  z.string().regex(/^\d+$/, "must be a whole number of minor units"),
  z.number().int().min(0),
]);

const WooProduct = z.object({
  id: z.union([z.number(), z.string().min(1)]).transform(String),
  name: z.string().trim().min(1),
  slug: z.string().trim().min(1),
  permalink: z.string().nullish(),
  sku: z.string().nullish(),
  short_description: z.string().nullish(),
  prices: z.object({
    price: Minor,
    regular_price: Minor.nullish(),
    sale_price: Minor.nullish(),
    currency_code: z.string(),
    currency_minor_unit: z.number().int().min(0).max(4),
  }),
  is_in_stock: z.boolean(),
  is_on_backorder: z.boolean().nullish(),
  images: z.array(z.object({ src: z.string() })).default([]),
  categories: z
    .array(z.object({ id: z.number().or(z.string()), name: z.string(), slug: z.string() }))
    .default([]),
  brands: z.array(z.object({ name: z.string() })).nullish(),
});

/**
 * WooCommerce Store API (`/wp-json/wc/store/v1/products`): a JSON array. Prices come in the
 * currency's minor units with `currency_minor_unit` decimals.
 */
export function woocommerceParser(
  sink: FeedSink,
  options: ParseOptions = {},
  firstItem = 1,
): FeedParser {
  return jsonDocumentParser(
    sink,
    (doc) => (Array.isArray(doc) ? doc : null),
    "a JSON array of products",
    (raw) => wooProduct(raw, options),
    firstItem,
  );
}

function wooProduct(raw: unknown, options: ParseOptions): FeedProduct {
  const parsed = WooProduct.safeParse(raw);
  if (!parsed.success) throw fieldErrorOf(parsed.error);
  const p = parsed.data;
  const currency = currencyOf(p.prices.currency_code, "prices.currency_code");
  // The Store API's minor unit is the shop's setting; stored cents follow the currency's.
  const scale = (v: string | number, field: string): number => {
    const n = Number(v);
    const shift = minorDigits(currency) - p.prices.currency_minor_unit;
    const cents = shift >= 0 ? n * 10 ** shift : n / 10 ** -shift;
    if (!Number.isSafeInteger(cents)) throw new FieldError(field, `"${v}" is not a usable price`);
    return cents;
  };
  const price = scale(p.prices.price, "prices.price");
  const regular = p.prices.regular_price
    ? scale(p.prices.regular_price, "prices.regular_price")
    : null;
  const category = p.categories[0];
  return {
    id: p.id,
    title: p.name,
    url: urlOf(p.permalink ?? undefined, "permalink", options.baseUrl),
    slug: p.slug,
    sku: p.sku?.trim() || null,
    priceCents: price,
    listPriceCents: regular !== null && regular > price ? regular : null,
    currency,
    availability: p.is_in_stock ? "in_stock" : p.is_on_backorder ? "backorder" : "out_of_stock",
    quantity: null,
    imageUrl: urlOf(p.images[0]?.src, "images.0.src", options.baseUrl) ?? "",
    brand: p.brands?.[0]?.name.trim() ?? "",
    description: plainText(p.short_description ?? ""),
    categoryPath: category ? [category.name.trim()] : [],
    categoryId: null,
    groupId: null,
    variantIds: [p.id],
  };
}
