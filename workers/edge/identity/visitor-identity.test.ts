import { describe, expect, it } from "vitest";
import type { Consent } from "../model/context.ts";
import {
  consentCookie,
  expiredCookie,
  isLocalHttp,
  readSignedCookies,
  SESSION_IDLE_MS,
  SESSION_REFRESH_MS,
} from "./cookies.ts";
import { signValue, verifySignedValue } from "./signed-value.ts";
import { resolveIdentity } from "./visitor-identity.ts";

const SECRET = "unit-test-secret-0123456789";
const NOW = 1_732_300_000_000;
const YES: Consent = { personalization: true, analytics: true, source: "cookie" };
const NO: Consent = { personalization: false, analytics: false, source: "default" };
const GPC: Consent = { personalization: false, analytics: false, source: "gpc" };
const KNOWN = "11111111-aaaa-4aaa-8aaa-111111111111";

/** Deterministic ids: new-1, new-2, ... in call order. */
function ids() {
  let n = 0;
  return () => `new-id-000${++n}`;
}

async function pair(name: string, value: string, secret = SECRET) {
  return `${name}=${await signValue(value, secret)}`;
}

async function identity(
  cookie: string | null,
  { consent = YES, url = "https://shop.example/p/x", now = NOW, isBot = false } = {},
) {
  const headers = new Headers(cookie ? { cookie } : {});
  return resolveIdentity({
    headers,
    url: new URL(url),
    secret: SECRET,
    consent,
    now,
    isBot,
    newId: ids(),
  });
}

/** name -> { value, attributes } of each Set-Cookie. */
function cookiesOf(setCookies: string[]) {
  return Object.fromEntries(
    setCookies.map((c) => {
      const [pairPart, ...attrs] = c.split("; ");
      const eq = pairPart!.indexOf("=");
      return [
        pairPart!.slice(0, eq),
        { value: pairPart!.slice(eq + 1), attributes: attrs.join("; ") },
      ];
    }),
  );
}

