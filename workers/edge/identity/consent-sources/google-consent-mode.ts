import type { ConsentChoice } from "../consent.ts";
import { urlDecoded } from "./raw-cookie.ts";

export type GcmType =
  | "ad_storage"
  | "ad_user_data"
  | "ad_personalization"
  | "analytics_storage"
  | "functionality_storage"
  | "personalization_storage"
  | "security_storage";
export type GcmMapping = { personalization: GcmType[]; analytics: GcmType[] };

const TYPES = new Set<string>([
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
]);

/**
 * Google Consent Mode states as the shop's page mirrors them into a first-party cookie (gtag
 * keeps its state in the page; the server sees nothing of it otherwise): a query string such as
 * `analytics_storage=granted&personalization_storage=denied`, optionally URL-encoded as a whole.
 * Only "granted" grants. Null when no consent type is named at all.
 */
export function gcmStates(value: string | null): Map<GcmType, boolean> | null {
  if (!value || value.length > 2048) return null;
  const text = value.includes("=") ? value : urlDecoded(value);
  if (!text) return null;
  const out = new Map<GcmType, boolean>();
  for (const [key, state] of new URLSearchParams(text))
    if (TYPES.has(key)) out.set(key as GcmType, state === "granted");
  return out.size ? out : null;
}

/** Vitrine's tiers: each granted when every consent type it maps to is granted. */
export function gcmChoice(value: string | null, mapping: GcmMapping): ConsentChoice | null {
  const states = gcmStates(value);
  if (!states) return null;
  return {
    personalization: mapping.personalization.every((t) => states.get(t) === true),
    analytics: mapping.analytics.every((t) => states.get(t) === true),
  };
}
