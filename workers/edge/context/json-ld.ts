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
  /** On a 0-5 scale (rescaled when the block gives another `bestRating`). */
  rating: number | null;
  reviewCount: number | null;
};

/** Blocks larger than this are skipped: product blocks are a few KiB, big ones are catalogs. */
export const MAX_JSON_LD_CHARS = 64 * 1024;
/** Blocks read per page; later ones are ignored to bound CPU on odd pages. */
export const MAX_JSON_LD_BLOCKS = 16;

const MAX_DEPTH = 8;
const MAX_TEXT = 300;
const PRODUCT_TYPES = new Set(["product", "individualproduct", "productmodel", "someproducts"]);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** `https://schema.org/InStock`, `schema:InStock`, `InStock` -> `instock`. */
function term(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim().split(/[/:#]/).pop();
  return t ? t.toLowerCase() : null;
}

function isProduct(node: Node): boolean {
  return list(node["@type"]).some((t) => {
    const name = term(t);
    return name !== null && PRODUCT_TYPES.has(name);
  });
}

/** The first Product in document order: in arrays, `@graph` or a page's `mainEntity`. */
function findProduct(node: unknown, depth: number): Node | null {
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findProduct(item, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (!isNode(node)) return null;
  if (isProduct(node)) return node;
  for (const key of ["@graph", "mainEntity", "itemOffered"]) {
    const found = key in node ? findProduct(node[key], depth + 1) : null;
    if (found) return found;
  }
  return null;
}

function text(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t ? t.slice(0, MAX_TEXT) : null;
}

/** A name from a string, a `{ name }` object, or the first of an array of either. */
function named(v: unknown): string | null {
  for (const item of list(v)) {
    const found = isNode(item) ? text(item.name) : text(item);
    if (found) return found;
  }
  return null;
}

/**
 * A price as schema.org asks (`129.90`, number or string) or as shops write it anyway
 * (`"1,299.00"`, `"129,90"`, `"€ 129.90"`). Negative or non-numeric is null.
 */
function price(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : null;
  if (typeof v !== "string" || /-\s*\d/.test(v)) return null;
  let s = v.replace(/[^\d.,]/g, "").replace(/^[.,]+|[.,]+$/g, "");
  const lastComma = s.lastIndexOf(",");
  const lastDot = s.lastIndexOf(".");
  if (lastComma > lastDot) {
    // "1.299,00" or "129,90": comma is the decimal mark, unless it groups thousands ("1,299").
    const decimals = s.length - lastComma - 1;
    s =
      decimals === 3 && lastDot < 0 ? s.replace(/,/g, "") : s.replace(/\./g, "").replace(",", ".");
  } else {
    s = s.replace(/,/g, "");
  }
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function number(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() ? Number(v.trim()) : NaN;
  return Number.isFinite(n) ? n : null;
}

function availability(v: unknown): ProductJsonLd["availability"] {
  switch (term(isNode(v) ? v["@id"] : v)) {
    case "instock":
    case "onlineonly":
    case "instoreonly":
    case "madetoorder":
      return "in_stock";
    case "limitedavailability":
      return "limited";
    // Not shippable now: pre-orders and back-orders count as unavailable for display.
    case "outofstock":
    case "soldout":
    case "discontinued":
    case "preorder":
    case "presale":
    case "backorder":
      return "out_of_stock";
    default:
      return null;
  }
}

type Offer = {
  price: number | null;
  currency: string | null;
  availability: ProductJsonLd["availability"];
};

function readOffer(o: Node): Offer {
  const spec = list(o.priceSpecification).find(isNode);
  const amount = price(o.price) ?? price(o.lowPrice) ?? (spec ? price(spec.price) : null);
  const currency = text(o.priceCurrency) ?? (spec ? text(spec.priceCurrency) : null);
  return {
    price: amount,
    currency: currency && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : null,
    availability: availability(o.availability),
  };
}

/** Several offers (variants, sellers): the lowest price, and in stock if any offer is. */
function combineOffers(offers: Offer[]): Offer {
  const priced = offers.filter((o) => o.price !== null);
  const cheapest = priced.reduce<Offer | null>(
    (best, o) => (best === null || o.price! < best.price! ? o : best),
    null,
  );
  const states = offers.map((o) => o.availability);
  const avail = states.includes("in_stock")
    ? "in_stock"
    : states.includes("limited")
      ? "limited"
      : states.includes("out_of_stock")
        ? "out_of_stock"
        : null;
  return {
    price: cheapest?.price ?? null,
    currency: cheapest?.currency ?? offers.find((o) => o.currency)?.currency ?? null,
    availability: avail,
  };
}

function readProduct(p: Node): ProductJsonLd {
  const offer = combineOffers(list(p.offers).filter(isNode).map(readOffer));
  const ratingNode = list(p.aggregateRating).find(isNode);
  let rating = ratingNode ? number(ratingNode.ratingValue) : null;
  const best = ratingNode ? number(ratingNode.bestRating) : null;
  if (rating !== null && best !== null && best > 0 && best !== 5) rating = (rating * 5) / best;
  if (rating !== null && (rating < 0 || rating > 5)) rating = null;
  const count = ratingNode ? number(ratingNode.reviewCount ?? ratingNode.ratingCount) : null;
  const sku = text(p.sku);
  return {
    productId: text(p.productID) ?? sku,
    sku,
    name: text(p.name),
    brand: named(p.brand),
    category: named(p.category),
    priceCents: offer.price === null ? null : Math.round(offer.price * 100),
    currency: offer.currency,
    availability: offer.availability,
    rating: rating === null ? null : Math.round(rating * 100) / 100,
    reviewCount: count !== null && count >= 0 ? Math.round(count) : null,
  };
}

/** Raw control characters in strings and CDATA/comment wrappers: common CMS output. */
function lenientParse(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    const cleaned = source
      .trim()
      .replace(/^(\/\/\s*)?(<!\[CDATA\[|<!--)/, "")
      .replace(/(\/\/\s*)?(\]\]>|-->)$/, "")
      .replace(/[\u0000-\u001f]+/g, " ");
    return JSON.parse(cleaned);
  }
}

/**
 * The first schema.org Product in a JSON-LD block: top level, in an array, in `@graph`, or a
 * page's `mainEntity`. Offers as an object or array (`Offer` or `AggregateOffer`), prices as
 * numbers or strings. Null for anything else, oversize or malformed; never throws.
 */
export function parseProductJsonLd(source: string): ProductJsonLd | null {
  if (typeof source !== "string" || source.length > MAX_JSON_LD_CHARS) return null;
  try {
    const node = findProduct(lenientParse(source), 0);
    return node ? readProduct(node) : null;
  } catch {
    return null;
  }
}

/**
 * Collects `<script type="application/ld+json">` text from an HTMLRewriter text handler, whose
 * chunks arrive split at arbitrary points: `push(text.text, text.lastInTextNode)`. A block over
 * the size cap stops buffering at once (memory stays flat) and is skipped.
 */
export class JsonLdCollector {
  #buffer: string[] = [];
  #size = 0;
  #oversize = false;
  #blocks = 0;
  #products: ProductJsonLd[] = [];

  push(chunk: string, lastInTextNode: boolean): void {
    if (!this.#oversize) {
      this.#size += chunk.length;
      if (this.#size > MAX_JSON_LD_CHARS) {
        this.#oversize = true;
        this.#buffer = [];
      } else if (chunk) {
        this.#buffer.push(chunk);
      }
    }
    if (!lastInTextNode) return;
    if (!this.#oversize && this.#blocks < MAX_JSON_LD_BLOCKS) {
      this.#blocks++;
      const product = parseProductJsonLd(this.#buffer.join(""));
      if (product) this.#products.push(product);
    }
    this.#buffer = [];
    this.#size = 0;
    this.#oversize = false;
  }

  /** Characters held for the block in progress (stays 0 while skipping an oversize one). */
  get pendingChars(): number {
    return this.#oversize ? 0 : this.#size;
  }

  /** Products found so far, in page order. */
  products(): ProductJsonLd[] {
    return [...this.#products];
  }
}
