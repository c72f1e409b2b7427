import type { TrackedEvent } from "../model/events.ts";
import type { BuyerMode } from "../model/profile.ts";

/**
 * The behaviours that say how someone decides (Bryan Eisenberg's buyer modes), each with the
 * weight one occurrence adds to its mode. Event signals are read from single events; session
 * signals from how a whole visit went (see `sessionSignals` in sessions.ts).
 */
export const SIGNALS = {
  // Methodical: details, attributes, comparisons, taking their time.
  filter: { mode: "methodical", weight: 1, label: "used filters" },
  compare: { mode: "methodical", weight: 2, label: "compared products" },
  sort_price: { mode: "methodical", weight: 1, label: "sorted by price" },
  search: { mode: "methodical", weight: 0.5, label: "searched" },
  faq: { mode: "methodical", weight: 0.5, label: "read FAQ and policies" },
  long_research: { mode: "methodical", weight: 2, label: "long research visits" },
  // Competitive: what wins, rankings, the best in class.
  bestsellers: { mode: "competitive", weight: 1.5, label: "viewed bestseller rankings" },
  top_rated: { mode: "competitive", weight: 1.5, label: "viewed top-rated lists" },
  ranked_pick: { mode: "competitive", weight: 1, label: "picked from rankings" },
  sort_popular: { mode: "competitive", weight: 1.5, label: "sorted by popularity" },
  top_picks: { mode: "competitive", weight: 1.5, label: "chose category top sellers" },
  // Humanistic: other people's experience, community, a human to talk to.
  reviews: { mode: "humanistic", weight: 1.5, label: "read reviews" },
  sort_rating: { mode: "humanistic", weight: 1.5, label: "sorted by customer rating" },
  social: { mode: "humanistic", weight: 1, label: "came from social media" },
  contact: { mode: "humanistic", weight: 1, label: "opened help or chat" },
  // Spontaneous: offers, urgency, quick decisions.
  promo: { mode: "spontaneous", weight: 2, label: "clicked promotions" },
  hot_pick: { mode: "spontaneous", weight: 1, label: "picked from hot or low-stock lists" },
  fast_cart: { mode: "spontaneous", weight: 2, label: "added to cart within minutes" },
  short_visit: { mode: "spontaneous", weight: 1, label: "short visits" },
} as const satisfies Record<string, { mode: BuyerMode; weight: number; label: string }>;
export type SignalId = keyof typeof SIGNALS;
export const SIGNAL_IDS = Object.keys(SIGNALS) as SignalId[];

/**
 * What the visit showed before this event. `explicitListing`: explicit sort/filter events
 * arrived, so the listing URL that follows them is the same action, not a second one.
 * `views`: product views so far; going back to a ranking after looking at products is a new
 * consultation of it, a reload is not.
 */
export type VisitSoFar = { explicitListing: boolean; views: number };

/** An event signal plus a key that says "the same thing again" (a reload, a paginated list). */
export type Hit = { signal: SignalId; key: string };

// Query parameters that never mean "filtered": paging, sorting, search, tracking, display.
const NOT_FILTERS =
  /^(sort|sort_?by|order_?by|order|sorting|dir|direction|page|p|limit|per_?page|view|q|query|search|s|lang|locale|currency|ref|src|source|promo|promo_?id|gclid|gbraid|wbraid|dclid|msclkid|fbclid|igshid|ttclid|twclid|li_fat_id|mc_cid|mc_eid|_ga|_gl)$|^utm_/i;
const SORT_PARAM = /^(sort|sort_?by|order_?by|order|sorting)$/i;
const RANKING_LIST = /best-?sell|top-?sell|ranking|top-?rated|best-?rated|top-?10|top_?rated/i;
const TOP_RATED = /top-?rated|best-?rated|top_?rated/i;
const HOT_LIST = /trending|\bhot\b|low-?stock|almost-?gone|last-?chance|limited/i;
const PROMO_WORDS = /promo|offer|deal|sale|discount|coupon|voucher|flash/i;

/** What a sort key means for the buyer modes, across common shop vocabularies. */
export function sortSignal(value: unknown): SignalId | null {
  if (typeof value !== "string") return null;
  const v = value.toLowerCase();
  if (/rating|rated|review|stars/.test(v)) return "sort_rating";
  if (/popular|best-?sell|best_sell|top-?sell|sales|bestseller/.test(v)) return "sort_popular";
  if (/price|cheap|expensive/.test(v)) return "sort_price";
  return null;
}

/** Query parameters of the event's URL, and of `data.search` (the demo tracker's `?...`). */
export function queryOf(event: TrackedEvent): URLSearchParams {
  const params = new URLSearchParams();
  const add = (search: string) => {
    for (const [k, v] of new URLSearchParams(search)) params.append(k, v);
  };
  const q = event.path?.indexOf("?") ?? -1;
  if (q >= 0) add(event.path!.slice(q + 1).split("#")[0]!);
  if (typeof event.data.search === "string") add(event.data.search.replace(/^\?/, ""));
  return params;
}

