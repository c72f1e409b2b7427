import Mustache from "mustache";
import type { CatalogItem } from "../model/catalog.ts";
import type { PersonalizationConfig, VariantConfig } from "./config-schema.ts";
import type { ItemsSpec, PageDecision, SlotDecision } from "./decide.ts";
import { createFacts, localDate, type DecisionInput } from "./targeting.ts";
import { checkTemplate, isRelativePath, isSafeUrl, URL_ATTRIBUTES } from "./template.ts";

export type { RenderedSlot } from "../model/rendered-slot.ts";
import type { RenderedSlot } from "../model/rendered-slot.ts";

/** The product fields a module can show; a `CatalogItem` fits as is. */
export type ProductSource = Pick<
  CatalogItem,
  | "id"
  | "name"
  | "url"
  | "imageUrl"
  | "priceCents"
  | "currency"
  | "rating"
  | "reviewCount"
  | "stock"
  | "categoryId"
  | "brand"
> & {
  /** Why a recommendation was picked ("Because you viewed X"); lists from the model set it. */
  reason?: string | null;
};

/** A product as templates see it: formatted for display. */
export type ProductCard = ProductSource & {
  /** Formatted with the config's locale, e.g. `€1,299.99`. */
  price: string;
  /** 1-based position in its list (0 for the page's own product). */
  rank: number;
  /** `★★★★☆` */
  stars: string;
  /** `4.6` */
  ratingText: string;
  inStock: boolean;
  lowStock: boolean;
};

export type TemplateView = {
  data: Record<string, string | number | boolean>;
  product: ProductCard | null;
  items: ProductCard[];
  hasItems: boolean;
  /** Value fields are null while a cart line's price is unknown (the gap is unknown too). */
  cart: {
    valueCents: number | null;
    value: string | null;
    count: number;
    lines: number;
    empty: boolean;
    freeDeliveryThreshold: string | null;
    missingForFreeDeliveryCents: number | null;
    missingForFreeDelivery: string | null;
    qualifiesForFreeDelivery: boolean;
    /** 0-100, for a <progress> bar. */
    freeDeliveryProgress: number;
  };
  visitor: {
    mode: string | null;
    stage: string | null;
    segments: string[];
    visitCount: number;
    orderCount: number;
    returning: boolean;
  };
  /** `leftToday`: time to the visitor's midnight, e.g. `5 h 20 min` (for "today only" offers). */
  now: { iso: string; date: string; hour: number; dayOfWeek: number; leftToday: string };
  /** Time left until `data.endsAt`, e.g. `5 h 20 min`; null without `endsAt`. */
  endsIn: string | null;
  page: { type: string; path: string; categoryId: string | null; productId: string | null };
  query: Record<string, string>;
};

export type RenderInput = {
  /** The same input `decide` got; without consent its profile and session are ignored. */
  input: DecisionInput;
  /** The page's own product, if it is a product page. */
  product: ProductSource | null;
  /** The products for the variant's `items` spec (the caller resolves them, e.g. `resolveList`). */
  items: readonly ProductSource[];
};

const HOUR = 3_600_000;
const MAX_QUERY_VALUE = 200;
const MAX_ATTRIBUTE = 2000;

/**
 * Renders one slot decision to what the page rewriter applies. Null means "leave the slot as
 * the shop rendered it": a list that came back empty, a product module on a page without a
 * product, an offer past its `endsAt`, an attribute value that is not a safe path, or any error.
 */
