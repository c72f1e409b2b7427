import type { Consent } from "../model/context.ts";

/** The consent cookie's value: `p1.a0.<epoch ms>` = personalization yes, analytics no, when. */
export function encodeConsent(
  c: Pick<Consent, "personalization" | "analytics">,
  at: number,
): string {
  return `p${c.personalization ? 1 : 0}.a${c.analytics ? 1 : 0}.${at}`;
}

export function decodeConsent(
  value: string | undefined,
): { personalization: boolean; analytics: boolean; at: number } | null {
  const m = /^p([01])\.a([01])\.(\d{1,15})$/.exec(value ?? "");
  if (!m) return null;
  return { personalization: m[1] === "1", analytics: m[2] === "1", at: Number(m[3]) };
}

/**
 * Consent first: nothing without an explicit choice. The Global Privacy Control signal
 * (`Sec-GPC: 1`) and Do-Not-Track are a standing "no" that no cookie overrides, because a
 * browser sending them says so on every request.
 */
export function resolveConsent(headers: Headers, cookieValue: string | undefined): Consent {
  if (headers.get("sec-gpc") === "1" || headers.get("dnt") === "1") {
    return { personalization: false, analytics: false, source: "gpc" };
  }
  const chosen = decodeConsent(cookieValue);
  if (!chosen) return { personalization: false, analytics: false, source: "default" };
  return { personalization: chosen.personalization, analytics: chosen.analytics, source: "cookie" };
}
