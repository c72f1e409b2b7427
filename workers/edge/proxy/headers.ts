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
  return out;
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
