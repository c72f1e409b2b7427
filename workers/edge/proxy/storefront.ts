import type { Settings } from "../settings.ts";
import {
  cacheState,
  normalizedCacheUrl,
  requestCacheability,
  responseCacheability,
  type Freshness,
} from "./cache-policy.ts";
import { forwardToOrigin, OriginUnavailableError } from "./forward.ts";
import { fullPageRequestHeaders } from "./headers.ts";
import * as clock from "../clock.ts";

/** How the page was obtained; reported in Server-Timing and the x-vitrine-cache header. */
export type CacheOutcome = "hit" | "stale" | "stale-if-error" | "miss" | "bypass";

export type StorefrontPage = { response: Response; cache: CacheOutcome; originMs: number };

const CACHE_NAME = "vitrine-origin";
// Internal headers on stored copies; removed before a copy is served.
const STORED_AT = "x-vitrine-stored-at";
const FRESHNESS = "x-vitrine-freshness";
const ORIGIN_CACHE_CONTROL = "x-vitrine-origin-cache-control";

const STALE_DEFAULTS = { staleWhileRevalidate: 60, staleIfError: 24 * 3600 };

type Background = { waitUntil(promise: Promise<unknown>): void };

// One background refresh per page per isolate, however many visitors see it stale meanwhile.
const refreshing = new Set<string>();

/**
 * The shop's response for this request, through one shared anonymous copy in the Cache API
 * where the request and the origin allow it: fresh copies are served, stale ones are served
 * while a background fetch refreshes them, and any copy within stale-if-error is served when
 * the origin fails. Everything else goes straight to the origin.
 */
export async function fetchStorefront(
  request: Request,
  settings: Settings,
  background: Background,
  now = clock.now(),
): Promise<StorefrontPage> {
  if (!requestCacheability(request.method, request.headers).cacheable) {
    return timed("bypass", () =>
      forwardToOrigin(
        new Request(request, { headers: fullPageRequestHeaders(request.headers) }),
        settings,
      ),
    );
  }
  const cache = await caches.open(CACHE_NAME);
  const key = new Request(normalizedCacheUrl(new URL(request.url)).toString(), { method: "GET" });
  const stored = await cache.match(key);
  const meta = stored && readMeta(stored);
  const state = meta ? cacheState(meta.storedAt, meta.freshness, now) : "expired";

  if (stored && state === "fresh")
    return { response: served(stored, request), cache: "hit", originMs: 0 };
  if (stored && state === "stale") {
    if (!refreshing.has(key.url)) {
      refreshing.add(key.url);
      const done = refresh(request, settings, cache, key, background)
        // Visitors keep getting the stale copy; the failure is logged, never thrown.
        .catch((err: unknown) =>
          console.warn(
            JSON.stringify({ msg: "cache refresh failed", url: key.url, error: String(err) }),
          ),
        )
        .finally(() => refreshing.delete(key.url));
      background.waitUntil(done);
    }
    return { response: served(stored, request), cache: "stale", originMs: 0 };
  }
  const started = Date.now();
  let response: Response;
  try {
    response = await forwardToOrigin(sharedCopyRequest(request, key), settings);
  } catch (err) {
    if (stored && state === "error-only" && err instanceof OriginUnavailableError) {
      return {
        response: served(stored, request),
        cache: "stale-if-error",
        originMs: Date.now() - started,
      };
    }
    throw err;
  }
  const originMs = Date.now() - started;
  if (response.status >= 500 && stored && state === "error-only") {
    return { response: served(stored, request), cache: "stale-if-error", originMs };
  }
  response = store(response, cache, key, background);
  return {
    response: request.method === "HEAD" ? withoutBody(response) : response,
    cache: "miss",
    originMs,
  };
}

async function timed(cache: CacheOutcome, work: () => Promise<Response>): Promise<StorefrontPage> {
  const started = Date.now();
  const response = await work();
  return { response, cache, originMs: Date.now() - started };
}

async function refresh(
  request: Request,
  settings: Settings,
  cache: Cache,
  key: Request,
  background: Background,
): Promise<void> {
  const response = store(
    await forwardToOrigin(sharedCopyRequest(request, key), settings),
    cache,
    key,
    background,
  );
  await response.body?.cancel();
}

/**
 * Stores a copy when the origin allows sharing and returns the response to use now. The body
 * is teed so the visitor's copy streams while the other is written to the cache.
 */
function store(response: Response, cache: Cache, key: Request, background: Background): Response {
  const policy = responseCacheability(response.status, response.headers, STALE_DEFAULTS);
  if (!policy.cacheable || !response.body) return response;
  const [forVisitor, forCache] = response.body.tee();
  const headers = new Headers(response.headers);
  headers.set(STORED_AT, String(clock.now()));
  headers.set(FRESHNESS, JSON.stringify(freshnessOf(policy)));
  headers.set(ORIGIN_CACHE_CONTROL, response.headers.get("cache-control") ?? "");
  // The Cache API evicts at max-age, so keep the copy as long as any stale use is allowed.
  const keep = policy.ttl + Math.max(policy.staleWhileRevalidate, policy.staleIfError);
  headers.set("cache-control", `max-age=${keep}`);
  background.waitUntil(
    cache
      .put(key, new Response(forCache, { status: response.status, headers }))
      // A body cut off mid-way fails the put but may leave the part that arrived stored:
      // remove it, so no other visitor gets a truncated page.
      .catch(() => cache.delete(key))
      .catch(() => undefined),
  );
  return new Response(forVisitor, response);
}

function freshnessOf(f: Freshness): Freshness {
  return { ttl: f.ttl, staleWhileRevalidate: f.staleWhileRevalidate, staleIfError: f.staleIfError };
}

function readMeta(stored: Response): { storedAt: number; freshness: Freshness } | null {
  // Copies are stored decoded (proxy/headers.ts): an encoded one is unusable, and replaced.
  if (stored.headers.has("content-encoding")) return null;
  try {
    const storedAt = Number(stored.headers.get(STORED_AT));
    const freshness = JSON.parse(stored.headers.get(FRESHNESS) ?? "null") as Freshness | null;
    if (!Number.isFinite(storedAt) || !freshness) return null;
    return { storedAt, freshness };
  } catch {
    return null;
  }
}

/** A stored copy as the origin sent it: internal headers removed, its Cache-Control restored. */
function served(stored: Response, request: Request): Response {
  const headers = new Headers(stored.headers);
  headers.set("cache-control", headers.get(ORIGIN_CACHE_CONTROL) ?? "");
  for (const name of [STORED_AT, FRESHNESS, ORIGIN_CACHE_CONTROL]) headers.delete(name);
  const body = request.method === "HEAD" ? null : stored.body;
  return new Response(body, { status: stored.status, headers });
}

/**
 * The origin request for a copy that may be shared: a GET of the cache key's URL. What the key
 * leaves out (marketing parameters, the preview token) never reaches the origin, so a page the
 * origin renders from them cannot be stored for visitors who did not send them; nor do the
 * visitor's validators or range, so the copy is always the full page.
 */
function sharedCopyRequest(request: Request, key: Request): Request {
  return new Request(key.url, { method: "GET", headers: fullPageRequestHeaders(request.headers) });
}

function withoutBody(response: Response): Response {
  void response.body?.cancel();
  return new Response(null, response);
}
