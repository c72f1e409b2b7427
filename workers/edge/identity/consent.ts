import type { Consent } from "../model/context.ts";
import type { ConsentConfig } from "../decide/config-schema.ts";
import { readShopConsent } from "./consent-sources/index.ts";
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

/** The request header that carried each privacy signal, as answers name it. */
export const SIGNAL_HEADER = { gpc: "Sec-GPC", dnt: "DNT" } as const;
export type SignalHeader = (typeof SIGNAL_HEADER)[keyof typeof SIGNAL_HEADER];

/** A choice as it meets the request's privacy signal (see settleChoice). */
export type SettledChoice = {
  /** What applies to this browser's requests. */
  applied: ConsentChoice;
  /**
   * What to keep (consent cookie, audit log): never a yes that does not apply, so nothing the
   * browser holds claims a consent that is not in force. Null: keep nothing.
   */
  stored: ConsentChoice | null;
  /** The header that overrode the choice, when it did. */
  overriddenBy: SignalHeader | null;
};

const NO: ConsentChoice = { personalization: false, analytics: false };

/**
 * A choice made on a request that carries a privacy signal. The signal wins on every request
 * (see resolveConsent), so a yes does not apply: the answer is no to both, and says why. A yes
 * to personalization is not stored at all (storing "no" would be a choice the visitor did not
 * make); a no to personalization is stored as the no to both that applies, so it is in force
 * (and the earlier yes withdrawn) whether or not the signal is sent later.
 */
export function settleChoice(choice: ConsentChoice, signal: "gpc" | "dnt" | null): SettledChoice {
  if (!signal || (!choice.personalization && !choice.analytics))
    return { applied: choice, stored: choice, overriddenBy: null };
  return {
    applied: { ...NO },
    stored: choice.personalization ? null : { ...NO },
    overriddenBy: SIGNAL_HEADER[signal],
  };
}

const DEFAULT: Consent = { personalization: false, analytics: false, source: "default" };
const SIGNALLED: Consent = { personalization: false, analytics: false, source: "gpc" };

/**
 * Consent from request headers and the verified `vt_consent` value. The rule:
 *  - `Sec-GPC: 1` or `DNT: 1` always means no personalization and no analytics, whatever the
 *    cookie says. The browser repeats the signal on every request, so it is the visitor's
 *    current wish; a header carries no time, so "opted in after the signal appeared" cannot be
 *    told apart from "opted in, then switched the signal on". (`source` is "gpc" for DNT too.)
 *  - with the shop's consent manager as the config's `consent.from` (see usesShopConsent), its
 *    answer in its cookie (`source` "cmp"), or no consent when there is none Vitrine can read
 *    ("cmp-pending": the manager's own banner asks, so Vitrine's does not); `vt_consent` is
 *    then ignored;
 *  - otherwise the explicit choice in the cookie, while it is current (see isChoiceCurrent);
 *  - otherwise nothing (consent first).
 */
export function resolveConsent(
  headers: Headers,
  cookieValue: string | null | undefined,
  now: number,
  config?: ConsentConfig | null,
): Consent {
  if (privacySignal(headers)) return { ...SIGNALLED };
  if (usesShopConsent(config)) {
    const answer = readShopConsent(config, headers.get("cookie"));
    return answer ? { ...answer, source: "cmp" } : { ...NO, source: "cmp-pending" };
  }
  const chosen = decodeConsent(cookieValue);
  if (!chosen || !isChoiceCurrent(chosen.at, now)) return { ...DEFAULT };
  return { personalization: chosen.personalization, analytics: chosen.analytics, source: "cookie" };
}

/** Whether consent comes from the shop's consent manager rather than Vitrine's banner. */
export function usesShopConsent(
  config: ConsentConfig | null | undefined,
): config is ConsentConfig & { from: Exclude<ConsentConfig["from"], "vitrine"> } {
  return !!config && config.from !== "vitrine";
}

/**
 * When the `vt_consent` choice this request carries was made: null without one, and when the
 * shop's consent manager decides (the cookie is then not the visitor's consent).
 */
export function vitrineChoiceAt(
  cookieValue: string | null | undefined,
  config?: ConsentConfig | null,
): number | null {
  return usesShopConsent(config) ? null : (decodeConsent(cookieValue)?.at ?? null);
}

/**
 * The visitor's consent for this request: verifies the signed `vt_consent` cookie (a forged or
 * tampered one counts as no choice) and applies resolveConsent's rule.
 */
export async function readConsent(
  headers: Headers,
  secret: string,
  now: number,
  config?: ConsentConfig | null,
): Promise<Consent> {
  // No signature check needed when a privacy signal or the shop's consent manager settles it.
  if (privacySignal(headers) || usesShopConsent(config))
    return resolveConsent(headers, null, now, config);
  const value = await readSignedCookie(headers.get("cookie"), COOKIE.consent, secret);
  return resolveConsent(headers, value, now);
}