export function pathnameOf(event: TrackedEvent): string {
  return (event.path ?? "").split(/[?#]/)[0]!.slice(0, 200);
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/** The list a product was picked from, from an event's `source`/`list` (or a slot click). */
function listSignal(event: TrackedEvent): SignalId | null {
  const d = event.data;
  const named = str(d.list) ?? str(d.source);
  const clicked =
    event.type === "slot_click" ? [named, str(d.variant), str(d.slot)].join(" ") : named;
  if (!clicked) return null;
  if (RANKING_LIST.test(clicked)) return "ranked_pick";
  if (HOT_LIST.test(clicked)) return "hot_pick";
  if (event.type === "slot_click" && PROMO_WORDS.test(clicked)) return "promo";
  return null;
}

/**
 * The buyer-mode signals one event carries. Works on what the shop's tracker and SPAs send
 * (explicit `sort`, `filter`, `compare`... events) and on what the proxy records by itself
 * (page views whose URL carries `?sort=...`, filter parameters, ranking pages).
 */
export function eventSignals(event: TrackedEvent, visit: VisitSoFar): Hit[] {
  const d = event.data;
  const path = pathnameOf(event);
  const hits: Hit[] = [];
  switch (event.type) {
    case "sort": {
      const signal = sortSignal(d.sort ?? d.key ?? d.by);
      if (signal) hits.push({ signal, key: `${signal}@${path}` });
      break;
    }
    case "filter":
      hits.push({ signal: "filter", key: `${path}:${str(d.filter) ?? ""}=${String(d.value)}` });
      break;
    case "compare": {
      const ids = Array.isArray(d.productIds) ? d.productIds.map(String).sort() : [];
      hits.push({ signal: "compare", key: ids.join(",") || path });
      break;
    }
    case "review_read":
      hits.push({ signal: "reviews", key: event.productId ?? path });
      break;
    case "search": {
      const query = str(d.query)?.trim().toLowerCase();
      hits.push({ signal: "search", key: `q:${query ?? ""}` });
      break;
    }
    case "faq_open":
      hits.push({ signal: "faq", key: `faq:${str(d.question) ?? path}` });
      break;
    case "help_open":
    case "chat_open":
      hits.push({ signal: "contact", key: event.type });
      break;
    case "promo_click":
      hits.push({ signal: "promo", key: `promo:${str(d.promoId) ?? path}` });
      break;
    case "slot_click": {
      const signal = listSignal(event);
      if (signal) hits.push({ signal, key: `${signal}:${event.productId ?? str(d.variant)}` });
      break;
    }
    case "page_view":
    case "product_view":
      pageSignals(event, path, visit, hits);
      break;
  }
  return hits;
}

function pageSignals(event: TrackedEvent, path: string, visit: VisitSoFar, hits: Hit[]): void {
  const d = event.data;
  const query = queryOf(event);
  const isPage = event.type === "page_view";
  const rankingPage =
    event.pageType === "bestsellers" || (event.pageType !== "product" && RANKING_LIST.test(path));
  if (isPage && rankingPage) {
    const signal = TOP_RATED.test(path) ? "top_rated" : "bestsellers";
    hits.push({ signal, key: `${path}@${visit.views}` });
  }
  if (isPage && event.pageType === "search") {
    const q = query.get("q") ?? query.get("query") ?? query.get("search");
    hits.push({ signal: "search", key: `q:${q?.trim().toLowerCase() ?? ""}` });
  }
  if (isPage && event.pageType === "faq") hits.push({ signal: "faq", key: "faq-page" });
  if (isPage && (/\/compare\b/i.test(path) || query.has("compare"))) {
    hits.push({ signal: "compare", key: path + String(query.get("compare") ?? "") });
  }
  if (isPage && /\/reviews?\b/i.test(path)) hits.push({ signal: "reviews", key: path });
  const promoId = str(d.promoId) ?? query.get("promo") ?? query.get("promo_id");
  if (promoId) hits.push({ signal: "promo", key: `promo:${promoId}` });
  const list = listSignal(event);
  if (list) hits.push({ signal: list, key: `${list}:${event.productId ?? path}` });
  // Sorting and filtering the proxy sees only as listing URLs.
  if (
    !isPage ||
    visit.explicitListing ||
    (event.pageType !== "category" && event.pageType !== "search")
  ) {
    return;
  }
  const filters: string[] = [];
  for (const [k, v] of query) {
    if (SORT_PARAM.test(k)) {
      const signal = sortSignal(v);
      if (signal) hits.push({ signal, key: `${signal}@${path}` });
    } else if (!NOT_FILTERS.test(k) && v !== "") filters.push(`${k}=${v}`);
  }
  if (filters.length) hits.push({ signal: "filter", key: `${path}:${filters.sort().join("&")}` });
}

/** Gift words in searches, in the languages of the demo shop's markets. */
export const GIFT_QUERY = /\b(gift|present|geschenk|prezent|upomin|d[aá]rek|cadeau|regalo)/i;

/** A small, stable hash (FNV-1a, 32 bit) so dedupe keys cost a number, not a string. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
