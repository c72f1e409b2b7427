/**
 * A shop's own product page, read as a catalog row: the schema.org Product its JSON-LD or
 * microdata describes (offers, price, availability, image, brand, ids) and the category path
 * its BreadcrumbList gives. Pure: it takes what the page collector (collect.ts) gathered and
 * returns a FeedProduct for the feed importer's upsert path, or why the page teaches nothing.
 *
 * The page is not trusted beyond its own product: only the first Product is read, every text
 * and list is bounded, only http(s) images are kept, and the product's URL is the page's own
 * (its canonical link when on the same host), never one the markup claims.
 */
import { amountToMinor, categoryPathOf, currencyOf, plainText } from "../feed/normalize.ts";
import type { Availability, FeedProduct } from "../feed/types.ts";

type Node = Record<string, unknown>;

/** What the collector gathered from one page. */
export type PageFacts = {
  /** Text of the page's JSON-LD blocks, in page order. */
  jsonLd: string[];
  /** The page's top-level microdata items as JSON-LD-shaped nodes (`@type` plus properties). */
  microdata: Node[];
  /** The href of the page's first `<link rel="canonical">`, as written. */
  canonical: string | null;
};

export type ReadOptions = {
  /** The public URL the page was requested at. */
  pageUrl: string;
  /** For offers without `priceCurrency`: the config's default currency. */
  currency: string;
};

export type ReadResult = { product: FeedProduct } | { skipped: string };

/** JSON-LD blocks read per page, and the size past which a block is skipped. */
export const MAX_BLOCKS = 16;
export const MAX_BLOCK_CHARS = 64 * 1024;
export const MAX_NAME = 300;
export const MAX_DESCRIPTION = 2000;
const MAX_ID = 200;
const MAX_URL = 2048;
/** Image candidates looked at; the first usable one is kept. */
export const MAX_IMAGES = 10;
const MAX_OFFERS = 50;
const MAX_VARIANTS = 100;
const MAX_CRUMBS = 20;
const MAX_CATEGORY_DEPTH = 8;
const MAX_CATEGORY_NAME = 100;
const MAX_DEPTH = 8;
const MAX_NODES = 2000;

const PRODUCT_TYPES = new Set(["product", "productgroup", "individualproduct", "productmodel"]);

const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const nodes = (v: unknown, max: number): Node[] => list(v).slice(0, max).filter(isNode);

