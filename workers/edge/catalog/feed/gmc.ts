import { availabilityOf, categoryPathOf, gmcPrice, plainText, urlOf } from "./normalize.ts";
import { FieldError, type FeedProduct, type ParseOptions } from "./types.ts";

/** Attribute names as Google spells them, without the `g:` prefix ("image_link"). */
export type GmcAttributes = Record<string, string>;

/**
 * An empty attribute bag without a prototype: a feed's `<__proto__>` or `constructor` column
 * is then just an unknown attribute, not Object.prototype read back as a value.
 */
export const noAttributes = (): GmcAttributes => Object.create(null) as GmcAttributes;

/** Google Merchant Center attribute name from a TSV header or XML element ("Image Link" -> "image_link"). */
export function gmcName(raw: string): string {
  return raw
    .trim()
    .replace(/^g:/i, "")
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

const required = (a: GmcAttributes, name: string): string => {
  const v = a[name]?.trim();
  if (!v) throw new FieldError(name, "is required");
  return v;
};

/**
 * One Merchant Center item (XML item/entry or TSV row) as a feed product. Throws a FieldError
 * naming the first attribute that is missing or malformed.
 */
export function gmcProduct(a: GmcAttributes, options: ParseOptions = {}): FeedProduct {
  const id = required(a, "id");
  const title = required(a, "title");
  const price = gmcPrice(required(a, "price"), "price");
  let priceCents = price.cents;
  let listPriceCents: number | null = null;
  const saleRaw = a.sale_price?.trim();
  if (saleRaw) {
    const sale = gmcPrice(saleRaw, "sale_price");
    if (sale.currency !== price.currency)
      throw new FieldError(
        "sale_price",
        `currency ${sale.currency} differs from price's ${price.currency}`,
      );
    // A "sale" above the regular price is a feed mistake; the regular price stands.
    if (sale.cents < price.cents) {
      priceCents = sale.cents;
      listPriceCents = price.cents;
    }
  }
  const availability = a.availability?.trim() ? availabilityOf(a.availability) : "in_stock";
  const productType = categoryPathOf(a.product_type);
  const google = categoryPathOf(a.google_product_category);
  // A numeric Google category id names nothing a shopper would recognise.
  const categoryPath = productType.length
    ? productType
    : google.length === 1 && /^\d+$/.test(google[0]!)
      ? [`Google category ${google[0]}`]
      : google;
  return {
    id,
    title,
    url: urlOf(a.link, "link", options.baseUrl),
    slug: null,
    sku: a.mpn?.trim() || null,
    priceCents,
    listPriceCents,
    currency: price.currency,
    availability,
    quantity: null,
    imageUrl: urlOf(a.image_link, "image_link", options.baseUrl) ?? "",
    brand: a.brand?.trim() ?? "",
    description: plainText(a.description),
    categoryPath,
    categoryId: null,
    groupId: a.item_group_id?.trim() || null,
    variantIds: [id],
  };
}
