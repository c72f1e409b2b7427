/** What a schema.org Product block on the page tells us, normalized. */
export type ProductJsonLd = {
  productId: string | null;
  sku: string | null;
  name: string | null;
  brand: string | null;
  category: string | null;
  priceCents: number | null;
  currency: string | null;
  availability: "in_stock" | "out_of_stock" | "limited" | null;
  rating: number | null;
  reviewCount: number | null;
};

const MAX_BLOCK = 64 * 1024;

/** Products in one JSON-LD block (plain, array or @graph). Never throws on broken JSON. */
export function parseProductJsonLd(text: string): ProductJsonLd[] {
  if (text.length > MAX_BLOCK) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const out: ProductJsonLd[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > 4 || !node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, depth + 1));
    const o = node as Record<string, unknown>;
    if (Array.isArray(o["@graph"])) visit(o["@graph"], depth + 1);
    const type = o["@type"];
    const types = Array.isArray(type) ? type : [type];
    if (types.some((t) => t === "Product" || t === "https://schema.org/Product"))
      out.push(product(o));
  };
  visit(data, 0);
  return out;
}

function product(o: Record<string, unknown>): ProductJsonLd {
  const offersRaw = o.offers;
  const offer = (Array.isArray(offersRaw) ? offersRaw[0] : offersRaw) as
    Record<string, unknown> | undefined;
  const rating = o.aggregateRating as Record<string, unknown> | undefined;
  const price = offer ? num(offer.price ?? offer.lowPrice) : null;
  const brand =
    o.brand && typeof o.brand === "object"
      ? str((o.brand as Record<string, unknown>).name)
      : str(o.brand);
  return {
    productId: str(o.productID) ?? str(o.sku) ?? str(o["@id"]),
    sku: str(o.sku),
    name: str(o.name),
    brand,
    category: str(o.category),
    priceCents: price === null ? null : Math.round(price * 100),
    currency: offer ? str(offer.priceCurrency) : null,
    availability: availability(offer ? str(offer.availability) : null),
    rating: rating ? num(rating.ratingValue) : null,
    reviewCount: rating ? num(rating.reviewCount ?? rating.ratingCount) : null,
  };
}

function availability(v: string | null): ProductJsonLd["availability"] {
  if (!v) return null;
  if (/OutOfStock|SoldOut|Discontinued/i.test(v)) return "out_of_stock";
  if (/LimitedAvailability/i.test(v)) return "limited";
  if (/InStock|OnlineOnly|InStoreOnly|PreOrder/i.test(v)) return "in_stock";
  return null;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.trim()
    ? v.trim().slice(0, 300)
    : typeof v === "number"
      ? String(v)
      : null;
}

function num(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.replace(",", ".")) : NaN;
  return Number.isFinite(n) ? n : null;
}
