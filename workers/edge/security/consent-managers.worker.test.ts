import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { verifySignedValue } from "../identity/signed-value.ts";
import { encodeTcString } from "../identity/consent-sources/tcf-encoder.ts";
import { BROWSER_UA, call, signedCookie } from "../test-support/requests.ts";
import * as clock from "../clock.ts";
import { configWith, publishConfig, vitrineCookies } from "../test-support/fixtures.ts";

/**
 * Consent from the shop's consent manager (docs/consent-managers.md), through the Worker: the
 * manager's answer personalizes pages without Vitrine's banner, no answer or a no keeps the
 * visitor anonymous, GPC still wins, and Vitrine's consent API defers to the manager.
 */

const SLOTS = { banner: { selector: "#promo-banner", action: "replace" } };
const VARIANTS = {
  // As in the demo config: Vitrine's banner asks while there is no choice.
  "vitrine-banner": {
    slot: "banner",
    priority: 10,
    when: { field: "consent.source", op: "eq", value: "default" },
    template: '<p class="t-vitrine-banner">May we personalize?</p>',
  },
  personal: {
    slot: "banner",
    priority: 5,
    when: { field: "consent.personalization", op: "eq", value: true },
    template: '<p class="t-personal">Picked for you</p>',
  },
  anon: { slot: "banner", priority: 0, template: '<p class="t-anon">Welcome</p>' },
};
const withConsent = (consent: unknown) => configWith(SLOTS, VARIANTS, { consent });

/** The CookieConsent cookie as Cookiebot writes it (URL-encoded object literal). */
const cookiebot = (preferences: boolean, statistics = true) =>
  "CookieConsent=" +
  encodeURIComponent(
    `{stamp:'q8Hn2VwX0cFz7kLmT4yR1sPo9uJe6bDa3gQiNtKh5AY=',necessary:true,preferences:${preferences},` +
      `statistics:${statistics},marketing:false,method:'explicit',ver:1,utc:${clock.now()},region:'fr'}`,
  );

async function page(cookie: string, extra: Record<string, string> = {}) {
  const res = await call("/faq", { headers: { cookie, "user-agent": BROWSER_UA, ...extra } });
  const shown = /class="t-([a-z-]+)"/.exec(res.text)?.[1] ?? null;
  return { ...res, shown, ids: vitrineCookies(res.headers) };
}
const visitorIdOf = (signed: string | undefined) =>
  verifySignedValue(signed ?? null, env.COOKIE_SECRET);

