/**
 * Header rules of a transparent proxy (RFC 9110 §7.6.1): hop-by-hop headers are for one
 * connection only and must not be forwarded, in either direction.
 */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** Marks a request that already went through Vitrine: seeing it again means a routing loop. */
export const LOOP_HEADER = "x-vitrine-hop";

/** Copies headers without hop-by-hop ones, including those the Connection header names. */
export function withoutHopByHop(source: Headers): Headers {
  const out = new Headers(source);
  const named = (source.get("connection") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const name of [...HOP_BY_HOP, ...named]) out.delete(name);
  return out;
}

export type ClientInfo = { ip: string | null; host: string; proto: "http" | "https" };

/** Headers for the origin request: clean copy plus the standard forwarding trail. */
export function originRequestHeaders(incoming: Headers, client: ClientInfo): Headers {
  const out = withoutHopByHop(incoming);
  // The origin host comes from configuration; the client's Host is only reported, never used.
  out.delete("host");
  // Cloudflare-internal headers describe the edge hop, not something the origin should trust.
  for (const name of [...out.keys()]) if (name.startsWith("cf-")) out.delete(name);
  if (client.ip) {
    const prior = incoming.get("x-forwarded-for");
    out.set("x-forwarded-for", prior ? `${prior}, ${client.ip}` : client.ip);
  }
  out.set("x-forwarded-host", client.host);
  out.set("x-forwarded-proto", client.proto);
  const forwardedFor = client.ip ? `for=${quoteForwardedNode(client.ip)};` : "";
  out.set("forwarded", `${forwardedFor}host="${client.host}";proto=${client.proto}`);
  out.set(LOOP_HEADER, "1");
  // Only the encodings the runtime decodes (see decodedResponseHeaders): the page must reach the
  // rewriter and the shared copy as text, whatever the visitor's browser accepts.
  out.set("accept-encoding", RUNTIME_DECODED.join(", "));
  return out;
}

/** Encodings the Workers runtime's fetch decodes transparently, keeping the origin's header. */
const RUNTIME_DECODED = ["gzip", "br"];

/**
 * The origin response's headers for the body the Worker reads: fetch has already decoded a
 * gzip or brotli body but kept Content-Encoding and the encoded Content-Length, which would
 * make the runtime encode it again (gzip inside gzip) and the Cache API store it encoded. The
 * page is handled, stored and served as identity; the runtime compresses it for each visitor.
 */
export function decodedResponseHeaders(headers: Headers): Headers {
  const encoding = (headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (!RUNTIME_DECODED.includes(encoding)) return headers;
  headers.delete("content-encoding");
  headers.delete("content-length");
  return headers;
}

/** Request headers that ask for part of a page, or only for a change since a copy. */
const PARTIAL_OR_CONDITIONAL = [
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
];

/**
 * Headers for an origin request that must return the full page: the visitor's validators
 * name the copy they hold, which may be a personalized one the origin never made (a 304 or
 * its ETag would then be wrong), and the shared copy is always complete. Vitrine answers the
 * conditional itself when it passes the page untouched (see conditional.ts). Range goes too
 * when the request is for a page, which may be personalized; media keeps its ranges.
 */
export function fullPageRequestHeaders(incoming: Headers): Headers {
  const out = new Headers(incoming);
  for (const name of PARTIAL_OR_CONDITIONAL) out.delete(name);
  if (wantsPage(incoming)) out.delete("range");
  return out;
}

/** A request a browser makes for a document (navigation, frame), or one that says nothing. */
export function wantsPage(headers: Headers): boolean {
  const dest = headers.get("sec-fetch-dest");
  if (dest) return ["document", "iframe", "frame", "empty"].includes(dest.toLowerCase());
  const accept = (headers.get("accept") ?? "").toLowerCase();
  return accept === "" || accept.includes("html") || accept.trim() === "*/*";
}

// IPv6 nodes must be quoted and bracketed in Forwarded (RFC 7239 §6).
function quoteForwardedNode(ip: string): string {
  return ip.includes(":") ? `"[${ip}]"` : ip;
}

/**
 * A redirect from the origin to its own host is rewritten to the public host, so visitors
 * stay on the shop's domain (and behind the Worker).
 */
export function rewriteLocation(location: string, origin: URL, publicUrl: URL): string {
  let target: URL;
  try {
    target = new URL(location, origin);
  } catch {
    return location;
  }
  if (target.host !== origin.host) return location;
  target.protocol = publicUrl.protocol;
  target.hostname = publicUrl.hostname;
  // Setting host without a port keeps the old port, so set it explicitly ("" = default).
  target.port = publicUrl.port;
  return target.toString();
}