describe("resolveIdentity with personalization consent", () => {
  it("gives a newcomer a signed visitor id and session with the right attributes", async () => {
    const r = await identity(null);
    expect(r).toMatchObject({
      visitorId: "new-id-0001",
      sessionId: "new-id-0002",
      isNewVisitor: true,
      isNewSession: true,
    });
    const set = cookiesOf(r.setCookies);
    expect(Object.keys(set)).toEqual(["vt_id", "vt_sid"]);
    expect(set.vt_id!.attributes).toBe("Max-Age=34560000; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(set.vt_sid!.attributes).toBe("Max-Age=1800; Path=/; HttpOnly; Secure; SameSite=Lax");
    expect(await verifySignedValue(set.vt_id!.value, SECRET)).toBe("new-id-0001");
    expect(await verifySignedValue(set.vt_sid!.value, SECRET)).toBe(`new-id-0002~${NOW}`);
  });

  it("keeps a valid id and an active session, refreshing only the session's activity time", async () => {
    const cookie = [
      await pair("vt_id", KNOWN),
      await pair("vt_sid", `sess-0001~${NOW - 60_000}`),
    ].join("; ");
    const r = await identity(cookie);
    expect(r).toMatchObject({
      visitorId: KNOWN,
      sessionId: "sess-0001",
      isNewVisitor: false,
      isNewSession: false,
    });
    const set = cookiesOf(r.setCookies);
    expect(Object.keys(set)).toEqual(["vt_sid"]);
    expect(await verifySignedValue(set.vt_sid!.value, SECRET)).toBe(`sess-0001~${NOW}`);
  });

  it("re-signs the session only when its activity time is a minute old or more", async () => {
    const at = (age: number) =>
      Promise.all([pair("vt_id", KNOWN), pair("vt_sid", `sess-0001~${NOW - age}`)]).then((c) =>
        c.join("; "),
      );
    const fresh = await identity(await at(SESSION_REFRESH_MS - 1));
    expect(fresh).toMatchObject({ sessionId: "sess-0001", isNewSession: false, setCookies: [] });
    const due = await identity(await at(SESSION_REFRESH_MS));
    expect(due.sessionId).toBe("sess-0001");
    const set = cookiesOf(due.setCookies);
    expect(Object.keys(set)).toEqual(["vt_sid"]);
    expect(await verifySignedValue(set.vt_sid!.value, SECRET)).toBe(`sess-0001~${NOW}`);
    // Within the clock-skew allowance a stamp from the future is kept as it is.
    const ahead = await identity(await at(-30_000));
    expect([ahead.sessionId, ahead.setCookies]).toEqual(["sess-0001", []]);
  });

  it("replaces a tampered visitor cookie with a new id, and starts a new session", async () => {
    const good = await pair("vt_id", KNOWN);
    const tampered = good.replace("1111", "2222");
    const session = await pair("vt_sid", `sess-0001~${NOW - 60_000}`);
    const r = await identity(`${tampered}; ${session}`);
    expect(r).toMatchObject({ visitorId: "new-id-0001", isNewVisitor: true, isNewSession: true });
    expect(r.sessionId).toBe("new-id-0002");
    expect(await verifySignedValue(cookiesOf(r.setCookies).vt_id!.value, SECRET)).toBe(
      "new-id-0001",
    );
  });

  it("treats a validly signed value of the wrong shape as no id", async () => {
    const r = await identity(await pair("vt_id", "p1.a1.123"));
    expect(r).toMatchObject({ visitorId: "new-id-0001", isNewVisitor: true });
  });

  it("starts a new session after 30 idle minutes and re-sets the visitor cookie then", async () => {
    const cookie = [await pair("vt_id", KNOWN), await pair("vt_sid", `sess-0001~${NOW}`)].join(
      "; ",
    );
    const justActive = await identity(cookie, { now: NOW + SESSION_IDLE_MS - 1 });
    expect([justActive.sessionId, justActive.isNewSession]).toEqual(["sess-0001", false]);
    const idle = await identity(cookie, { now: NOW + SESSION_IDLE_MS });
    expect(idle).toMatchObject({
      visitorId: KNOWN,
      sessionId: "new-id-0001",
      isNewVisitor: false,
      isNewSession: true,
    });
    const set = cookiesOf(idle.setCookies);
    expect(Object.keys(set)).toEqual(["vt_id", "vt_sid"]);
    expect(await verifySignedValue(set.vt_id!.value, SECRET)).toBe(KNOWN);
  });

  it("does not continue a session signed with another secret or dated far in the future", async () => {
    const id = await pair("vt_id", KNOWN);
    const foreign = await pair("vt_sid", `sess-0001~${NOW}`, "another-secret-0123456789");
    expect((await identity(`${id}; ${foreign}`)).isNewSession).toBe(true);
    const future = await pair("vt_sid", `sess-0001~${NOW + 10 * 60_000}`);
    expect((await identity(`${id}; ${future}`)).isNewSession).toBe(true);
  });
});

describe("resolveIdentity without consent", () => {
  it("sets no identifiers and expires the ones the browser still sends", async () => {
    const cookie = [
      await pair("vt_id", KNOWN),
      await pair("vt_sid", `sess-0001~${NOW}`),
      "shop_cart=abc",
    ].join("; ");
    for (const consent of [NO, GPC, { ...YES, personalization: false }]) {
      const r = await identity(cookie, { consent });
      expect(r).toEqual({
        visitorId: null,
        sessionId: null,
        isNewVisitor: false,
        isNewSession: false,
        setCookies: [
          "vt_id=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax",
          "vt_sid=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; SameSite=Lax",
        ],
      });
    }
  });

  it("expires only what is there, even an invalid value, and never the consent cookie", async () => {
    const onlyId = await identity("vt_id=garbage; vt_consent=p0.a0.1", { consent: NO });
    expect(onlyId.setCookies.map((c) => c.split("=")[0])).toEqual(["vt_id"]);
    expect((await identity(null, { consent: NO })).setCookies).toEqual([]);
    expect((await identity("shop_cart=abc", { consent: NO })).setCookies).toEqual([]);
  });

  it("never identifies bots and leaves their cookies alone", async () => {
    const cookie = await pair("vt_id", KNOWN);
    for (const consent of [YES, NO]) {
      expect(await identity(cookie, { consent, isBot: true })).toEqual({
        visitorId: null,
        sessionId: null,
        isNewVisitor: false,
        isNewSession: false,
        setCookies: [],
      });
    }
  });
});

describe("Secure attribute", () => {
  it.each([
    ["http://localhost:8787/", false],
    ["http://127.0.0.1:8787/p/x", false],
    ["http://[::1]:8787/", false],
    ["https://localhost/", true],
    ["http://shop.example/", true],
    ["https://shop.example/", true],
    ["http://localhost.shop.example/", true],
  ])("%s -> Secure %s", async (url, secure) => {
    expect(isLocalHttp(new URL(url))).toBe(!secure);
    const issued = await identity(null, { url });
    const expired = await identity("vt_id=x", { url, consent: NO });
    const all = [...issued.setCookies, ...expired.setCookies];
    expect(all).toHaveLength(3);
    for (const c of all) expect(c.includes("; Secure")).toBe(secure);
  });
});

describe("cookie helpers", () => {
  it("the consent cookie is signed, readable by scripts and kept 180 days", async () => {
    const c = await consentCookie("p1.a0.1", SECRET, new URL("https://shop.example/"));
    expect(c).toMatch(
      /^vt_consent=p1\.a0\.1\.[A-Za-z0-9_-]{43}; Max-Age=15552000; Path=\/; Secure; SameSite=Lax$/,
    );
    expect(c).not.toContain("HttpOnly");
  });

  it("expiring keeps the path so the browser matches the original cookie", () => {
    expect(expiredCookie("vt_id", new URL("http://localhost:8787/"))).toBe(
      "vt_id=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax",
    );
  });

  it("uses cookies verified beforehand instead of checking them again", async () => {
    const header = await pair("vt_id", KNOWN);
    const verified = await readSignedCookies(header, SECRET);
    expect(verified).toEqual({ visitor: KNOWN });
    const input = {
      cookieHeader: header,
      url: new URL("https://shop.example/"),
      secret: SECRET,
      consent: YES,
      now: NOW,
      newId: ids(),
    };
    const r = await resolveIdentity({ ...input, verified });
    expect([r.visitorId, r.isNewVisitor]).toEqual([KNOWN, false]);
    // What the caller verified is what counts: nothing verified means a new visitor.
    const none = await resolveIdentity({ ...input, verified: {} });
    expect(none.isNewVisitor).toBe(true);
  });
});
