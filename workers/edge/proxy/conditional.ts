/**
 * Conditional GETs answered at the edge for pages Vitrine passes on untouched. The origin
 * always sends the full page (see fullPageRequestHeaders), so the visitor's validators are
 * checked here against the validators of the response they would get (RFC 9110 §13.1).
 */

/** Headers a 304 repeats from the full response (RFC 9110 §15.4.5). */
const NOT_MODIFIED_HEADERS = [
  "cache-control",
  "content-location",
  "date",
  "etag",
  "expires",
  "last-modified",
  "vary",
];

/** Whether the visitor's copy, as the request describes it, is still the response's. */
export function isNotModified(request: Headers, response: Headers): boolean {
  const ifNoneMatch = request.get("if-none-match");
  if (ifNoneMatch !== null) {
    const etag = response.get("etag");
    if (!etag) return false;
    if (ifNoneMatch.trim() === "*") return true;
    // Weak comparison: W/"x" and "x" name the same representation for a GET.
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    return ifNoneMatch.split(",").some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(request.get("if-modified-since") ?? "");
  const modified = Date.parse(response.get("last-modified") ?? "");
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}

/** A 200 the visitor already holds becomes a 304 with its validators; anything else is kept. */
export function answerConditional(request: Request, response: Response): Response {
  if (request.method !== "GET" && request.method !== "HEAD") return response;
  if (response.status !== 200 || !isNotModified(request.headers, response.headers)) return response;
  void response.body?.cancel();
  const headers = new Headers();
  for (const name of NOT_MODIFIED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // Cookies are not repeated by a 304, but they must still reach the visitor.
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return new Response(null, { status: 304, headers });
}
