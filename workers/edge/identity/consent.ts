import type { Consent } from "../model/context.ts";
import { CONSENT_MAX_AGE_S, COOKIE, readSignedCookie } from "./cookies.ts";

export type ConsentChoice = Pick<Consent, "personalization" | "analytics">;

/** The consent cookie's value: `p1.a0.<epoch ms>` = personalization yes, analytics no, when. */
export function encodeConsent(choice: ConsentChoice, at: number): string {
  return `p${choice.personalization ? 1 : 0}.a${choice.analytics ? 1 : 0}.${Math.trunc(at)}`;
}

export function decodeConsent(
  value: string | null | undefined,
): (ConsentChoice & { at: number }) | null {
  const m = /^p([01])\.a([01])\.(\d{1,15})$/.exec(value ?? "");
  if (!m) return null;
  return { personalization: m[1] === "1", analytics: m[2] === "1", at: Number(m[3]) };
}

/**
 * Whether a choice made at `at` still stands at `now`. It lapses after CONSENT_MAX_AGE_S (then
 * the banner asks again); the cookie's Max-Age alone does not enforce that, since a client can
 * keep sending a signed value after the browser would have dropped it.
 */
export function isChoiceCurrent(at: number, now: number): boolean {
  return now - at < CONSENT_MAX_AGE_S * 1000;
}

/**
 * Whether a choice is void because the visitor withdrew consent after making it: the cookies
 * they had before a withdrawal, replayed, must not resume tracking. `withdrawnAt` is what the
 * visitor's Durable Object recorded (null: never withdrawn).
 */
export function isVoidedByWithdrawal(choiceAt: number | null, withdrawnAt: number | null): boolean {
  return choiceAt !== null && withdrawnAt !== null && choiceAt < withdrawnAt;
}

/** The browser's standing privacy signal, if any: Global Privacy Control or Do-Not-Track. */
export function privacySignal(headers: Headers): "gpc" | "dnt" | null {
  if (headers.get("sec-gpc")?.trim() === "1") return "gpc";
  if (headers.get("dnt")?.trim() === "1") return "dnt";
  return null;
}

const DEFAULT: Consent = { personalization: false, analytics: false, source: "default" };
const SIGNALLED: Consent = { personalization: false, analytics: false, source: "gpc" };

/**
 * Consent from request headers and the verified `vt_consent` value. The rule:
 *  - `Sec-GPC: 1` or `DNT: 1` always means no personalization and no analytics, whatever the
 *    cookie says. The browser repeats the signal on every request, so it is the visitor's
 *    current wish; a header carries no time, so "opted in after the signal appeared" cannot be
 *    told apart from "opted in, then switched the signal on". (`source` is "gpc" for DNT too.)
 *  - otherwise the explicit choice in the cookie, while it is current (see isChoiceCurrent);
 *  - otherwise nothing (consent first).
 */
export function resolveConsent(
  headers: Headers,
  cookieValue: string | null | undefined,
  now: number,
): Consent {
  if (privacySignal(headers)) return { ...SIGNALLED };
  const chosen = decodeConsent(cookieValue);
  if (!chosen || !isChoiceCurrent(chosen.at, now)) return { ...DEFAULT };
  return { personalization: chosen.personalization, analytics: chosen.analytics, source: "cookie" };
}

/**
 * The visitor's consent for this request: verifies the signed `vt_consent` cookie (a forged or
 * tampered one counts as no choice) and applies resolveConsent's rule.
 */
export async function readConsent(headers: Headers, secret: string, now: number): Promise<Consent> {
  // No signature check needed when a privacy signal settles it anyway.
  if (privacySignal(headers)) return { ...SIGNALLED };
  const value = await readSignedCookie(headers.get("cookie"), COOKIE.consent, secret);
  return resolveConsent(headers, value, now);
}
