import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import {
  BROWSER_UA,
  call,
  consenting,
  demoProductPath,
  signedCookie,
} from "../test-support/requests.ts";
import * as clock from "../clock.ts";
import { publishConfig, stubOf, vitrineCookies } from "../test-support/fixtures.ts";

/**
 * Visitor ids: every place that would mint one (pages, the consent call, the decision API)
 * keeps to the per-address limit the events API has; an erased id is never identified again,
 * whatever cookies the browser replays.
 */

let productPath = "";

beforeAll(async () => {
  await publishConfig(demoConfig);
  productPath = await demoProductPath();
});

/** An address of its own per test, with its new-id budget used up through the real limiter. */
async function exhaustedAddress(): Promise<string> {
  const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID()}`;
  let spent = 0;
  while ((await env.EVENTS_BY_IP.limit({ key: ip })).success) {
    spent++;
    expect(spent, "the limiter never said no").toBeLessThan(1000);
  }
  return ip;
}

const consentNoId = async () => {
  const cookie = await signedCookie("vt_consent", `p1.a1.${clock.now()}`);
  return { cookie, "user-agent": BROWSER_UA };
};

describe("new visitor ids are limited per address wherever they are minted", () => {
  it("serves the page without an id once the address is over the limit", async () => {
    const fresh = await call(productPath, {
      headers: { ...(await consentNoId()), "cf-connecting-ip": `203.0.113.${crypto.randomUUID()}` },
    });
    expect(vitrineCookies(fresh.headers).vt_id).toBeTruthy();

    const ip = await exhaustedAddress();
    const limited = await call(productPath, {
      headers: { ...(await consentNoId()), "cf-connecting-ip": ip },
    });
    expect(limited.status).toBe(200);
    expect(limited.text).toContain("<html");
    expect(limited.headers.get("set-cookie") ?? "").not.toMatch(/vt_id=[^;]/);
    expect(limited.headers.get("set-cookie") ?? "").not.toMatch(/vt_sid=[^;]/);
    // A known visitor from the same address is not affected: their object limits them.
    const known = crypto.randomUUID();
    const returning = await call(productPath, {
      headers: { ...(await consenting(known)), "cf-connecting-ip": ip },
    });
    expect(returning.status).toBe(200);
    expect(await stubOf(known).touchpoints()).toHaveLength(1);
  });

  it("answers 429 with Retry-After to a consent call that would mint an id", async () => {
    const ip = await exhaustedAddress();
    const post = (headers: Record<string, string>) =>
      call("/__vitrine/v1/consent", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "cf-connecting-ip": ip },
        body: JSON.stringify({ personalization: true, analytics: true }),
      });
    const limited = await post({ "user-agent": BROWSER_UA });
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toMatchObject({ code: "rate_limited" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("set-cookie")).toBeNull();
    // A browser with an id mints nothing: it is answered as usual.
    const known = await post({
      "user-agent": BROWSER_UA,
      cookie: await signedCookie("vt_id", crypto.randomUUID()),
    });
    expect(known.status).toBe(200);
  });

  it("answers 429 with Retry-After to a decision call that would mint an id", async () => {
    const ip = await exhaustedAddress();
    const res = await call("/__vitrine/v1/decide", {
      method: "POST",
      headers: {
        ...(await consentNoId()),
        "content-type": "application/json",
        "cf-connecting-ip": ip,
      },
      body: JSON.stringify({ path: productPath }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("an erased visitor id stays erased", () => {
  const events = (visitorHeaders: Record<string, string>, id: string) =>
    call("/__vitrine/v1/events", {
      method: "POST",
      headers: { ...visitorHeaders, "content-type": "application/json" },
      body: JSON.stringify({ events: [{ id, type: "search", data: { query: "shoes" } }] }),
    });

  it("stores nothing and identifies nobody when the old cookies are replayed", async () => {
    const visitorId = crypto.randomUUID();
    const old = await consenting(visitorId);
    const before = await events(old, "before-erasure");
    expect(JSON.parse(before.text)).toMatchObject({ stored: true, accepted: 1 });

    const erased = await call("/__vitrine/v1/privacy/erase", { method: "POST", headers: old });
    expect(erased.status).toBe(200);

    // The old cookies, replayed: the events API stores nothing and says why.
    const replayed = await events(old, "after-erasure");
    expect(replayed.status).toBe(202);
    expect(JSON.parse(replayed.text)).toMatchObject({ stored: false, reason: "erased" });
    expect(replayed.headers.get("set-cookie")).toMatch(/vt_id=;.*Max-Age=0/i);

    // A page: no page view is kept, and (its headers out before the visitor's object answered)
    // it has the browser ask the consent state, which expires the ids.
    const page = await call(productPath, { headers: old });
    expect(page.status).toBe(200);
    const expiry = /<img src="([^"]+)"[^>]*data-vitrine>/.exec(page.text)?.[1];
    expect(expiry).toBe("/__vitrine/v1/consent");
    const asked = await call(expiry!, { headers: old });
    expect(JSON.parse(asked.text)).toMatchObject({ personalization: false });
    expect(asked.headers.get("set-cookie")).toMatch(/vt_id=;.*Max-Age=0/i);

    // Even a consent given after the erasure does not bring the old id back.
    const renewed = await consenting(visitorId);
    expect(JSON.parse((await events(renewed, "renewed")).text)).toMatchObject({
      reason: "erased",
    });
    const choice = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { ...renewed, "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    expect(choice.status).toBe(200);
    expect(choice.headers.get("set-cookie")).toMatch(/vt_id=;.*Max-Age=0/i);
    await call(productPath, { headers: renewed });

    expect(await stubOf(visitorId).touchpoints()).toEqual([]);
    expect(await stubOf(visitorId).pending()).toBe(0);
    // The tombstone is no personal data: the export finds nothing about the visitor.
    const exported = JSON.parse(
      (await call("/__vitrine/v1/privacy/export", { headers: old })).text,
    ) as { devices: { visitor: unknown; deviceStorage: { consents: unknown[] } }[] };
    expect(exported.devices[0]!.visitor).toBeNull();
    expect(exported.devices[0]!.deviceStorage.consents).toEqual([]);
  });
});
