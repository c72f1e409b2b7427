import type { ConsentChoice } from "../consent.ts";
import { urlDecoded } from "./raw-cookie.ts";

export type CookiebotCategory = "preferences" | "statistics" | "marketing";
export type CookiebotMapping = {
  personalization: CookiebotCategory[];
  analytics: CookiebotCategory[];
};

/**
 * Cookiebot's `CookieConsent` cookie: a URL-encoded object literal such as
 * `{stamp:'…',necessary:true,preferences:true,statistics:false,marketing:false,method:'explicit',ver:1}`.
 * Its true/false fields are the categories the visitor accepted. Null when the value is not
 * such an object: `-1` (Cookiebot's "no consent asked here") included.
 */
export function cookiebotCategories(
  value: string | null,
): Record<CookiebotCategory, boolean> | null {
  if (!value) return null;
  const text = urlDecoded(value);
  if (!text || text.length > 4096 || !/^\{[^{}]*\}$/.test(text)) return null;
  const fields = new Map<string, string>();
  // key:value pairs; string values are single-quoted and may hold commas.
  const pair = /([A-Za-z_][A-Za-z0-9_]*):('(?:[^'\\]|\\.)*'|[^,}]*)/g;
  for (const m of text.slice(1, -1).matchAll(pair)) fields.set(m[1]!, m[2]!.trim());
  const flag = (key: CookiebotCategory) => fields.get(key);
  const keys = ["preferences", "statistics", "marketing"] as const;
  // Every category is written as true or false; anything else is not Cookiebot's answer.
  if (keys.some((k) => flag(k) !== "true" && flag(k) !== "false")) return null;
  return {
    preferences: flag("preferences") === "true",
    statistics: flag("statistics") === "true",
    marketing: flag("marketing") === "true",
  };
}

/** Vitrine's tiers: each granted when every Cookiebot category it maps to was accepted. */
export function cookiebotChoice(
  value: string | null,
  mapping: CookiebotMapping,
): ConsentChoice | null {
  const accepted = cookiebotCategories(value);
  if (!accepted) return null;
  return {
    personalization: mapping.personalization.every((c) => accepted[c]),
    analytics: mapping.analytics.every((c) => accepted[c]),
  };
}
