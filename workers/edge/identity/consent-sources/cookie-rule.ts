import type { ConsentChoice } from "../consent.ts";
import { urlDecoded } from "./raw-cookie.ts";

/** One value test: the whole value equals a string, or matches a regular expression. */
export type ValueRule = { equals?: string; matches?: string };
export type CookieRule = { personalization: ValueRule; analytics?: ValueRule };

function passes(value: string, rule: ValueRule | undefined): boolean {
  if (!rule) return false;
  if (rule.equals !== undefined) return value === rule.equals;
  if (rule.matches === undefined) return false;
  try {
    return new RegExp(rule.matches).test(value);
  } catch {
    return false; // validated when the config is published; never throw on a page
  }
}

/**
 * The shop's own consent cookie, read by its rule: present, it is the visitor's answer (a value
 * the rule does not accept is a no); absent, there is no answer. The value is URL-decoded
 * once before it is tested (left as it is when that fails).
 */
export function cookieRuleChoice(value: string | null, rule: CookieRule): ConsentChoice | null {
  if (value === null || value.length > 4096) return null;
  const text = urlDecoded(value) ?? value;
  return {
    personalization: passes(text, rule.personalization),
    analytics: passes(text, rule.analytics),
  };
}
