import type { ConsentChoice } from "../consent.ts";

export type OneTrustMapping = { personalization: string[]; analytics: string[] };

/**
 * The category groups in OneTrust's `OptanonConsent` cookie: a query string whose `groups`
 * parameter is `C0001:1,C0002:0,…` (category id : 1 active / 0 inactive). Null when there is
 * no well-formed `groups` list.
 */
export function oneTrustGroups(value: string | null): Map<string, boolean> | null {
  if (!value || value.length > 8192) return null;
  const groups = new URLSearchParams(value).get("groups");
  if (!groups) return null;
  const out = new Map<string, boolean>();
  for (const entry of groups.split(",")) {
    const m = /^([A-Za-z0-9_-]{1,32}):([01])$/.exec(entry.trim());
    if (!m) return null;
    out.set(m[1]!, m[2] === "1");
  }
  return out;
}

/** Vitrine's tiers: each granted when every OneTrust category it maps to is active. */
export function oneTrustChoice(
  value: string | null,
  mapping: OneTrustMapping,
): ConsentChoice | null {
  const groups = oneTrustGroups(value);
  if (!groups) return null;
  return {
    personalization: mapping.personalization.every((id) => groups.get(id) === true),
    analytics: mapping.analytics.every((id) => groups.get(id) === true),
  };
}
