import { describe, expect, it } from "vitest";
import { crossSiteRefusal, type RequestSite } from "./cross-site.ts";

const SELF = "https://shop.example";
const SPA = "https://app.shop.example";
const site = (origin: string | null, fetchSite: string | null): RequestSite => ({
  origin,
  fetchSite,
  self: SELF,
  shopOrigins: [SPA],
});

describe("crossSiteRefusal", () => {
  it.each([
    ["the shop's own pages", SELF, "same-origin"],
    ["a SHOP_ORIGINS SPA on a sibling subdomain", SPA, "same-site"],
    ["a SHOP_ORIGINS SPA, whatever Sec-Fetch-Site says", SPA, "cross-site"],
    ["an older browser sending Origin only", SELF, null],
    ["a browser sending Sec-Fetch-Site only", null, "same-origin"],
    ["the visitor's own navigation", null, "none"],
    ["curl or a server (neither header)", null, null],
  ])("lets %s through", (_, origin, fetchSite) => {
    expect(crossSiteRefusal(site(origin, fetchSite))).toBeNull();
  });

  it.each([
    ["another site's form", "https://evil.example", "cross-site", /evil\.example/],
    ["an unlisted sibling subdomain", "https://blog.shop.example", "same-site", /blog\.shop/],
    ["another site without Sec-Fetch-Site", "https://evil.example", null, /evil\.example/],
    ["an opaque origin", "null", "cross-site", /Origin: null/],
    ["an opaque origin without Sec-Fetch-Site", "null", null, /Origin: null/],
    ["the same host over another scheme", "http://shop.example", "cross-site", /http:/],
    ["a cross-site request without Origin", null, "cross-site", /Sec-Fetch-Site: cross-site/],
    ["a same-site request without Origin", null, "same-site", /Sec-Fetch-Site: same-site/],
  ])("refuses %s, saying why", (_, origin, fetchSite, reason) => {
    expect(crossSiteRefusal(site(origin, fetchSite))).toMatch(reason);
  });
});
