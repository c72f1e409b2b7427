import { describe, expect, it } from "vitest";
import { gcmChoice } from "./google-consent-mode.ts";

const MAPPING = {
  personalization: ["personalization_storage" as const],
  analytics: ["analytics_storage" as const],
};
/** What the documented snippet writes after gtag('consent', 'update', state). */
const mirror = (state: Record<string, string>) => new URLSearchParams(state).toString();

describe("gcmChoice", () => {
  it("grants a tier only for granted consent types", () => {
    expect(
      gcmChoice(
        mirror({
          ad_storage: "denied",
          ad_user_data: "denied",
          ad_personalization: "denied",
          analytics_storage: "granted",
          personalization_storage: "granted",
        }),
        MAPPING,
      ),
    ).toEqual({ personalization: true, analytics: true });
    expect(
      gcmChoice(
        mirror({ analytics_storage: "denied", personalization_storage: "granted" }),
        MAPPING,
      ),
    ).toEqual({ personalization: true, analytics: false });
    // A type not mirrored is not granted.
    expect(gcmChoice(mirror({ analytics_storage: "granted" }), MAPPING)).toEqual({
      personalization: false,
      analytics: true,
    });
  });

  it("can map the v2 ads signals to personalization", () => {
    const mapping = {
      personalization: ["ad_personalization" as const, "ad_user_data" as const],
      analytics: MAPPING.analytics,
    };
    const value = mirror({ ad_personalization: "granted", ad_user_data: "granted" });
    expect(gcmChoice(value, mapping)).toEqual({ personalization: true, analytics: false });
    expect(gcmChoice(mirror({ ad_personalization: "granted" }), mapping)).toEqual({
      personalization: false,
      analytics: false,
    });
  });

  it("reads a value URL-encoded as a whole", () => {
    const value = encodeURIComponent(mirror({ personalization_storage: "granted" }));
    expect(gcmChoice(value, MAPPING)).toEqual({ personalization: true, analytics: false });
  });

  it("is null when no consent type is named, and never grants anything but granted", () => {
    for (const bad of [null, "", "x=1", "%E0%A4%A", "granted"])
      expect(gcmChoice(bad, MAPPING)).toBeNull();
    expect(gcmChoice(mirror({ personalization_storage: "GRANTED " }), MAPPING)).toEqual({
      personalization: false,
      analytics: false,
    });
  });
});
