import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consents } from "../../../schema/index.ts";
import { now } from "../clock.ts";
import { createDb } from "../db/client.ts";
import { settingsOf } from "../settings.ts";
import { BROWSER_UA, call, consenting, SHOP } from "../test-support/requests.ts";

/**
 * The consent API under a privacy signal: the answer is the consent every later request will
 * get, it says which header decided, and no cookie claims a consent that does not apply.
 */

const CONSENT = "/__vitrine/v1/consent";
const YES = { personalization: true, analytics: true };
const VIEW = () => ({
  id: crypto.randomUUID(),
  type: "product_view",
  at: now(),
  productId: "p-0001",
  pageType: "product",
  path: "/p/p-0001",
});

/** The cookies a browser keeps from a response, on top of the ones it sent. */
function jar(sent: string | undefined, res: { headers: Headers }): string {
  const cookies = new Map<string, string>();
  for (const pair of (sent ?? "").split("; ").filter(Boolean)) {
    const at = pair.indexOf("=");
    cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair!.indexOf("=");
    if (/Max-Age=0/.test(line)) cookies.delete(pair!.slice(0, at));
    else cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}

const post = (body: unknown, headers: Record<string, string>) =>
  call(CONSENT, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });

const auditRows = (visitorId: string) =>
  createDb(settingsOf(env)).select().from(consents).where(eq(consents.visitorId, visitorId));

describe("consent under a privacy signal", () => {
  it.each([
    ["Sec-GPC", { "sec-gpc": "1" }],
    ["DNT", { dnt: "1" }],
  ])(
    "answers a yes sent with %s with what applies, and sets no consent",
    async (header, signal) => {
      const headers = { "user-agent": BROWSER_UA, ...signal };
      const res = await post(YES, headers);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({
        personalization: false,
        analytics: false,
        source: "gpc",
        overriddenBy: header,
        requested: YES,
      });
      const set = res.headers.getSetCookie();
      expect(set.filter((c) => c.startsWith("vt_consent="))).toEqual([]);
      // No new id, and none kept: the only vt_id/vt_sid cookies expire.
      expect(set.filter((c) => /^vt_(id|sid)=/.test(c) && !/Max-Age=0/.test(c))).toEqual([]);

      // Every later request from this browser agrees with the answer.
      const cookie = jar(undefined, res);
      const later = await call(CONSENT, { headers: { ...headers, cookie } });
      expect(JSON.parse(later.text)).toMatchObject({
        personalization: false,
        analytics: false,
        overriddenBy: header,
      });
      const events = await call("/__vitrine/v1/events", {
        method: "POST",
        headers: { ...headers, cookie },
        body: JSON.stringify({ events: [VIEW()] }),
      });
      expect(JSON.parse(events.text)).toMatchObject({ stored: false, reason: "no_consent" });
    },
  );

  it("keeps a known visitor's yes out of the audit log and their cookies, and expires their ids", async () => {
    const visitorId = crypto.randomUUID();
    const headers = { ...(await consenting(visitorId)), "sec-gpc": "1" };
    const res = await post(YES, headers);
    expect(JSON.parse(res.text)).toMatchObject({ personalization: false, overriddenBy: "Sec-GPC" });
    const set = res.headers.getSetCookie();
    expect(set.filter((c) => c.startsWith("vt_consent="))).toEqual([]);
    expect(set.filter((c) => /^vt_(id|sid)=; Max-Age=0/.test(c))).toHaveLength(2);
    expect(await auditRows(visitorId)).toEqual([]);
  });

  it("a form's yes under GPC goes back to the page with no consent cookie", async () => {
    const res = await call(CONSENT, {
      method: "POST",
      body: new URLSearchParams({ personalization: "1", analytics: "1" }),
      headers: {
        "user-agent": BROWSER_UA,
        "sec-gpc": "1",
        referer: `${SHOP}/p/some-product`,
        "content-type": "application/x-www-form-urlencoded",
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/p/some-product");
    expect(res.headers.getSetCookie().filter((c) => c.startsWith("vt_consent="))).toEqual([]);
  });

  it("stores a no to personalization as the no that applies, withdrawing the earlier yes", async () => {
    const visitorId = crypto.randomUUID();
    const headers = { ...(await consenting(visitorId)), "sec-gpc": "1" };
    const res = await post({ personalization: false, analytics: true }, headers);
    expect(JSON.parse(res.text)).toEqual({
      personalization: false,
      analytics: false,
      source: "gpc",
      overriddenBy: "Sec-GPC",
      requested: { personalization: false, analytics: true },
    });
    const consentCookie = res.headers.getSetCookie().find((c) => c.startsWith("vt_consent="));
    expect(decodeURIComponent(consentCookie!)).toMatch(/^vt_consent=p0\.a0\.\d+\./);
    // Withdrawn in the visitor's object, so the old yes cannot resume once GPC is off.
    const stub = env.VISITOR.get(env.VISITOR.idFromName(visitorId));
    expect((await stub.idStanding()).withdrawnAt).not.toBeNull();
    expect(await auditRows(visitorId)).toMatchObject([
      { personalization: false, analytics: false, source: "api" },
    ]);
  });

  it("takes a plain no under GPC as it is, and a yes without a signal as it is", async () => {
    const no = await post({ personalization: false, analytics: false }, { "sec-gpc": "1" });
    expect(JSON.parse(no.text)).toEqual({
      personalization: false,
      analytics: false,
      source: "cookie",
    });
    expect(no.headers.getSetCookie().some((c) => c.startsWith("vt_consent="))).toBe(true);

    const yes = await post(YES, { "user-agent": BROWSER_UA });
    expect(JSON.parse(yes.text)).toEqual({ ...YES, source: "cookie" });
    const cookie = jar(undefined, yes);
    expect(cookie).toMatch(/vt_consent=.*vt_id=/);
    const later = await call(CONSENT, { headers: { "user-agent": BROWSER_UA, cookie } });
    expect(JSON.parse(later.text)).toEqual({ ...YES, source: "cookie" });
  });
});
