/**
 * A product page's own id in schema.org microdata: `productID` or `sku` inside a Product item
 * scope, given as a `content` attribute (`<meta itemprop="sku" content="...">`) or as the
 * element's text. Shops put it by the product title and price, well before the first slot,
 * where their JSON-LD often comes last in <body>.
 */

/** HTMLRewriter selectors for the properties that name the product (any schema.org Product type). */
export const MICRODATA_PRODUCT_ID = ["productID", "sku"].map(
  (prop) => `[itemtype$="/Product"] [itemprop~="${prop}"]`,
);

const MAX_ID_CHARS = 300;

/** The id an itemprop's value names, or null when it is empty or too long to be an id. */
export function productIdFromMicrodata(value: string | null): string | null {
  const id = (value ?? "").replace(/\s+/g, " ").trim();
  return id && id.length <= MAX_ID_CHARS ? id : null;
}
