import type { Settings } from "../settings.ts";
import {
  decodedResponseHeaders,
  LOOP_HEADER,
  originRequestHeaders,
  rewriteLocation,
  withoutHopByHop,
} from "./headers.ts";

/** Thrown when a request arrives already marked by Vitrine: the route points back at itself. */
export class LoopDetectedError extends Error {}

/** Something the origin or the network did wrong, turned into a clean 502 by the caller. */
export class OriginUnavailableError extends Error {}

/**
 * The origin sent no response headers within the origin timeout. An origin failure like any
 * other (the stale-if-error copy applies), answered with a 504 when there is no copy.
 */
export class OriginTimeoutError extends OriginUnavailableError {}

/**
 * Forwards one request to the configured origin and returns its response as it streams:
 * body untouched, hop-by-hop headers removed, own-host redirects kept on the public host (as
 * a relative Location, so the request's Host header never picks it), Vitrine's preview token
 * kept from the origin.
 * Waiting for the response headers is bounded by the origin timeout; the body is not, since a
 * large page may legitimately take long to stream.
 */
export async function forwardToOrigin(request: Request, settings: Settings): Promise<Response> {
  if (request.headers.has(LOOP_HEADER)) throw new LoopDetectedError("request already proxied");
  const publicUrl = new URL(request.url);
  // Only path and query come from the request. Resolving them as a relative URL would let
  // `//evil.example/x` pick the host, so the configured origin is copied and edited instead.
  const target = new URL(settings.origin);
  target.pathname = publicUrl.pathname;
  target.search = withoutPreviewToken(publicUrl.search);
  const headers = originRequestHeaders(request.headers, {
    ip: request.headers.get("cf-connecting-ip"),
    host: publicUrl.host,
    proto: publicUrl.protocol === "https:" ? "https" : "http",
  });
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  // Aborting the subrequest on timeout closes the connection instead of leaving it hanging;
  // the timer is cleared once the headers are in, so the body streams for as long as it takes.
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new OriginTimeoutError(
        `no response headers from the origin within ${settings.originTimeoutMs} ms`,
      );
      reject(err);
      controller.abort(err);
    }, settings.originTimeoutMs);
  });
  let upstream: Response;
  try {
    upstream = await Promise.race([
      fetch(target, {
        method: request.method,
        headers,
        body: hasBody ? request.body : null,
        // Redirects belong to the browser, not to the proxy.
        redirect: "manual",
        signal: controller.signal,
      }),
      timedOut,
    ]);
  } catch (err) {
    // The abort may reject the fetch first, with an AbortError: still a timeout.
    if (controller.signal.aborted) throw controller.signal.reason as OriginTimeoutError;
    throw new OriginUnavailableError(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
  const responseHeaders = decodedResponseHeaders(withoutHopByHop(upstream.headers));
  // URLs the visitor's browser follows name the public host, never the origin's own.
  for (const name of ["location", "content-location"]) {
    const value = upstream.headers.get(name);
    if (value)
      responseHeaders.set(
        name,
        onThisHost(rewriteLocation(value, settings.origin, publicUrl), publicUrl),
      );
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders,
  });
}

/**
 * A URL on the host the request arrived on, as a path: the Host header is the client's to
 * choose, and a redirect naming it could send visitors (or a cached copy) to another site.
 * Same host and scheme only: a redirect to https (say) stays absolute, or it would loop.
 */
function onThisHost(location: string, publicUrl: URL): string {
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    return location; // already relative (or not a URL Vitrine can read)
  }
  if (target.origin !== publicUrl.origin) return location;
  const path = target.pathname + target.search + target.hash;
  // `//other.example/` would be another site once it is a Location.
  return /^\/[/\\]/.test(path) ? location : path;
}

/** The query without `vt_preview` (Vitrine's own, never the origin's), bytes otherwise kept. */
export function withoutPreviewToken(search: string): string {
  const pairs = search.replace(/^\?/, "").split("&");
  const kept = pairs.filter((pair) => {
    const name = pair.split("=")[0]!;
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // A malformed escape is not our parameter.
    }
    return pair !== "" && decoded !== "vt_preview";
  });
  return kept.length ? `?${kept.join("&")}` : "";
}
