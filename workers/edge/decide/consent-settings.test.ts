import { describe, expect, it } from "vitest";
import { parseConfig } from "./config-schema.ts";
import { baseConfig } from "./test-fixtures.ts";

const parsed = (consent: unknown) => parseConfig(baseConfig({ consent }));
const errorsOf = (consent: unknown) => {
  const result = parsed(consent);
  return result.ok ? [] : result.errors;
};
const consentOf = (consent: unknown) => {
  const result = parsed(consent);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config.consent;
};

describe("config: the consent block", () => {
  it("is optional (Vitrine's banner), and a source alone takes its defaults", () => {
    const result = parseConfig(baseConfig());
    expect(result.ok && result.config.consent).toBeUndefined();
    expect(consentOf({})).toEqual({ from: "vitrine" });
    expect(consentOf({ from: "tcf", tcf: {} })).toEqual({
      from: "tcf",
      tcf: {
        cookie: "euconsent-v2",
        personalizationPurposes: [1, 5, 6],
        analyticsPurposes: [1, 8, 9],
      },
    });
    expect(consentOf({ from: "onetrust", onetrust: { personalization: ["C0004"] } })).toEqual({
      from: "onetrust",
      onetrust: { cookie: "OptanonConsent", personalization: ["C0004"], analytics: ["C0002"] },
    });
  });

  it("names the field of each mistake", () => {
    expect(errorsOf({ from: "usercentrics" })).toEqual([
      expect.stringMatching(/^consent\.from: .*"vitrine"/),
    ]);
    expect(errorsOf({ from: "tcf", tcf: { personalizationPurposes: [5, 25] } })).toEqual([
      expect.stringMatching(/^consent\.tcf\.personalizationPurposes\[1\]: /),
    ]);
    expect(errorsOf({ from: "cookiebot", cookiebot: { personalization: ["necessary"] } })).toEqual([
      expect.stringMatching(/^consent\.cookiebot\.personalization\[0\]: /),
    ]);
    expect(errorsOf({ from: "cookie" })).toEqual([
      'consent.cookie: from "cookie" needs a cookie block: { name, personalization, analytics? }',
    ]);
    expect(
      errorsOf({
        from: "cookie",
        cookie: { name: "shop consent", personalization: { equals: "1" } },
      }),
    ).toEqual([expect.stringMatching(/^consent\.cookie\.name: a cookie name/)]);
    expect(
      errorsOf({ from: "cookie", cookie: { name: "c", personalization: { matches: "(" } } }),
    ).toEqual([
      expect.stringMatching(/^consent\.cookie\.personalization\.matches: not a regular expression/),
    ]);
    expect(
      errorsOf({
        from: "cookie",
        cookie: { name: "c", personalization: { equals: "1", matches: "1" } },
      }),
    ).toEqual(["consent.cookie.personalization: give exactly one of equals or matches"]);
    expect(errorsOf({ from: "vitrine", cookiebot: {} })).toEqual([
      'consent.cookiebot: only read with from "cookiebot" (from is "vitrine")',
    ]);
  });
});
