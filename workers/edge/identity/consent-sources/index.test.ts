import { describe, expect, it } from "vitest";
import { ConsentSettings } from "../../decide/config-schema.ts";
import { readShopConsent } from "./index.ts";
import { encodeTcString } from "./tcf-encoder.ts";

const settings = (consent: unknown) => ConsentSettings.parse(consent);
const cookiebot = (preferences: boolean) =>
  encodeURIComponent(
    `{stamp:'k3J9',necessary:true,preferences:${preferences},statistics:true,marketing:false,method:'explicit',ver:1}`,
  );

describe("readShopConsent", () => {
  it("reads each source's cookie under its default name", () => {
    const tc = encodeTcString({ purposesConsent: [1, 5, 6] });
    const cases: [unknown, string, { personalization: boolean; analytics: boolean }][] = [
      [{ from: "tcf" }, `euconsent-v2=${tc}`, { personalization: true, analytics: false }],
      [
        { from: "google-consent-mode" },
        "vt_gcm=analytics_storage=granted&personalization_storage=denied",
        { personalization: false, analytics: true },
      ],
      [
        { from: "cookiebot" },
        `CookieConsent=${cookiebot(true)}`,
        { personalization: true, analytics: true },
      ],
      [
        { from: "onetrust" },
        `OptanonConsent=groups=${encodeURIComponent("C0001:1,C0002:0,C0003:1,C0004:1")}`,
        { personalization: true, analytics: false },
      ],
      [
        {
          from: "cookie",
          cookie: {
            name: "shop_ok",
            personalization: { equals: "all" },
            analytics: { equals: "all" },
          },
        },
        "shop_ok=all",
        { personalization: true, analytics: true },
      ],
    ];
    for (const [config, cookie, expected] of cases) {
      expect(readShopConsent(settings(config), `_ga=GA1.1.1; ${cookie}; other=x`)).toEqual(
        expected,
      );
      // The same source without its cookie: no answer.
      expect(readShopConsent(settings(config), "_ga=GA1.1.1; other=x")).toBeNull();
    }
  });

  it("reads a renamed cookie, and only the first of two with the same name", () => {
    const config = settings({ from: "cookiebot", cookiebot: { cookie: "CC" } });
    expect(readShopConsent(config, `CookieConsent=${cookiebot(true)}`)).toBeNull();
    expect(readShopConsent(config, `CC=${cookiebot(true)}; CC=${cookiebot(false)}`)).toEqual({
      personalization: true,
      analytics: true,
    });
  });

  it("is null for a malformed cookie and never for vitrine", () => {
    expect(readShopConsent(settings({ from: "tcf" }), "euconsent-v2=%%%")).toBeNull();
    expect(readShopConsent(settings({ from: "cookiebot" }), 'CookieConsent="-1"')).toBeNull();
    expect(
      readShopConsent(settings({ from: "vitrine" }), `CookieConsent=${cookiebot(true)}`),
    ).toBeNull();
  });
});