export function renderSlot(
  config: PersonalizationConfig,
  slot: SlotDecision,
  render: RenderInput,
): RenderedSlot | null {
  const base = {
    slotId: slot.slotId,
    action: slot.action,
    html: "",
    variantId: slot.variantId,
    reason: slot.reason,
  };
  if (slot.action === "remove") return base;
  const variant = config.variants[slot.variantId];
  if (!variant?.template) return null;
  try {
    const view = buildView(config, variant, render);
    if (!view) return null;
    if (slot.action === "setAttribute") {
      if (!slot.attribute) return null;
      const value = renderAttribute(variant.template, view, slot.attribute);
      return value === null ? null : { ...base, attribute: { name: slot.attribute, value } };
    }
    const html = renderTemplate(variant.template, view);
    // Never inject an empty module: sections that all came out false leave the slot alone.
    if (!html.trim()) return null;
    const hosts = linkHosts(variant.template, view);
    return hosts.length ? { ...base, html, hosts } : { ...base, html };
  } catch {
    return null;
  }
}

/**
 * Renders every slot of a page decision; `listFor` resolves a variant's product list (pure,
 * e.g. `resolveList` over the published model). Keyed by slot id, as the rewriter's plan wants.
 */
export function renderPage(
  config: PersonalizationConfig,
  decision: PageDecision,
  input: DecisionInput,
  product: ProductSource | null,
  listFor: (spec: ItemsSpec) => readonly ProductSource[],
): Map<string, RenderedSlot> {
  const out = new Map<string, RenderedSlot>();
  for (const slot of decision.slots) {
    const items = slot.items ? listFor(slot.items) : [];
    const rendered = renderSlot(config, slot, { input, product, items });
    if (rendered) out.set(slot.slotId, rendered);
  }
  return out;
}

/** The data a variant's template sees, or null when the variant must not be shown. */
export function buildView(
  config: PersonalizationConfig,
  variant: VariantConfig,
  render: RenderInput,
): TemplateView | null {
  const { context } = render.input;
  const { locale } = config.defaults;

  const items: ProductCard[] = [];
  for (const source of render.items) {
    const card = productCard(source, locale, items.length + 1);
    if (card) items.push(card);
  }
  if (variant.items && items.length === 0) return null;
  const product = render.product ? productCard(render.product, locale, 0) : null;
  if (!product && templateRoots(variant).has("product")) return null;

  const data = variant.data ?? {};
  let endsIn: string | null = null;
  if (typeof data.endsAt === "string") {
    const left = Date.parse(data.endsAt) - context.now;
    if (!(left > 0)) return null;
    endsIn = formatDuration(left);
  }

  return {
    data,
    product,
    items,
    hasItems: items.length > 0,
    endsIn,
    ...pageParts(config, render.input),
  };
}

type PageParts = Pick<TemplateView, "cart" | "visitor" | "now" | "page" | "query">;

// The request's part of the view is the same for every slot of a page, and templates only
// read it: built once per decision input (one per page) instead of once per slot.
const partsByInput = new WeakMap<
  DecisionInput,
  { config: PersonalizationConfig; parts: PageParts }
>();

