import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { now } from "../clock.ts";
import { BROWSER_UA, call, consenting, SHOP } from "../test-support/requests.ts";

/**
 * Cross-site request forgery on the public endpoints that change state: another site's form
 * (or script) must not switch consent on, write events or erase data in the visitor's name,
 * even if the browser sent the visitor's cookies along. The shop itself, the SPAs it lists in
 * SHOP_ORIGINS and non-browser callers keep working.
 */

const API = "/__vitrine/v1";
const EVIL = "https://evil.example";
const SPA = "https://app.shop.example";
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

const view = () => ({
  id: crypto.randomUUID(),
  type: "product_view",
  at: now(),
  productId: "p-0001",
  pageType: "product",
  path: "/p/p-0001",
});

/** What a page could make a browser post to each endpoint (an HTML form can send all three). */
const WRITES = {
  consent: {
    path: `${API}/consent`,
    type: "application/x-www-form-urlencoded",
    body: () => new URLSearchParams({ personalization: "1", analytics: "1" }).toString(),
  },
  events: {
    path: `${API}/events`,
    // `enctype="text/plain"` sends JSON-looking bodies; the API reads JSON in any content type.
    type: "text/plain",
    body: () => JSON.stringify({ events: [view()] }),
  },
  erase: {
    path: `${API}/privacy/erase`,
    type: "application/x-www-form-urlencoded",
    body: () => "",
  },
} as const;
type Write = keyof typeof WRITES;

async function send(
  write: Write,
  site: Record<string, string>,
  { cookie, bindings = env }: { cookie?: string; bindings?: Env } = {},
) {
  const { path, type, body } = WRITES[write];
  return call(
    path,
    {
      method: "POST",
      body: body(),
      headers: {
        "user-agent": BROWSER_UA,
        "content-type": type,
        ...(cookie ? { cookie } : {}),
        ...site,
      },
    },
    bindings,
  );
}

/** A consenting visitor with one stored event, and the cookies their browser holds. */
async function visitorWithData() {
  const visitorId = crypto.randomUUID();
  const { cookie } = await consenting(visitorId);
  const stored = await send(
    "events",
    { origin: SHOP, "sec-fetch-site": "same-origin" },
    { cookie },
  );
  expect(JSON.parse(stored.text)).toMatchObject({ stored: true, accepted: 1 });
  return { visitorId, cookie };
}

const WRITE_NAMES = Object.keys(WRITES) as Write[];

describe("cross-site posts are refused", () => {
  it.each([
    ["another site's form", { origin: EVIL, "sec-fetch-site": "cross-site" }, /evil\.example/],
    ["an opaque origin", { origin: "null", "sec-fetch-site": "cross-site" }, /Origin: null/],
    ["an opaque origin, no Sec-Fetch-Site", { origin: "null" }, /Origin: null/],
    ["a cross-site request without Origin", { "sec-fetch-site": "cross-site" }, /cross-site/],
  ])("from %s, on consent, events and erase, changing nothing", async (_, site, reason) => {
    for (const write of WRITE_NAMES) {
      // The visitor's cookies travel with it: the refusal must not depend on SameSite.
      const { visitorId, cookie } = await visitorWithData();
      const res = await send(write, site, { cookie });
      expect(res.status, write).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(JSON.parse(res.text), write).toMatchObject({
        code: "cross_site",
        message: expect.stringMatching(reason),
      });
      expect(res.headers.getSetCookie(), write).toEqual([]);
      // Still one event: none added, none erased.
      const touchpoints = await stubOf(visitorId).touchpoints();
      expect(
        touchpoints.map((t) => t.type),
        write,
      ).toEqual(["product_view"]);
    }
  });

  it("sets no consent and no visitor id for a newcomer's browser", async () => {
    const res = await send("consent", { origin: EVIL, "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe("first-party posts keep working", () => {
  it.each([
    ["the shop's own pages", { origin: SHOP, "sec-fetch-site": "same-origin" }],
    ["a browser sending Origin only", { origin: SHOP }],
    ["curl or a server (neither header)", {}],
  ])("from %s: consent, events and erase", async (_, site) => {
    const consent = await send("consent", site);
    expect(consent.status).toBe(303);
    expect(consent.headers.getSetCookie().some((c) => c.startsWith("vt_consent="))).toBe(true);

    const { visitorId, cookie } = await visitorWithData();
    const events = await send("events", site, { cookie });
    expect(JSON.parse(events.text)).toMatchObject({ stored: true, accepted: 1 });
    expect(await stubOf(visitorId).touchpoints()).toHaveLength(2);

    const erase = await send("erase", site, { cookie });
    expect([200, 202]).toContain(erase.status);
    expect(erase.headers.get("set-cookie")).toMatch(/vt_id=;.*Max-Age=0/i);
    expect(await stubOf(visitorId).touchpoints()).toEqual([]);
  });

  it("from an SPA listed in SHOP_ORIGINS, with CORS for its credentialed calls", async () => {
    const bindings = { ...env, SHOP_ORIGINS: SPA };
    const site = { origin: SPA, "sec-fetch-site": "same-site" };
    for (const write of WRITE_NAMES) {
      const preflight = await call(
        WRITES[write].path,
        {
          method: "OPTIONS",
          headers: { origin: SPA, "access-control-request-method": "POST" },
        },
        bindings,
      );
      expect(preflight.headers.get("access-control-allow-origin"), write).toBe(SPA);
      expect(preflight.headers.get("access-control-allow-credentials"), write).toBe("true");
    }
    const consent = await send("consent", site, { bindings });
    expect(consent.status).toBe(303);
    expect(consent.headers.get("access-control-allow-origin")).toBe(SPA);

    const { visitorId, cookie } = await visitorWithData();
    const events = await send("events", site, { cookie, bindings });
    expect(JSON.parse(events.text)).toMatchObject({ stored: true, accepted: 1 });
    const erase = await send("erase", site, { cookie, bindings });
    expect([200, 202]).toContain(erase.status);
    expect(await stubOf(visitorId).touchpoints()).toEqual([]);

    // The same SPA origin is refused where it is not listed.
    const unlisted = await send("events", site, { cookie });
    expect(unlisted.status).toBe(403);
  });
});