describe("consent from Cookiebot", () => {
  it("personalizes a visitor who accepted preferences, without Vitrine's banner", async () => {
    await publishConfig(withConsent({ from: "cookiebot" }));
    const first = await page(`${cookiebot(true)}; _ga=GA1.1.42`);
    expect(first.status).toBe(200);
    expect(first.shown).toBe("personal");
    // Identification starts with the manager's yes, and the next page is the same visitor's.
    const visitorId = await visitorIdOf(first.ids.vt_id);
    expect(visitorId).toBeTruthy();
    const next = await page(
      `${cookiebot(true)}; vt_id=${first.ids.vt_id}; vt_sid=${first.ids.vt_sid}`,
    );
    expect(next.shown).toBe("personal");
    expect(next.ids).toEqual({});
  });

  it("keeps a visitor anonymous without an answer, after a no, or under GPC; never asks with Vitrine's banner", async () => {
    await publishConfig(withConsent({ from: "cookiebot" }));
    const vitrineYes = await signedCookie("vt_consent", `p1.a1.${clock.now()}`);
    for (const [cookie, headers] of [
      ["", {}], // the manager's banner has not been answered yet
      [cookiebot(false), {}],
      [`CookieConsent=${encodeURIComponent("{broken")}`, {}],
      [cookiebot(true), { "sec-gpc": "1" }],
      // Vitrine's own cookie is not the visitor's consent while the manager decides.
      [vitrineYes, {}],
    ] as const) {
      const res = await page(cookie, headers);
      expect(res.status).toBe(200);
      expect(res.shown, cookie).toBe("anon");
      expect(res.ids.vt_id, cookie).toBeUndefined();
    }
  });

  it("ends identification when the visitor withdraws in Cookiebot", async () => {
    await publishConfig(withConsent({ from: "cookiebot" }));
    const first = await page(cookiebot(true));
    const withdrawn = await page(`${cookiebot(false)}; vt_id=${first.ids.vt_id}`);
    expect(withdrawn.shown).toBe("anon");
    // The ids the browser holds are expired at once.
    expect(withdrawn.ids.vt_id).toBe("");
  });

  it("reports the manager's answer from the consent API and refuses Vitrine's choice with 409", async () => {
    await publishConfig(withConsent({ from: "cookiebot" }));
    const got = await call("/__vitrine/v1/consent", {
      headers: { cookie: cookiebot(true, false) },
    });
    expect(JSON.parse(got.text)).toEqual({
      personalization: true,
      analytics: false,
      source: "cmp",
    });
    const pending = await call("/__vitrine/v1/consent");
    expect(JSON.parse(pending.text)).toEqual({
      personalization: false,
      analytics: false,
      source: "cmp-pending",
    });

    const posted = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    expect(posted.status).toBe(409);
    expect(JSON.parse(posted.text)).toMatchObject({
      code: "consent_managed_by_cmp",
      message: expect.stringContaining("cookiebot"),
    });
    expect(posted.headers.getSetCookie()).toEqual([]);
  });

  it("stores the tracker's events for a visitor the manager lets Vitrine personalize", async () => {
    await publishConfig(withConsent({ from: "cookiebot" }));
    const first = await page(cookiebot(true));
    const post = (cookie: string) =>
      call("/__vitrine/v1/events", {
        method: "POST",
        headers: { "content-type": "application/json", cookie, "user-agent": BROWSER_UA },
        body: JSON.stringify({
          events: [
            {
              id: "e1",
              type: "product_view",
              productId: "p-0001",
              pageType: "product",
              path: "/p/x",
            },
          ],
        }),
      });
    const cookies = `vt_id=${first.ids.vt_id}; vt_sid=${first.ids.vt_sid}`;
    expect(JSON.parse((await post(`${cookiebot(true)}; ${cookies}`)).text)).toMatchObject({
      stored: true,
    });
    expect(JSON.parse((await post(`${cookiebot(false)}; ${cookies}`)).text)).toMatchObject({
      stored: false,
      reason: "no_consent",
    });
  });
});

describe("consent from an IAB TCF string", () => {
  it("personalizes only with consent to purposes 1, 5 and 6 (and the vendor, when configured)", async () => {
    await publishConfig(withConsent({ from: "tcf", tcf: { vendorId: 777 } }));
    const tc = (purposesConsent: number[], vendorConsents: number[]) =>
      `euconsent-v2=${encodeTcString({ purposesConsent, vendorConsents, cmpId: 10 })}`;
    expect((await page(tc([1, 5, 6, 8, 9], [777]))).shown).toBe("personal");
    expect((await page(tc([1, 5, 6], [12, 778]))).shown).toBe("anon");
    expect((await page(tc([1, 5, 8, 9], [777]))).shown).toBe("anon");
    expect((await page("euconsent-v2=CQ!!")).shown).toBe("anon");
  });
});

describe("consent from Vitrine's banner (from vitrine, the default)", () => {
  it("still asks with Vitrine's banner and ignores the shop's manager", async () => {
    await publishConfig(withConsent({ from: "vitrine" }));
    expect((await page(cookiebot(true))).shown).toBe("vitrine-banner");
    const yes = await signedCookie("vt_consent", `p1.a1.${clock.now()}`);
    expect((await page(yes)).shown).toBe("personal");
  });
});
