import { describe, expect, it } from "vitest";
import { decodeTcString, hasVendorConsent, tcfChoice } from "./tcf.ts";
import { encodeTcString } from "./tcf-encoder.ts";

const MAPPING = { personalizationPurposes: [1, 5, 6], analyticsPurposes: [1, 8, 9] };
const CREATED = 1_764_000_000_000;

describe("decodeTcString", () => {
  it("reads every core field the encoder wrote", () => {
    const value = encodeTcString({
      created: CREATED,
      lastUpdated: CREATED + 3_600_000,
      cmpId: 28,
      cmpVersion: 3,
      consentScreen: 2,
      consentLanguage: "FR",
      vendorListVersion: 150,
      tcfPolicyVersion: 4,
      specialFeatureOptIns: [1],
      purposesConsent: [1, 2, 5, 6, 24],
      purposesLITransparency: [2, 7],
      purposeOneTreatment: false,
      publisherCC: "AT",
      vendorConsents: [3, 4, 5, 9],
    });
    expect(decodeTcString(value)).toEqual({
      version: 2,
      created: CREATED,
      lastUpdated: CREATED + 3_600_000,
      cmpId: 28,
      cmpVersion: 3,
      consentScreen: 2,
      consentLanguage: "FR",
      vendorListVersion: 150,
      tcfPolicyVersion: 4,
      isServiceSpecific: false,
      useNonStandardTexts: false,
      specialFeatureOptIns: [1],
      purposesConsent: [1, 2, 5, 6, 24],
      purposesLITransparency: [2, 7],
      purposeOneTreatment: false,
      publisherCC: "AT",
      vendorConsents: {
        maxVendorId: 9,
        ranges: [
          [3, 5],
          [9, 9],
        ],
      },
    });
  });

  it("reads range-encoded vendor consents as the bitfield's", () => {
    const vendors = [1, 2, 3, 10, 755, 756, 757];
    const bitfield = decodeTcString(encodeTcString({ vendorConsents: vendors }));
    const ranged = decodeTcString(encodeTcString({ vendorConsents: vendors, rangeEncoding: true }));
    expect(ranged?.vendorConsents).toEqual(bitfield?.vendorConsents);
    expect(ranged?.vendorConsents.ranges).toEqual([
      [1, 3],
      [10, 10],
      [755, 757],
    ]);
    for (const id of vendors) expect(hasVendorConsent(ranged!, id)).toBe(true);
    for (const id of [4, 754, 758]) expect(hasVendorConsent(ranged!, id)).toBe(false);
  });

  it("reads the core segment of a string with further segments, and tolerates padding", () => {
    const core = encodeTcString({ purposesConsent: [1] });
    expect(decodeTcString(`${core}.YAAAAAAAAAAA`)?.purposesConsent).toEqual([1]);
    expect(decodeTcString(`${core}==`)?.purposesConsent).toEqual([1]);
  });

  it("is null, never an exception, for anything that is not a v2 core segment", () => {
    const good = encodeTcString({ purposesConsent: [1, 5, 6], vendorConsents: [7] });
    // A range that ends past MaxVendorId.
    const badRange = encodeTcString({
      vendorConsents: [2, 3],
      maxVendorId: 2,
      rangeEncoding: true,
    });
    expect(
      decodeTcString(encodeTcString({ vendorConsents: [2, 3], rangeEncoding: true })),
    ).not.toBeNull();
    for (const bad of [
      "",
      null,
      undefined,
      good.slice(0, 30), // truncated before the vendor section
      good.replace(/^C/, "B"), // version 1
      good.replace(/^./, "$"), // not base64url
      "p1.a1.1764000000000", // Vitrine's own cookie
      badRange,
      "A".repeat(5000),
    ]) {
      expect(decodeTcString(bad)).toBeNull();
    }
  });
});

describe("tcfChoice", () => {
  it("grants personalization for consent to purposes 1, 5 and 6; analytics for 1, 8 and 9", () => {
    const choice = (purposesConsent: number[]) =>
      tcfChoice(encodeTcString({ purposesConsent }), MAPPING);
    expect(choice([1, 5, 6, 8, 9])).toEqual({ personalization: true, analytics: true });
    expect(choice([1, 5, 6])).toEqual({ personalization: true, analytics: false });
    expect(choice([1, 8, 9])).toEqual({ personalization: false, analytics: true });
    // Without purpose 1 (store on the device) nothing is granted: Vitrine needs its cookies.
    expect(choice([5, 6, 8, 9])).toEqual({ personalization: false, analytics: false });
    expect(choice([1, 5])).toEqual({ personalization: false, analytics: false });
  });

  it("never counts legitimate interest as consent", () => {
    const value = encodeTcString({ purposesConsent: [1], purposesLITransparency: [5, 6, 8, 9] });
    expect(tcfChoice(value, MAPPING)).toEqual({ personalization: false, analytics: false });
  });

  it("requires the configured vendor's consent too", () => {
    const all = [1, 5, 6, 8, 9];
    const withVendor = { ...MAPPING, vendorId: 1234 };
    expect(
      tcfChoice(encodeTcString({ purposesConsent: all, vendorConsents: [1234] }), withVendor),
    ).toEqual({ personalization: true, analytics: true });
    expect(
      tcfChoice(
        encodeTcString({ purposesConsent: all, vendorConsents: [12, 1233], rangeEncoding: true }),
        withVendor,
      ),
    ).toEqual({ personalization: false, analytics: false });
  });

  it("is null for a value that is not a TC string", () => {
    expect(tcfChoice("not-a-tc-string!", MAPPING)).toBeNull();
    expect(tcfChoice(null, MAPPING)).toBeNull();
  });
});
