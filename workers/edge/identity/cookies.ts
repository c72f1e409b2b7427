import { parse, serialize, type CookieOptions } from "hono/utils/cookie";
import { signValue, verifySignedValue } from "./signed-value.ts";

/** Vitrine's first-party cookies. All three are HMAC-signed (see signed-value.ts). */
export const COOKIE = {
  visitor: "vt_id",
  session: "vt_sid",
  consent: "vt_consent",
} as const;
export type CookieKey = keyof typeof COOKIE;

/** The browser maximum (RFC 6265bis caps Max-Age at 400 days). */
export const VISITOR_MAX_AGE_S = 400 * 24 * 3600;
/** A session ends after this long without a request (the usual web-analytics convention). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** A consent choice is remembered for 6 months, then the banner asks again (CNIL guidance). */
export const CONSENT_MAX_AGE_S = 180 * 24 * 3600;
/**
 * The session cookie's activity time is re-signed only when it is at least this old, so most
 * pages carry no Set-Cookie and cost no HMAC: a session then ends 29 to 30 minutes after the
 * visitor's last request instead of exactly 30.
 */
export const SESSION_REFRESH_MS = 60 * 1000;
/** Clock skew between edge locations tolerated on a session's last-activity time. */
const SESSION_CLOCK_SKEW_MS = 60 * 1000;

/** Local http (localhost, 127.0.0.1, ::1) is the only place a cookie may go without Secure. */
export function isLocalHttp(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

function attributes(url: URL, extra: CookieOptions): CookieOptions {
  return { path: "/", sameSite: "Lax", secure: !isLocalHttp(url), ...extra };
}

/** The raw (unverified) value of one cookie; hono's parser, first occurrence wins. */
export function readCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  return parse(cookieHeader, name)[name] ?? null;
}

/** The verified value of one signed cookie; tampered, unsigned or missing reads as null. */
export function readSignedCookie(
  cookieHeader: string | null,
  name: string,
  secret: string,
): Promise<string | null> {
  return verifySignedValue(readCookie(cookieHeader, name), secret);
}

export type SignedCookies = Partial<Record<CookieKey, string>>;

const COOKIE_KEYS = Object.keys(COOKIE) as CookieKey[];

/**
 * Verified values of all of Vitrine's cookies, keyed `visitor`, `session`, `consent`: the
 * header is parsed once and the signatures are checked in parallel.
 */
export async function readSignedCookies(
  cookieHeader: string | null,
  secret: string,
): Promise<SignedCookies> {
  const out: SignedCookies = {};
  if (!cookieHeader) return out;
  const sent = parse(cookieHeader);
  const values = await Promise.all(
    COOKIE_KEYS.map((key) => verifySignedValue(sent[COOKIE[key]], secret)),
  );
  COOKIE_KEYS.forEach((key, i) => {
    const value = values[i];
    if (value) out[key] = value;
  });
  return out;
}

/** Names of our cookies the browser sent (any value, valid or not): what there is to expire. */
export function presentCookies(cookieHeader: string | null): string[] {
  if (!cookieHeader) return [];
  const sent = parse(cookieHeader);
  return Object.values(COOKIE).filter((name) => name in sent);
}

/** Visitor ids are ours (UUIDs) or imported ones; this shape keeps other cookies' values out. */
export function isVisitorId(value: string): boolean {
  return /^[A-Za-z0-9_-]{8,64}$/.test(value);
}

/** `vt_id`: the long-lived visitor id. HttpOnly: no script on the shop's pages needs it. */
export async function visitorCookie(visitorId: string, secret: string, url: URL): Promise<string> {
  const signed = await signValue(visitorId, secret);
  return serialize(
    COOKIE.visitor,
    signed,
    attributes(url, { httpOnly: true, maxAge: VISITOR_MAX_AGE_S }),
  );
}

export type SessionResolution = {
  sessionId: string;
  isNewSession: boolean;
  /** Whether `vt_sid` must be set on this response: a new session or a stale activity time. */
  refresh: boolean;
};

/**
 * The session a request belongs to, from the verified `vt_sid` value (`<id>~<last activity ms>`):
 * the same id while the visitor was active within the last 30 minutes, otherwise a new one.
 */
export function resolveSession(
  verifiedValue: string | null,
  now: number,
  newId: () => string,
): SessionResolution {
  const m = /^([A-Za-z0-9_-]{8,64})~(\d{1,15})$/.exec(verifiedValue ?? "");
  if (m) {
    const idleMs = now - Number(m[2]);
    if (idleMs < SESSION_IDLE_MS && idleMs >= -SESSION_CLOCK_SKEW_MS) {
      return { sessionId: m[1]!, isNewSession: false, refresh: idleMs >= SESSION_REFRESH_MS };
    }
  }
  return { sessionId: newId(), isNewSession: true, refresh: true };
}

/**
 * `vt_sid`, re-set to record the last activity (at most once a minute, see SESSION_REFRESH_MS).
 * Max-Age matches the idle timeout so the browser forgets it when the server would anyway.
 */
export async function sessionCookie(
  sessionId: string,
  now: number,
  secret: string,
  url: URL,
): Promise<string> {
  const signed = await signValue(`${sessionId}~${now}`, secret);
  return serialize(
    COOKIE.session,
    signed,
    attributes(url, { httpOnly: true, maxAge: SESSION_IDLE_MS / 1000 }),
  );
}

/**
 * `vt_consent` with an encoded choice (see encodeConsent). Not HttpOnly: the shop's banner reads
 * it to show the current state. It is strictly necessary, so it needs no consent itself.
 */
export async function consentCookie(value: string, secret: string, url: URL): Promise<string> {
  const signed = await signValue(value, secret);
  return serialize(COOKIE.consent, signed, attributes(url, { maxAge: CONSENT_MAX_AGE_S }));
}

/** Deletes a cookie (consent withdrawn, erasure); same Path and Secure as when it was set. */
export function expiredCookie(name: string, url: URL): string {
  return serialize(name, "", attributes(url, { maxAge: 0, expires: new Date(0) }));
}