function pageParts(config: PersonalizationConfig, input: DecisionInput): PageParts {
  const known = partsByInput.get(input);
  if (known?.config === config) return known.parts;
  const { context, consent } = input;
  const profile = consent.personalization ? input.profile : null;
  const session = consent.personalization ? input.session : null;
  const { locale, currency, freeDeliveryThresholdCents: threshold } = config.defaults;
  const money = (cents: number) => formatMoney(cents, currency, locale);
  const lines = session?.cart.lines ?? [];
  // Unknown (null) is not empty: no amount is shown rather than the whole threshold.
  const valueCents = session ? session.cart.valueCents : 0;
  const missing =
    threshold === null ? 0 : valueCents === null ? null : Math.max(0, threshold - valueCents);
  const local = localDate(createFacts(input));
  const parts: PageParts = {
    cart: {
      valueCents,
      value: valueCents === null ? null : money(valueCents),
      count: lines.reduce((n, l) => n + l.quantity, 0),
      lines: lines.length,
      empty: lines.length === 0,
      freeDeliveryThreshold: threshold === null ? null : money(threshold),
      missingForFreeDeliveryCents: missing,
      missingForFreeDelivery: missing === null ? null : money(missing),
      qualifiesForFreeDelivery: threshold !== null && missing === 0,
      freeDeliveryProgress: !threshold
        ? 100
        : valueCents === null
          ? 0
          : Math.min(100, Math.floor((valueCents / threshold) * 100)),
    },
    visitor: {
      mode: profile?.topMode ?? null,
      stage: session?.journeyStage ?? null,
      segments: profile?.segments ?? [],
      visitCount: profile?.visitCount ?? 0,
      orderCount: profile?.orderCount ?? 0,
      returning: (profile?.visitCount ?? 0) > 1,
    },
    now: {
      iso: new Date(context.now).toISOString(),
      date: local.date,
      hour: context.localHour,
      dayOfWeek: local.dayOfWeek,
      // Minutes past the hour are the same locally for whole-hour offsets.
      leftToday: formatDuration((24 - context.localHour) * HOUR - (context.now % HOUR)),
    },
    page: {
      type: context.pageType,
      path: context.path,
      categoryId: context.categoryId,
      productId: context.productId,
    },
    // Own properties only (a `__proto__` parameter stays a plain key), values capped.
    query: Object.fromEntries(
      Object.entries(context.query)
        .filter((e): e is [string, string] => typeof e[1] === "string")
        .map(([k, v]) => [k, v.slice(0, MAX_QUERY_VALUE)]),
    ),
  };
  partsByInput.set(input, { config, parts });
  return parts;
}

// Products come from the published model, one object per item and version: their cards are
// formatted once per isolate and locale; only the rank differs from list to list.
const cardsBySource = new WeakMap<ProductSource, Map<string, ProductCard | null>>();

/** A display card, or null when its link or image is not a safe URL (the card is dropped). */
export function productCard(p: ProductSource, locale: string, rank: number): ProductCard | null {
  let byLocale = cardsBySource.get(p);
  if (!byLocale) cardsBySource.set(p, (byLocale = new Map()));
  let card = byLocale.get(locale);
  if (card === undefined) {
    card = buildCard(p, locale);
    byLocale.set(locale, card);
  }
  return card && (card.rank === rank ? card : { ...card, rank });
}

function buildCard(p: ProductSource, locale: string): ProductCard | null {
  if (!isSafeUrl(p.url) || !isSafeUrl(p.imageUrl)) return null;
  const full = Math.max(0, Math.min(5, Math.round(p.rating)));
  return {
    id: p.id,
    name: p.name,
    url: p.url,
    imageUrl: p.imageUrl,
    priceCents: p.priceCents,
    currency: p.currency,
    rating: p.rating,
    reviewCount: p.reviewCount,
    stock: p.stock,
    categoryId: p.categoryId,
    brand: p.brand,
    price: formatMoney(p.priceCents, p.currency, locale),
    rank: 0,
    stars: "★".repeat(full) + "☆".repeat(5 - full),
    ratingText: p.rating.toFixed(1),
    inStock: p.stock > 0,
    lowStock: p.stock > 0 && p.stock <= 5,
    // Only when known, so templates can test it with {{#reason}}.
    ...(p.reason ? { reason: p.reason } : {}),
  };
}

/**
 * Renders module HTML. Every `{{value}}` is HTML-escaped (`& < > " ' / \` =`), which is safe in
 * text and in quoted attribute values; config validation has already refused every other place
 * a value could land. The escape is passed explicitly so a global `Mustache.escape` override
 * elsewhere can never weaken it.
 */
export function renderTemplate(template: string, view: TemplateView): string {
  return renderWith(template, view, escapeHtml);
}

/**
 * Renders an attribute value for setAttribute as plain text: HTMLRewriter encodes attribute
 * values itself (`"` -> `&quot;`), so HTML-escaping here would double-encode. URL attributes
 * must come out as a same-site path; null when they do not (the slot is left alone).
 */
