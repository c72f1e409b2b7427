import type { Consent } from "../model/context.ts";
import {
  COOKIE,
  expiredCookie,
  isVisitorId,
  presentCookies,
  readSignedCookies,
  resolveSession,
  sessionCookie,
  visitorCookie,
  type SignedCookies,
} from "./cookies.ts";

export { SESSION_IDLE_MS } from "./cookies.ts";

export type Identity = {
  visitorId: string | null;
  sessionId: string | null;
  isNewVisitor: boolean;
  isNewSession: boolean;
  /** `Set-Cookie` header values for the response, in order. */
  setCookies: string[];
};

type Common = {
  /** The public URL (decides whether cookies are Secure). */
  url: URL;
  secret: string;
  consent: Consent;
  now: number;
  /** Id generator; `crypto.randomUUID` unless a test pins it. */
  newId?: () => string;
  /** Bots are never identified, and their cookies are left alone (a false positive keeps its id). */
  isBot?: boolean;
};

export type IdentityInput = Common &
  (
    | { headers: Headers }
    | {
        /** The raw Cookie header: which of our cookies were sent at all (to expire them). */
        cookieHeader: string | null;
        /** Values already verified by readSignedCookies, so no signature is checked twice. */
        verified: SignedCookies;
      }
  );

const NOBODY = { visitorId: null, sessionId: null, isNewVisitor: false, isNewSession: false };

/**
 * Who this visitor is, as far as consent allows.
 *  - With personalization consent: the signed visitor id (a missing, tampered or malformed one
 *    is replaced by a fresh UUID) and a session that ends after 30 minutes of inactivity. The
 *    session cookie is re-set when the session is new or its activity time is a minute old or
 *    more; the visitor cookie when it is new and once per session, so its 400-day expiry
 *    slides for returning visitors.
 *  - Without it: no ids, nothing new set, and any `vt_id` / `vt_sid` the browser still sends is
 *    expired, so withdrawing consent stops identification at once.
 */
export async function resolveIdentity(input: IdentityInput): Promise<Identity> {
  const { url, secret, consent, now } = input;
  const cookieHeader = "headers" in input ? input.headers.get("cookie") : input.cookieHeader;
  if (input.isBot) return { ...NOBODY, setCookies: [] };
  if (!consent.personalization) {
    const stale = presentCookies(cookieHeader).filter(
      (name) => name === COOKIE.visitor || name === COOKIE.session,
    );
    return { ...NOBODY, setCookies: stale.map((name) => expiredCookie(name, url)) };
  }
  const newId = input.newId ?? (() => crypto.randomUUID());
  const verified =
    "verified" in input ? input.verified : await readSignedCookies(cookieHeader, secret);
  const storedVisitor = verified.visitor;
  const isNewVisitor = !storedVisitor || !isVisitorId(storedVisitor);
  const visitorId = isNewVisitor ? newId() : storedVisitor;
  // A new visitor id never continues an old session: the two would describe different people.
  const { sessionId, isNewSession, refresh } = resolveSession(
    isNewVisitor ? null : (verified.session ?? null),
    now,
    newId,
  );
  const setCookies: string[] = [];
  if (isNewVisitor || isNewSession) setCookies.push(await visitorCookie(visitorId, secret, url));
  if (refresh) setCookies.push(await sessionCookie(sessionId, now, secret, url));
  return { visitorId, sessionId, isNewVisitor, isNewSession, setCookies };
}
