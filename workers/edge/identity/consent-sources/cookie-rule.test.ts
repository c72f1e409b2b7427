import { describe, expect, it } from "vitest";
import { cookieRuleChoice } from "./cookie-rule.ts";

describe("cookieRuleChoice", () => {
  it("tests the URL-decoded value with equals or matches", () => {
    const rule = {
      personalization: { matches: "(^|\\|)personal:yes(\\||$)" },
      analytics: { matches: "(^|\\|)stats:yes(\\||$)" },
    };
    expect(cookieRuleChoice(encodeURIComponent("personal:yes|stats:no"), rule)).toEqual({
      personalization: true,
      analytics: false,
    });
    expect(cookieRuleChoice("personal:no|stats:yes", rule)).toEqual({
      personalization: false,
      analytics: true,
    });
    expect(cookieRuleChoice("all", { personalization: { equals: "all" } })).toEqual({
      personalization: true,
      analytics: false,
    });
  });

  it("reads a present cookie the rule does not accept as a no, and no cookie as no answer", () => {
    const rule = { personalization: { equals: "yes" }, analytics: { equals: "yes" } };
    expect(cookieRuleChoice("nope", rule)).toEqual({ personalization: false, analytics: false });
    expect(cookieRuleChoice("", rule)).toEqual({ personalization: false, analytics: false });
    expect(cookieRuleChoice(null, rule)).toBeNull();
  });

  it("keeps a value whose encoding is broken as it is, and never throws on a bad pattern", () => {
    expect(cookieRuleChoice("100%", { personalization: { equals: "100%" } })).toEqual({
      personalization: true,
      analytics: false,
    });
    expect(cookieRuleChoice("x", { personalization: { matches: "(" } })).toEqual({
      personalization: false,
      analytics: false,
    });
  });
});
