import type { RequestContext } from "../model/context.ts";
import { channelOf } from "./channel.ts";
import { detectDevice } from "./device.ts";
import { DEFAULT_PAGE_RULES, matchPage, type PageMatch, type PageRule } from "./page-rules.ts";

/** The parts of `request.cf` (IncomingRequestCfProperties) this reads. */
export type CfGeo = { country?: string; region?: string; timezone?: string };

export type ContextInput = {
  /** The public URL of the page. */
  url: URL;
  headers: Headers;
  cf?: CfGeo | null;
  rules?: readonly PageRule[];
  /** The URL's match against `rules`, when the caller already has it. */
  page?: PageMatch;
  /** Hosts whose referrals count as internal navigation (see channelOf). */
  internalHosts?: readonly string[];
  now: number;
  isBot: boolean;
};

const MAX_QUERY_KEYS = 32;
const MAX_QUERY_KEY = 64;
const MAX_QUERY_VALUE = 200;
/** Marketing parameters survive the key cap: targeting and attribution read them. */
const MARKETING_PARAM =
  /^(utm_[a-z_]+|gclid|gbraid|wbraid|dclid|msclkid|fbclid|ttclid|twclid|li_fat_id|igshid)$/;

/** Query parameters as a plain object: first value per key, sizes capped, marketing kept. */
function queryOf(params: URLSearchParams): Record<string, string> {
  const marketing = new Map<string, string>();
  const other = new Map<string, string>();
  for (const [key, value] of params) {
    if (!key || key.length > MAX_QUERY_KEY) continue;
    const into = MARKETING_PARAM.test(key) ? marketing : other;
    if (!into.has(key)) into.set(key, value.slice(0, MAX_QUERY_VALUE));
  }
  const kept = [...marketing, ...other].slice(0, MAX_QUERY_KEYS);
  // fromEntries defines own properties: a `__proto__` parameter stays an ordinary key.
  return Object.fromEntries(kept);
}

// Building a formatter costs far more than using one; zones are few in practice.
const MAX_ZONES = 64;
const hourFormats = new Map<string, Intl.DateTimeFormat | null>();

function hourFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = hourFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone });
    } catch {
      format = null; // unknown zone: remembered, so it does not throw on every request
    }
    if (hourFormats.size >= MAX_ZONES) hourFormats.clear();
    hourFormats.set(timeZone, format);
  }
  return format;
}

/** The hour (0-23) at `now` in the visitor's IANA time zone; the UTC hour if unknown. */
export function localHourAt(now: number, timeZone: string | null | undefined): number {
  const format = timeZone ? hourFormat(timeZone) : null;
  if (format) {
    const hour = Number(format.format(now));
    if (Number.isInteger(hour) && hour >= 0 && hour <= 23) return hour;
  }
  return new Date(now).getUTCHours();
}

/** A two-letter country; Cloudflare's `XX` (unknown) and `T1` (Tor) are not places. */
function countryOf(value: string | undefined): string | null {
  const c = value?.trim().toUpperCase();
  return c && /^[A-Z]{2}$/.test(c) && c !== "XX" ? c : null;
}

/**
 * Everything the request itself says: device, place, local time, channel and page type. No
 * stored data and no I/O. `productId` stays null: it comes from the page's JSON-LD or the
 * catalog, which the caller knows later.
 */
export function buildRequestContext(input: ContextInput): RequestContext {
  const { url, headers, cf, now } = input;
  const page = input.page ?? matchPage(url.pathname, input.rules ?? DEFAULT_PAGE_RULES);
  const source = channelOf(url, headers.get("referer"), { internalHosts: input.internalHosts });
  return {
    path: url.pathname + url.search,
    query: queryOf(url.searchParams),
    device: detectDevice(headers),
    isBot: input.isBot,
    country: countryOf(cf?.country),
    region: cf?.region?.trim() || null,
    channel: source.channel,
    campaign: source.campaign,
    referrerHost: source.referrerHost,
    pageType: page.pageType,
    productId: null,
    categoryId: page.categoryId,
    now,
    localHour: localHourAt(now, cf?.timezone),
  };
}
