/**
 * When an origin page may be shared between visitors, and for how long. Only anonymous HTML
 * is ever cached; the personalized result never is.
 */

/**
 * Query parameters that identify a campaign or a click (or a Vitrine preview), not a
 * different page.
 */
const MARKETING_PARAM =
  /^(utm_[a-z_]+|vt_preview|gclid|gbraid|wbraid|fbclid|msclkid|dclid|ttclid|twclid|li_fat_id|mc_cid|mc_eid|_ga|_gl|yclid|igshid)$/i;

/** Cookies that never change what the origin renders: Vitrine's own and common analytics. */
const NEUTRAL_COOKIE =
  /^(vt_[a-z]+|_ga(_[A-Z0-9]+)?|_gid|_gcl_[a-z]+|_fbp|_fbc|_hj[A-Za-z_]+|cf_clearance|__cf_bm)$/;

/** The shared cache key: path plus sorted, non-marketing query; never anything about the visitor. */
export function normalizedCacheUrl(publicUrl: URL): URL {
  // The path is set, not resolved: `//other.example/x` must stay a path on the public host.
  const key = new URL(publicUrl.origin);
  key.pathname = publicUrl.pathname;
  const kept = [...publicUrl.searchParams].filter(([name]) => !MARKETING_PARAM.test(name));
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  for (const [name, value] of kept) key.searchParams.append(name, value);
  return key;
}

/**
 * Request headers some frameworks trust to render another URL, host, scheme or method. The
 * shared key does not hold them, so a request carrying one never reads or fills the shared
 * copy: one request must not change the page everyone else gets. (The client's
 * X-Forwarded-Host/-Proto and Forwarded are replaced by Vitrine's own; see headers.ts.)
 */
const OVERRIDE_HEADERS = [
  "x-original-url",
  "x-rewrite-url",
  "x-original-host",
  "x-host",
  "x-forwarded-server",
  "x-forwarded-port",
  "x-forwarded-scheme",
  "x-forwarded-ssl",
  "x-forwarded-prefix",
  "x-forwarded-uri",
  "x-forwarded-path",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "x-original-method",
];

export type RequestCacheability = { cacheable: true } | { cacheable: false; reason: string };

/**
 * A request can use the shared copy only if nothing in it could make the origin answer
 * differently for this visitor: GET, no credentials, no cookies beyond neutral ones.
 */
export function requestCacheability(method: string, headers: Headers): RequestCacheability {
  if (method !== "GET" && method !== "HEAD") return { cacheable: false, reason: "method" };
  if (headers.has("authorization")) return { cacheable: false, reason: "authorization" };
  const cookie = headers.get("cookie");
  if (cookie) {
    const names = cookie.split(";").map((pair) => pair.split("=")[0]?.trim() ?? "");
    if (names.some((name) => name && !NEUTRAL_COOKIE.test(name))) {
      return { cacheable: false, reason: "cookie" };
    }
  }
  if (OVERRIDE_HEADERS.some((name) => headers.has(name)))
    return { cacheable: false, reason: "override-header" };
  const cc = parseCacheControl(headers.get("cache-control"));
  if (cc.has("no-store") || cc.has("no-cache"))
    return { cacheable: false, reason: "request-no-cache" };
  return { cacheable: true };
}

export type Freshness = {
  /** Seconds the origin allows shared reuse (s-maxage wins over max-age). */
  ttl: number;
  staleWhileRevalidate: number;
  staleIfError: number;
};

export type ResponseCacheability =
  ({ cacheable: true } & Freshness) | { cacheable: false; reason: string };

export type StaleDefaults = { staleWhileRevalidate: number; staleIfError: number };

/** Honours the origin's Cache-Control; a Set-Cookie, private or no-store response is never shared. */
export function responseCacheability(
  status: number,
  headers: Headers,
  defaults: StaleDefaults,
): ResponseCacheability {
  if (status !== 200) return { cacheable: false, reason: "status" };
  if (!isHtml(headers.get("content-type"))) return { cacheable: false, reason: "not-html" };
  if (headers.has("set-cookie")) return { cacheable: false, reason: "set-cookie" };
  // Gzip and brotli arrive decoded (headers.ts); any other encoding is bytes Vitrine cannot read.
  if (headers.has("content-encoding")) return { cacheable: false, reason: "encoded" };
  // The shared key is the URL alone: a page that varies on any request header but the
  // encoding (language, user agent, cookie...) would be served to visitors it was not made for.
  const vary = (headers.get("vary") ?? "").toLowerCase();
  if (vary.split(",").some((v) => v.trim() !== "" && v.trim() !== "accept-encoding")) {
    return { cacheable: false, reason: "vary" };
  }
  const cc = parseCacheControl(headers.get("cache-control"));
  for (const directive of ["private", "no-store", "no-cache"]) {
    if (cc.has(directive)) return { cacheable: false, reason: directive };
  }
  const ttl = seconds(cc.get("s-maxage")) ?? seconds(cc.get("max-age")) ?? 0;
  if (ttl <= 0) return { cacheable: false, reason: "no-ttl" };
  return {
    cacheable: true,
    ttl,
    staleWhileRevalidate:
      seconds(cc.get("stale-while-revalidate")) ?? defaults.staleWhileRevalidate,
    staleIfError: seconds(cc.get("stale-if-error")) ?? defaults.staleIfError,
  };
}

export type CacheState = "fresh" | "stale" | "error-only" | "expired";

/** Where a stored copy stands at `now`: serve, serve while revalidating, or only if the origin fails. */
export function cacheState(storedAt: number, f: Freshness, now: number): CacheState {
  const age = (now - storedAt) / 1000;
  if (age < f.ttl) return "fresh";
  if (age < f.ttl + f.staleWhileRevalidate) return "stale";
  if (age < f.ttl + f.staleIfError) return "error-only";
  return "expired";
}

export function isHtml(contentType: string | null): boolean {
  return /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType ?? "");
}

export function parseCacheControl(value: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? "").split(",")) {
    const [rawName, ...rest] = part.split("=");
    const name = rawName?.trim().toLowerCase();
    if (name) out.set(name, rest.join("=").trim().replace(/^"|"$/g, ""));
  }
  return out;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
