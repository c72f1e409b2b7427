import { serializeSigned } from "hono/utils/cookie";
import { describe, expect, it } from "vitest";
import type { Consent } from "../model/context.ts";
import { detectBot } from "./bots.ts";
import { readSignedCookies } from "./cookies.ts";
import { decodeConsent, encodeConsent, resolveConsent } from "./consent.ts";
import { createPreviewToken, verifyPreviewToken } from "./preview-token.ts";
import { resolveIdentity, SESSION_IDLE_MS } from "./visitor-identity.ts";

const SECRET = "unit-test-secret-0123456789";
const YES = { personalization: true, analytics: true, source: "cookie" } as const;
const NO = { personalization: false, analytics: false, source: "default" } as const;
const pair = async (name: string, value: string, secret = SECRET) =>
  (await serializeSigned(name, value, secret)).split(";")[0]!;

async function identity(
  cookieHeader: string | null,
  consent: Consent = YES,
  url = "https://shop.example/",
  now = 1_000_000,
) {
  return resolveIdentity({
    cookies: await readSignedCookies(cookieHeader, SECRET),
    cookieHeader,
    url: new URL(url),
    secret: SECRET,
    consent,
    isBot: false,
    now,
    newId: () => "new-visitor-id-0001",
  });
}

describe("signed cookies", () => {
  it("read back what was signed, and nothing that was tampered with or signed elsewhere", async () => {
    const good = await pair("vt_id", "visitor-aaaa-0001");
    expect(await readSignedCookies(good, SECRET)).toEqual({ visitor: "visitor-aaaa-0001" });
    expect(await readSignedCookies(good.replace("aaaa", "bbbb"), SECRET)).toEqual({});
    expect(
      await readSignedCookies(await pair("vt_id", "visitor-aaaa-0001", "other-secret-xyz"), SECRET),
    ).toEqual({});
    expect(await readSignedCookies("vt_id=plain-unsigned", SECRET)).toEqual({});
  });
});

describe("resolveIdentity", () => {
  it("keeps a valid id and session, renews the session after 30 idle minutes", async () => {
    const cookies = [
      await pair("vt_id", "visitor-aaaa-0001"),
      await pair("vt_sid", "session-0001~1000000"),
    ].join("; ");
    const active = await identity(cookies, YES, undefined, 1_000_000 + SESSION_IDLE_MS - 1);
    expect(active).toMatchObject({
      visitorId: "visitor-aaaa-0001",
      sessionId: "session-0001",
      isNewVisitor: false,
      isNewSession: false,
    });
    const idle = await identity(cookies, YES, undefined, 1_000_000 + SESSION_IDLE_MS);
    expect(idle).toMatchObject({
      visitorId: "visitor-aaaa-0001",
      sessionId: "new-visitor-id-0001",
      isNewSession: true,
    });
  });

  it("omits Secure only on local http", async () => {
    const local = await identity(null, YES, "http://127.0.0.1:8787/");
    expect(local.setCookies.join("\n")).not.toContain("Secure");
    const prod = await identity(null, YES, "http://shop.example/");
    expect(prod.setCookies.every((c) => c.includes("; Secure"))).toBe(true);
  });

  it("sets nothing new without consent and expires earlier ids", async () => {
    const header = [await pair("vt_id", "visitor-aaaa-0001"), "other=1"].join("; ");
    const r = await identity(header, NO);
    expect(r.visitorId).toBeNull();
    expect(r.setCookies).toEqual([expect.stringMatching(/^vt_id=; Max-Age=0/)]);
  });
});

describe("consent", () => {
  it("round-trips the cookie value and lets GPC or DNT override any choice", () => {
    expect(decodeConsent(encodeConsent({ personalization: true, analytics: false }, 5))).toEqual({
      personalization: true,
      analytics: false,
      at: 5,
    });
    expect(decodeConsent("p2.a0.1")).toBeNull();
    const cookie = encodeConsent({ personalization: true, analytics: true }, 5);
    expect(resolveConsent(new Headers(), cookie)).toEqual(YES);
    expect(resolveConsent(new Headers({ "sec-gpc": "1" }), cookie)).toEqual({
      personalization: false,
      analytics: false,
      source: "gpc",
    });
    expect(resolveConsent(new Headers({ dnt: "1" }), cookie).personalization).toBe(false);
    expect(resolveConsent(new Headers(), undefined)).toEqual(NO);
  });
});

describe("detectBot", () => {
  it.each([
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true],
    ["Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)", true],
    ["facebookexternalhit/1.1", true],
    ["curl/8.5.0", true],
    ["Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/130.0 Safari/537.36", true],
    ["", true],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15",
      false,
    ],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0", false],
  ])("%s -> %s", (ua, isBot) => {
    expect(detectBot(new Headers({ "user-agent": ua })).isBot).toBe(isBot);
  });

  it("trusts Cloudflare's verified-bot signal over a browser-like UA", () => {
    expect(
      detectBot(new Headers({ "user-agent": "Mozilla/5.0 Firefox/131.0" }), {
        verifiedBotCategory: "Search Engine Crawler",
      }),
    ).toEqual({
      isBot: true,
      reason: "cf:Search Engine Crawler",
    });
  });
});

describe("preview tokens", () => {
  it("verify only when signed with the secret and not expired", async () => {
    const token = await createPreviewToken("spontaneous-offer", 2_000, SECRET);
    expect(await verifyPreviewToken(token, 1_000, SECRET)).toBe("spontaneous-offer");
    expect(await verifyPreviewToken(token, 3_000, SECRET)).toBeNull();
    expect(await verifyPreviewToken(token, 1_000, "another-secret-0000")).toBeNull();
    expect(
      await verifyPreviewToken(token.replace("spontaneous", "methodical"), 1_000, SECRET),
    ).toBeNull();
    expect(await verifyPreviewToken("garbage", 1_000, SECRET)).toBeNull();
  });
});
