import {
  parse,
  parseSigned,
  serialize,
  serializeSigned,
  type CookieOptions,
} from "hono/utils/cookie";

/** Vitrine's first-party cookies. Values are HMAC-signed (hono's signed-cookie format). */
export const COOKIE = {
  visitor: "vt_id",
  session: "vt_sid",
  consent: "vt_consent",
} as const;

const VISITOR_MAX_AGE = 400 * 24 * 3600; // the browser maximum (RFC 6265bis)

/** Local http (127.0.0.1, localhost) is the only place a cookie may go without Secure. */
export function isLocalHttp(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

function options(url: URL, extra: CookieOptions): CookieOptions {
  return { path: "/", sameSite: "Lax", secure: !isLocalHttp(url), ...extra };
}

export type SignedCookies = Partial<Record<keyof typeof COOKIE, string>>;

/** Verified values of our signed cookies; a tampered or unsigned one reads as absent. */
export async function readSignedCookies(
  header: string | null,
  secret: string,
): Promise<SignedCookies> {
  if (!header) return {};
  const out: SignedCookies = {};
  for (const [key, name] of Object.entries(COOKIE) as [keyof typeof COOKIE, string][]) {
    if (!parse(header, name)[name]) continue;
    const value = (await parseSigned(header, secret, name))[name];
    if (typeof value === "string" && value) out[key] = value;
  }
  return out;
}

export function visitorCookie(id: string, secret: string, url: URL): Promise<string> {
  return serializeSigned(
    COOKIE.visitor,
    id,
    secret,
    options(url, { httpOnly: true, maxAge: VISITOR_MAX_AGE }),
  );
}

/** Session cookie without Max-Age: the server ends sessions on inactivity, the browser on close. */
export function sessionCookie(value: string, secret: string, url: URL): Promise<string> {
  return serializeSigned(COOKIE.session, value, secret, options(url, { httpOnly: true }));
}

/** Readable by the shop's banner script (not HttpOnly), so it can show the current choice. */
export function consentCookie(value: string, secret: string, url: URL): Promise<string> {
  return serializeSigned(COOKIE.consent, value, secret, options(url, { maxAge: VISITOR_MAX_AGE }));
}

/** Deletes a cookie (consent withdrawn, erasure). */
export function expiredCookie(name: string, url: URL): string {
  return serialize(name, "", options(url, { maxAge: 0, expires: new Date(0) }));
}
