import { describe, expect, it } from "vitest";
import { cookiebotCategories, cookiebotChoice, type CookiebotMapping } from "./cookiebot.ts";

/** The cookie as Cookiebot writes it: the object literal, URL-encoded. */
function cookieConsent(flags: { preferences: boolean; statistics: boolean; marketing: boolean }) {
  const literal =
    `{stamp:'tQyq2nR8vB3kKm0x1Qh7Y4cJpZ9aWfLsE6uDgT5oNiXrVb==',necessary:true,` +
    `preferences:${flags.preferences},statistics:${flags.statistics},marketing:${flags.marketing},` +
    `method:'explicit',ver:3,utc:1764000000000,region:'de'}`;
  return encodeURIComponent(literal);
}
const DEFAULT_MAPPING: CookiebotMapping = {
  personalization: ["preferences"],
  analytics: ["statistics"],
};

describe("cookiebotChoice", () => {
  it("maps preferences to personalization and statistics to analytics by default", () => {
    expect(
      cookiebotChoice(
        cookieConsent({ preferences: true, statistics: false, marketing: false }),
        DEFAULT_MAPPING,
      ),
    ).toEqual({ personalization: true, analytics: false });
    expect(
      cookiebotChoice(
        cookieConsent({ preferences: false, statistics: true, marketing: true }),
        DEFAULT_MAPPING,
      ),
    ).toEqual({ personalization: false, analytics: true });
  });

  it("requires every mapped category", () => {
    const mapping: CookiebotMapping = {
      personalization: ["preferences", "marketing"],
      analytics: ["statistics"],
    };
    expect(
      cookiebotChoice(
        cookieConsent({ preferences: true, statistics: true, marketing: false }),
        mapping,
      ),
    ).toEqual({ personalization: false, analytics: true });
    expect(
      cookiebotChoice(
        cookieConsent({ preferences: true, statistics: false, marketing: true }),
        mapping,
      ),
    ).toEqual({ personalization: true, analytics: false });
  });

  it("reads the value whether or not it is URL-encoded, and keeps quoted commas in strings", () => {
    const plain =
      "{stamp:'a,preferences:false',necessary:true,preferences:true,statistics:true,marketing:true}";
    expect(cookiebotCategories(plain)).toEqual({
      preferences: true,
      statistics: true,
      marketing: true,
    });
  });

  it("is null for -1, a broken encoding or a value that is not Cookiebot's object", () => {
    for (const bad of [
      null,
      "",
      "-1",
      "%E0%A4%A",
      "{necessary:true}",
      "{preferences:yes,statistics:true,marketing:false}",
      "preferences:true,statistics:true,marketing:true",
      "{preferences:true,statistics:true,marketing:true}{}",
    ]) {
      expect(cookiebotChoice(bad, DEFAULT_MAPPING)).toBeNull();
    }
  });
});