export function renderAttribute(
  template: string,
  view: TemplateView,
  attribute: string,
): string | null {
  const value = renderWith(template, view, plainText)
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .slice(0, MAX_ATTRIBUTE);
  if (URL_ATTRIBUTES.has(attribute.toLowerCase()) && !isRelativePath(value)) return null;
  return value;
}

const HOST_RE = /^https?:\/\/([^/?#\\]+)/i;
const templateHosts = new Map<string, string[]>();

/**
 * The hosts a rendered module may link to (see RenderedSlot.hosts): those written out in the
 * template (a host a value completes, as in `https://{{x}}/`, is not) and those of the URLs
 * the view checked before render.
 */
export function linkHosts(template: string, view: TemplateView): string[] {
  let literal = templateHosts.get(template);
  if (!literal) {
    literal = [...template.matchAll(/https?:\/\/([^/?#\\\s"'<>{}]+)(?![^/?#\\\s"'<>]*\{\{)/gi)].map(
      (m) => m[1]!.toLowerCase(),
    );
    if (templateHosts.size >= MAX_TEMPLATES) templateHosts.clear();
    templateHosts.set(template, literal);
  }
  const hosts = new Set(literal);
  const add = (url: unknown) => {
    const host = typeof url === "string" ? HOST_RE.exec(url)?.[1] : undefined;
    if (host) hosts.add(host.toLowerCase());
  };
  for (const [key, value] of Object.entries(view.data)) if (/url$/i.test(key)) add(value);
  for (const card of [view.product, ...view.items]) {
    add(card?.url);
    add(card?.imageUrl);
  }
  return [...hosts];
}

// Templates are parsed once per isolate. Mustache keeps its own cache, but its key is the
// template concatenated with the tags: a new long string to build and hash on every render.
const writer = new Mustache.Writer();
const parsed = new Map<string, string[][]>();
/** Far more than one config holds; old versions' templates go when it fills. */
const MAX_TEMPLATES = 2048;

function renderWith(template: string, view: TemplateView, escape: (value: unknown) => string) {
  let tokens = parsed.get(template);
  if (!tokens) {
    tokens = Mustache.parse(template) as unknown as string[][];
    if (parsed.size >= MAX_TEMPLATES) parsed.clear();
    parsed.set(template, tokens);
  }
  return writer.renderTokens(tokens, new Mustache.Context(view), undefined, template, { escape });
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "/": "&#x2F;",
  "`": "&#x60;",
  "=": "&#x3D;",
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=/]/g, (c) => ENTITIES[c]!);
}

const plainText = (value: unknown) => String(value);

type MoneyFormat = { format: Intl.NumberFormat; done: Map<number, string> };
const formatters = new Map<string, MoneyFormat>();
/** Amounts remembered per format: catalog prices and cart totals repeat from page to page. */
const MAX_AMOUNTS = 4096;

/**
 * Money in the shop's locale. Formatters are built once per locale and currency, and each
 * amount is formatted once per isolate (Intl formatting is the costliest step of a render).
 */
export function formatMoney(cents: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = {
      format: new Intl.NumberFormat(locale, { style: "currency", currency }),
      done: new Map(),
    };
    formatters.set(key, f);
  }
  let text = f.done.get(cents);
  if (text === undefined) {
    text = f.format.format(cents / 100);
    if (f.done.size >= MAX_AMOUNTS) f.done.clear();
    f.done.set(cents, text);
  }
  return text;
}

/** `3 days`, `5 h 20 min`, `12 min`: how long an offer still runs. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes >= 48 * 60) return `${Math.floor(minutes / 1440)} days`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${minutes} min`;
}

const roots = new WeakMap<VariantConfig, Set<string>>();

/** The view roots a variant's template prints outside sections (cached per variant). */
function templateRoots(variant: VariantConfig): Set<string> {
  let r = roots.get(variant);
  if (!r) {
    r = checkTemplate(variant.template ?? "", "text").roots;
    roots.set(variant, r);
  }
  return r;
}
