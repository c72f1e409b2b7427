import { describe, expect, it } from "vitest";
import { oneTrustChoice } from "./onetrust.ts";

/** The cookie as OneTrust writes it: a query string whose groups value is URL-encoded. */
function optanonConsent(groups: string) {
  return new URLSearchParams({
    isGpcEnabled: "0",
    datestamp: "Fri Dec 04 2026 15:10:00 GMT+0100 (Central European Standard Time)",
    version: "202409.1.0",
    isIABGlobal: "false",
    hosts: "",
    consentId: "4f0c9a52-3c1e-4a86-9d0e-0b7a61f3c2aa",
    interactionCount: "1",
    landingPath: "NotLandingPage",
    groups,
    AwaitingReconsent: "false",
  }).toString();
}
const MAPPING = { personalization: ["C0003", "C0004"], analytics: ["C0002"] };

describe("oneTrustChoice", () => {
  it("maps C0003 + C0004 to personalization and C0002 to analytics by default", () => {
    expect(oneTrustChoice(optanonConsent("C0001:1,C0002:1,C0003:1,C0004:1"), MAPPING)).toEqual({
      personalization: true,
      analytics: true,
    });
    expect(oneTrustChoice(optanonConsent("C0001:1,C0002:1,C0003:1,C0004:0"), MAPPING)).toEqual({
      personalization: false,
      analytics: true,
    });
    expect(oneTrustChoice(optanonConsent("C0001:1,C0002:0,C0003:0,C0004:0"), MAPPING)).toEqual({
      personalization: false,
      analytics: false,
    });
  });

  it("counts a category the cookie does not list as inactive", () => {
    expect(oneTrustChoice(optanonConsent("C0001:1,C0004:1"), MAPPING)).toEqual({
      personalization: false,
      analytics: false,
    });
    expect(
      oneTrustChoice(optanonConsent("C0001:1,C0004:1"), {
        personalization: ["C0004"],
        analytics: ["C0002"],
      }),
    ).toEqual({ personalization: true, analytics: false });
  });

  it("is null without a well-formed groups list", () => {
    for (const bad of [
      null,
      "",
      "isGpcEnabled=0&datestamp=x",
      optanonConsent(""),
      optanonConsent("C0001=1,C0002=1"),
      optanonConsent("C0001:1,C0002:2"),
      "groups=%E0%A4%A",
    ]) {
      expect(oneTrustChoice(bad, MAPPING)).toBeNull();
    }
  });
});
