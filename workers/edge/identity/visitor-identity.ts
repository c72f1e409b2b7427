import type { Consent } from "../model/context.ts";
import {
  COOKIE,
  expiredCookie,
  sessionCookie,
  visitorCookie,
  type SignedCookies,
} from "./cookies.ts";

/** A session ends after this long without a request (the usual web-analytics convention). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

export type Identity = {
  visitorId: string | null;
  sessionId: string | null;
  isNewVisitor: boolean;
  isNewSession: boolean;
  setCookies: string[];
};

export type IdentityInput = {
  /** Our cookies, already verified (see readSignedCookies). */
  cookies: SignedCookies;
  cookieHeader: string | null;
  url: URL;
  secret: string;
  consent: Consent;
  isBot: boolean;
  now: number;
  newId?: () => string;
};

/**
 * Who this visitor is, as far as consent allows. With personalization consent: the signed
 * visitor id (a missing or tampered one is replaced) and a session that ends after 30 minutes
 * of inactivity. Without it: no id at all, and any id cookies from before are deleted.
 * Bots are never identified.
 */
export async function resolveIdentity(input: IdentityInput): Promise<Identity> {
  const { url, secret, now } = input;
  const newId = input.newId ?? (() => crypto.randomUUID());
  const { cookies } = input;
  if (!input.consent.personalization || input.isBot) {
    const setCookies: string[] = [];
    const present = input.cookieHeader ?? "";
    for (const name of [COOKIE.visitor, COOKIE.session]) {
      if (present.includes(`${name}=`)) setCookies.push(expiredCookie(name, url));
    }
    return {
      visitorId: null,
      sessionId: null,
      isNewVisitor: false,
      isNewSession: false,
      setCookies,
    };
  }
  const isNewVisitor = !cookies.visitor || !isId(cookies.visitor);
  const visitorId = isNewVisitor ? newId() : cookies.visitor!;
  const [sid, lastSeen] = (cookies.session ?? "").split("~");
  const active = !isNewVisitor && sid && isId(sid) && now - Number(lastSeen) < SESSION_IDLE_MS;
  const sessionId = active ? sid! : newId();
  const setCookies = [await sessionCookie(`${sessionId}~${now}`, secret, url)];
  if (isNewVisitor) setCookies.push(await visitorCookie(visitorId, secret, url));
  return { visitorId, sessionId, isNewVisitor, isNewSession: !active, setCookies };
}

function isId(value: string): boolean {
  return /^[A-Za-z0-9-]{8,64}$/.test(value);
}