/** `https://schema.org/InStock`, `schema:InStock`, `InStock` -> `instock`. */
function term(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim().split(/[/:#]/).pop();
  return t ? t.toLowerCase() : null;
}

const hasType = (node: Node, types: Set<string>) =>
  list(node["@type"]).some((t) => types.has(term(t) ?? ""));

/** Plain text of a string or number, tags and entities resolved, bounded; null when empty. */
function text(v: unknown, max: number): string | null {
  const raw = typeof v === "number" && Number.isFinite(v) ? String(v) : v;
  if (typeof raw !== "string") return null;
  const t = plainText(raw.slice(0, max * 4), max).replace(/[\u0000-\u001f\u007f]/g, "");
  return t || null;
}

/** The first value of a property that reads as text (a list's first usable entry). */
function first(v: unknown, max: number): string | null {
  for (const item of list(v).slice(0, 10)) {
    const t = text(item, max);
    if (t) return t;
  }
  return null;
}

/** A name from a string, a `{ name }` object (Brand, Organization), or a list of either. */
function named(v: unknown, max: number): string | null {
  for (const item of list(v).slice(0, 10)) {
    const found = isNode(item) ? first(item.name, max) : text(item, max);
    if (found) return found;
  }
  return null;
}

/** An id as written: a single line, not too long to be an id. */
function idOf(v: unknown): string | null {
  const t = first(v, MAX_ID + 1);
  return t && t.length <= MAX_ID ? t : null;
}

/** An absolute http(s) URL resolved against the page, or null. */
function httpUrl(v: unknown, base: string): string | null {
  const raw = isNode(v) ? (v.url ?? v.contentUrl ?? v["@id"]) : v;
  const s = list(raw).find((x): x is string => typeof x === "string");
  if (!s || s.length > MAX_URL) return null;
  try {
    const url = new URL(s.trim(), base);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Every node of a JSON-LD document or microdata item, depth-first, bounded in depth and count. */
function* walk(root: unknown): Generator<Node> {
  let seen = 0;
  function* visit(v: unknown, depth: number): Generator<Node> {
    if (depth > MAX_DEPTH || seen >= MAX_NODES) return;
    if (Array.isArray(v)) {
      for (const item of v) yield* visit(item, depth + 1);
      return;
    }
    if (!isNode(v)) return;
    seen++;
    yield v;
    for (const key of ["@graph", "mainEntity", "breadcrumb"])
      if (key in v) yield* visit(v[key], depth + 1);
  }
  yield* visit(root, 0);
}

function parseBlock(source: string): unknown {
  if (source.length > MAX_BLOCK_CHARS) return null;
  try {
    return JSON.parse(source);
  } catch {
    // CMS output: CDATA or comment wrappers, raw control characters in strings.
    try {
      return JSON.parse(
        source
          .trim()
          .replace(/^(\/\/\s*)?(<!\[CDATA\[|<!--)/, "")
          .replace(/(\/\/\s*)?(\]\]>|-->)$/, "")
          .replace(/[\u0000-\u001f]+/g, " "),
      );
    } catch {
      return null;
    }
  }
}

type Offer = {
  cents: number;
  listCents: number | null;
  currency: string;
  availability: Availability | null;
};

function availabilityOf(v: unknown): Availability | null {
  switch (term(isNode(v) ? v["@id"] : list(v)[0])) {
    case "instock":
    case "onlineonly":
    case "instoreonly":
    case "limitedavailability":
    case "madetoorder":
      return "in_stock";
    case "preorder":
    case "presale":
      return "preorder";
    case "backorder":
      return "backorder";
    case "outofstock":
    case "soldout":
    case "discontinued":
      return "out_of_stock";
    default:
      return null;
  }
}

/** A price as schema.org asks (129.9) or as shops write it ("1,299.00", "€ 129,90"). */
function cents(v: unknown, currency: string): number | null {
  const raw = list(v)[0];
  const s =
    typeof raw === "number" && Number.isFinite(raw) && raw >= 0
      ? String(raw)
      : typeof raw === "string" && !/-\s*\d/.test(raw) && raw.length <= 40
        ? raw.replace(/[^\d.,]/g, "")
        : null;
  if (!s) return null;
  // "1.299,00": dots group thousands and the comma is the decimal mark.
  const european = /^\d{1,3}(\.\d{3})+,\d+$/.test(s);
  try {
    return amountToMinor(european ? s.replace(/\./g, "").replace(",", ".") : s, currency, "price");
  } catch {
    return null;
  }
}

const LIST_PRICE_TYPES = new Set(["listprice", "strikethroughprice", "msrp", "srp"]);

function readOffer(o: Node, fallbackCurrency: string): Offer | null {
  const specs = nodes(o.priceSpecification, 10);
  const isList = (s: Node) => LIST_PRICE_TYPES.has(term(list(s.priceType)[0]) ?? "");
  const sale = specs.find((s) => !isList(s));
  const listSpec = specs.find(isList);
  let currency = fallbackCurrency;
  const code = first(o.priceCurrency, 10) ?? (sale ? first(sale.priceCurrency, 10) : null);
  if (code) {
    try {
      currency = currencyOf(code, "priceCurrency");
    } catch {
      return null;
    }
  }
  const price =
    cents(o.price, currency) ??
    cents(o.lowPrice, currency) ??
    (sale ? cents(sale.price, currency) : null);
  if (price === null) return null;
  const listPrice = listSpec ? cents(listSpec.price, currency) : null;
  return {
    cents: price,
    listCents: listPrice !== null && listPrice > price ? listPrice : null,
    currency,
    availability: availabilityOf(o.availability),
  };
}

/** Offer and AggregateOffer nodes of a product, one level of nested `offers` included. */
function offerNodes(p: Node): Node[] {
  const out: Node[] = [];
  for (const o of nodes(p.offers, MAX_OFFERS)) {
    out.push(o);
    // An AggregateOffer's offers take its currency when they state none.
    for (const inner of nodes(o.offers, MAX_OFFERS))
      out.push(
        inner.priceCurrency === undefined ? { ...inner, priceCurrency: o.priceCurrency } : inner,
      );
  }
  return out.slice(0, MAX_OFFERS);
}

const AVAILABILITY_RANK: Availability[] = ["in_stock", "preorder", "backorder", "out_of_stock"];

/**
 * Several offers (variants, sellers): the cheapest in the first currency stated, and the most
 * orderable state any offer has; an offer that states no availability sells the product.
 */
function combine(offers: Offer[]): Offer | null {
  const currency = offers[0]?.currency;
  const same = offers.filter((o) => o.currency === currency);
  // At the same price, the offer that also states a regular price (a sale) wins.
  const cheapest = same.reduce<Offer | null>(
    (a, o) => (!a || o.cents < a.cents || (o.cents === a.cents && a.listCents === null) ? o : a),
    null,
  );
  if (!cheapest) return null;
  const states = offers.map((o) => o.availability ?? "in_stock");
  const availability = AVAILABILITY_RANK.find((a) => states.includes(a)) ?? "in_stock";
  return { ...cheapest, availability };
}

/** The product's URL: the canonical link when it is on the page's host, else the page's path. */
export function productUrlOf(canonical: string | null, pageUrl: string): string {
  const page = new URL(pageUrl);
  if (canonical && canonical.length <= MAX_URL) {
    try {
      const c = new URL(canonical.trim(), page);
      if (c.host === page.host && (c.protocol === "http:" || c.protocol === "https:")) {
        c.hash = "";
        return c.href;
      }
    } catch {
      // A malformed canonical link: the page's own URL stands.
    }
  }
  return page.origin + page.pathname;
}

const HOME = /^(home|homepage|start|startseite|accueil|inicio|home page)$/i;

/** The category path of a BreadcrumbList, root first, without the home and product crumbs. */
function breadcrumbPath(
  list_: Node,
  productName: string,
  productUrl: string,
  base: string,
): string[] {
  const crumbs = nodes(list_.itemListElement, MAX_CRUMBS)
    .map((item, i) => {
      const target = item.item;
      const name = named(
        item.name ?? (isNode(target) ? target.name : undefined),
        MAX_CATEGORY_NAME,
      );
      const position = Number(list(item.position)[0]);
      return {
        name,
        url: httpUrl(target ?? item.url, base),
        order: Number.isFinite(position) ? position : i + 1,
      };
    })
    .filter((c): c is { name: string; url: string | null; order: number } => !!c.name)
    .sort((a, b) => a.order - b.order);
  const last = crumbs.at(-1);
  const sameUrl = (u: string | null) => !!u && new URL(u).pathname === new URL(productUrl).pathname;
  if (last && (last.name.toLowerCase() === productName.toLowerCase() || sameUrl(last.url)))
    crumbs.pop();
  const root = crumbs[0];
  if (root && (HOME.test(root.name) || (root.url !== null && new URL(root.url).pathname === "/")))
    crumbs.shift();
  return crumbs.slice(0, MAX_CATEGORY_DEPTH).map((c) => c.name);
}

/** A `category` property as a path: "Shoes > Trail" (a URL or a taxonomy number is no path). */
function categoryProperty(v: unknown): string[] {
  const t = named(v, MAX_CATEGORY_NAME * MAX_CATEGORY_DEPTH);
  if (!t || /^(https?:|\d+$)/.test(t)) return [];
  const parts = t.includes(">") ? categoryPathOf(t) : t.split(/\s*\/\s*/).filter(Boolean);
  return parts.slice(0, MAX_CATEGORY_DEPTH).map((p) => p.slice(0, MAX_CATEGORY_NAME));
}

function rating(p: Node): Pick<NonNullable<FeedProduct["extra"]>, "rating" | "reviewCount"> {
  const r = nodes(p.aggregateRating, 1)[0];
  if (!r) return {};
  let value = Number(list(r.ratingValue)[0]);
  const best = Number(list(r.bestRating)[0]);
  if (Number.isFinite(best) && best > 0 && best !== 5) value = (value * 5) / best;
  const count = Number(list(r.reviewCount ?? r.ratingCount)[0]);
  if (!Number.isFinite(value) || value < 0 || value > 5) return {};
  return {
    rating: Math.round(value * 100) / 100,
    ...(Number.isSafeInteger(count) && count >= 0 ? { reviewCount: count } : {}),
  };
}

/** The first Product (or ProductGroup) and the first BreadcrumbList among some roots. */
function find(roots: unknown[]): { product: Node | null; breadcrumb: Node | null } {
  let product: Node | null = null;
  let breadcrumb: Node | null = null;
  for (const root of roots)
    for (const node of walk(root)) {
      if (!product && hasType(node, PRODUCT_TYPES)) product = node;
      if (!breadcrumb && hasType(node, new Set(["breadcrumblist"]))) breadcrumb = node;
      if (product && breadcrumb) return { product, breadcrumb };
    }
  return { product, breadcrumb };
}

/**
 * The page's product as the feed importer takes it: JSON-LD first, microdata when the page has
 * no JSON-LD product. Id: the page's productID or sku (as the page rewriter reads them for the
 * tracker), a ProductGroup's productGroupID, else the product's URL.
 */
export function readProductPage(facts: PageFacts, options: ReadOptions): ReadResult {
  const blocks = facts.jsonLd.slice(0, MAX_BLOCKS).map(parseBlock);
  const fromJsonLd = find(blocks);
  const fromMicrodata = find(facts.microdata);
  const p = fromJsonLd.product ?? fromMicrodata.product;
  if (!p) return { skipped: "no schema.org Product on the page" };
  const breadcrumb = fromJsonLd.breadcrumb ?? fromMicrodata.breadcrumb;

  const url = productUrlOf(facts.canonical, options.pageUrl);
  const variants = nodes(p.hasVariant, MAX_VARIANTS);
  const name = first(p.name, MAX_NAME) ?? (variants[0] ? first(variants[0].name, MAX_NAME) : null);
  if (!name) return { skipped: "the Product has no name" };

  let fallbackCurrency: string;
  try {
    fallbackCurrency = currencyOf(options.currency, "currency");
  } catch {
    fallbackCurrency = "EUR";
  }
  const offers = [p, ...variants]
    .flatMap(offerNodes)
    .slice(0, MAX_OFFERS)
    .map((o) => readOffer(o, fallbackCurrency))
    .filter((o): o is Offer => o !== null);
  const offer = combine(offers);
  if (!offer) return { skipped: "the Product has no offer with a readable price" };

  const sku = idOf(p.sku);
  const id = idOf(p.productGroupID) ?? idOf(p.productID) ?? sku ?? idOf(p.gtin) ?? url;
  const image =
    [p, ...variants.slice(0, 1)]
      .flatMap((n) => list(n.image))
      .slice(0, MAX_IMAGES)
      .map((img) => httpUrl(img, url))
      .find((u) => u !== null) ?? "";
  const categoryPath = breadcrumb
    ? breadcrumbPath(breadcrumb, name, url, url)
    : categoryProperty(p.category);

  return {
    product: {
      id,
      title: name,
      url,
      slug: null,
      sku,
      priceCents: offer.cents,
      listPriceCents: offer.listCents,
      currency: offer.currency,
      availability: offer.availability ?? "in_stock",
      quantity: null,
      imageUrl: image,
      brand: named(p.brand, MAX_NAME) ?? named(p.manufacturer, MAX_NAME) ?? "",
      description: first(p.description, MAX_DESCRIPTION) ?? "",
      categoryPath: categoryPath.length ? categoryPath : categoryProperty(p.category),
      categoryId: null,
      groupId: null,
      variantIds: variants
        .map((v) => idOf(v.sku) ?? idOf(v.productID))
        .filter((v): v is string => v !== null),
      extra: rating(p),
    },
  };
}
