import { env } from "cloudflare:test";
import { serializeSigned } from "hono/utils/cookie";
import { beforeAll, describe, expect, it } from "vitest";
import { CONSENT_MAX_AGE_S, SESSION_IDLE_MS } from "../identity/cookies.ts";
import { signValue, verifySignedValue } from "../identity/signed-value.ts";
import { BROWSER_UA, call, signedCookie } from "../test-support/requests.ts";
import {
  configWith,
  profileOf,
  publishConfig,
  putProfile,
  stubOf,
  vitrineCookies,
} from "../test-support/fixtures.ts";

/**
 * Cookie tampering and replay: a visitor id that is not correctly signed by us buys nothing
 * (never another visitor's profile, never a write into their journey), sessions end when they
 * should, and consent cannot be forged or outlive its validity.
 */

const CONFIG = configWith(
  { banner: { selector: "#promo-banner", action: "replace" } },
  {
    "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon">hello</p>' },
    "probe-banner": {
      slot: "banner",
      priority: 10,
      when: { field: "profile.segments", op: "exists" },
      template: '<p class="t-probe">{{#visitor.segments}}[{{.}}]{{/visitor.segments}}</p>',
    },
  },
);

const victim = { id: `victim-${crypto.randomUUID().slice(0, 8)}`, token: `vtok${Date.now()}` };
const attacker = { id: `attacker-${crypto.randomUUID().slice(0, 8)}` };

const consent = (at = Date.now(), choice = "p1.a1") =>
  signedCookie("vt_consent", `${choice}.${at}`);
const idOf = (cookies: Record<string, string>) =>
  verifySignedValue(cookies.vt_id ?? null, env.COOKIE_SECRET);

async function page(cookie: string) {
  return call("/faq", { headers: { cookie, "user-agent": BROWSER_UA } });
}

async function pageViewsOf(visitorId: string) {
  return (await stubOf(visitorId).touchpoints()).filter((t) => t.type === "page_view").length;
}

beforeAll(async () => {
  await publishConfig(CONFIG);
  await putProfile(profileOf(victim.id, { segments: [victim.token] }));
  // The victim's own browser, once, so their journey exists.
  const own = await page(`${await consent()}; ${await signedCookie("vt_id", victim.id)}`);
  expect(own.text).toContain(`[${victim.token}]`);
});

describe("tampered visitor ids", () => {
  const signatureOf = async (value: string) =>
    (await signValue(value, env.COOKIE_SECRET)).split(".").pop()!;
  const forgeries: [string, () => Promise<string>][] = [
    [
      "one character of the signature changed",
      async () => {
        const signed = await signValue(victim.id, env.COOKIE_SECRET);
        const at = signed.length - 5;
        return `vt_id=${signed.slice(0, at)}${signed[at] === "A" ? "B" : "A"}${signed.slice(at + 1)}`;
      },
    ],
    [
      "signed with another secret",
      async () =>
        (await serializeSigned("vt_id", victim.id, "another-secret-0123456789abcdef")).split(
          ";",
        )[0]!,
    ],
    ["no signature", async () => `vt_id=${victim.id}`],
    ["an empty signature", async () => `vt_id=${victim.id}.`],
    [
      "the attacker's own signature on the victim's id",
      async () => `vt_id=${victim.id}.${await signatureOf(attacker.id)}`,
    ],
    [
      "the victim's id appended to the attacker's signed id",
      async () => `vt_id=${await signValue(attacker.id, env.COOKIE_SECRET)}.${victim.id}`,
    ],
    [
      "a signature with extra padding",
      async () => `vt_id=${await signValue(victim.id, env.COOKIE_SECRET)}==`,
    ],
    ["an oversized value", async () => `vt_id=${victim.id}.${"A".repeat(5000)}`],
    [
      "a forged id first, before the attacker's valid one",
      async () =>
        `vt_id=${victim.id}.${"A".repeat(43)}; ${await signedCookie("vt_id", attacker.id)}`,
    ],
    [
      "another Vitrine cookie's signed value passed as an id",
      async () => `vt_id=${(await consent()).split("=")[1]}`,
    ],
    [
      "a signed session value passed as an id",
      async () =>
        `vt_id=${(await signedCookie("vt_sid", `${victim.id}~${Date.now()}`)).split("=")[1]}`,
    ],
  ];

  it.each(forgeries)(
    "%s: a new id, none of the victim's content, nothing written to their journey",
    async (_name, forge) => {
      const before = await pageViewsOf(victim.id);
      const res = await page(`${await consent()}; ${await forge()}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-vitrine")).toBe("personalized");
      expect(res.text).not.toContain(victim.token);
      const issued = await idOf(vitrineCookies(res.headers));
      expect(issued).toBeTruthy();
      expect(issued).not.toBe(victim.id);
      expect(issued).not.toContain(victim.id);
      expect(await pageViewsOf(victim.id)).toBe(before);
    },
  );

  it("the genuine cookie still works (the forgeries failed for the right reason)", async () => {
    const before = await pageViewsOf(victim.id);
    const res = await page(`${await consent()}; ${await signedCookie("vt_id", victim.id)}`);
    expect(res.text).toContain(`[${victim.token}]`);
    expect(await pageViewsOf(victim.id)).toBe(before + 1);
  });
});

describe("sessions", () => {
  const visitor = `sessions-${crypto.randomUUID().slice(0, 8)}`;
  const sessionOf = async (res: Awaited<ReturnType<typeof page>>) =>
    (await verifySignedValue(vitrineCookies(res.headers).vt_sid ?? null, env.COOKIE_SECRET))?.split(
      "~",
    )[0];
  const withSession = async (value: string) =>
    `${await consent()}; ${await signedCookie("vt_id", visitor)}; ${await signedCookie("vt_sid", value)}`;

  it("continues an active session and re-signs its last activity", async () => {
    const res = await page(await withSession(`live-session-1~${Date.now() - 60_000}`));
    expect(await sessionOf(res)).toBe("live-session-1");
    // Same session: the long-lived id cookie is not re-sent.
    expect(vitrineCookies(res.headers).vt_id).toBeUndefined();
  });

  it.each([
    ["idle past the timeout", () => Date.now() - SESSION_IDLE_MS - 1000],
    ["dated in the future", () => Date.now() + 10 * 60_000],
  ])("starts a new session for a cookie %s, keeping the visitor", async (_name, at) => {
    const res = await page(await withSession(`old-session-1~${at()}`));
    const session = await sessionOf(res);
    expect(session).toBeTruthy();
    expect(session).not.toBe("old-session-1");
    expect(await idOf(vitrineCookies(res.headers))).toBe(visitor);
  });

  it("ignores a session cookie whose signature was altered", async () => {
    const cookie = (await withSession(`live-session-2~${Date.now()}`)).replace(
      /(vt_sid=[^;]*)[A-Za-z0-9](;|$)/,
      (_m, head, tail) => `${head}_${tail}`,
    );
    const res = await page(cookie);
    expect(await sessionOf(res)).not.toBe("live-session-2");
  });
});

describe("consent", () => {
  it("treats a tampered consent cookie as no choice and stops identifying", async () => {
    const no = await consent(Date.now(), "p0.a0");
    const forged = no.replace("p0.a0", "p1.a1");
    const res = await page(`${forged}; ${await signedCookie("vt_id", victim.id)}`);
    expect(res.headers.get("x-vitrine")).toBe("request-only");
    expect(res.text).not.toContain(victim.token);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith("vt_id="))).toEqual([
      expect.stringMatching(/^vt_id=; Max-Age=0/),
    ]);
  });

  // A consent choice is valid for CONSENT_MAX_AGE_S (6 months, then the banner asks again). The
  // cookie's Max-Age is not enough: a client replaying a correctly signed `vt_consent` from two
  // years ago must not be personalized or identified (resolveConsent checks the choice's age).
  it("does not honour a consent choice older than its validity", async () => {
    const old = Date.now() - (CONSENT_MAX_AGE_S + 24 * 3600) * 1000;
    const res = await page(`${await consent(old)}; ${await signedCookie("vt_id", victim.id)}`);
    expect(res.headers.get("x-vitrine")).toBe("request-only");
    expect(res.text).not.toContain(victim.token);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith("vt_id="))).toEqual([
      expect.stringMatching(/^vt_id=; Max-Age=0/),
    ]);
  });

  // A withdrawal (POST /consent {personalization:false}) is recorded in the visitor's Durable
  // Object: replaying the cookies they had before it (their signed `vt_consent=p1…` and `vt_id`)
  // must not resume identification nor write into their journey, by page or by events API.
  it("does not resume tracking when pre-withdrawal cookies are replayed", async () => {
    const visitor = `withdrawn-${crypto.randomUUID().slice(0, 8)}`;
    const before = `${await consent(Date.now() - 60_000)}; ${await signedCookie("vt_id", visitor)}`;
    await page(before);
    const withdrawn = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { cookie: before, "user-agent": BROWSER_UA, "content-type": "application/json" },
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(withdrawn.status).toBe(200);
    const viewsAtWithdrawal = await pageViewsOf(visitor);
    // The page's headers leave before the visitor's object says so: the page shows nothing of
    // theirs and has the browser ask the consent state, whose answer expires the ids.
    const replayed = await page(before);
    expect(replayed.text).not.toContain(victim.token);
    const expiry = /<img src="([^"]+)"[^>]*data-vitrine>/.exec(replayed.text)?.[1];
    expect(expiry).toBe("/__vitrine/v1/consent");
    const expired = await call(expiry!, { headers: { cookie: before, "user-agent": BROWSER_UA } });
    expect(expired.headers.getSetCookie().filter((c) => c.startsWith("vt_id="))).toEqual([
      expect.stringMatching(/^vt_id=; Max-Age=0/),
    ]);
    const events = await call("/__vitrine/v1/events", {
      method: "POST",
      headers: { cookie: before, "user-agent": BROWSER_UA },
      body: JSON.stringify({
        events: [{ id: "replayed-1", type: "product_view", productId: "p-1" }],
      }),
    });
    expect(JSON.parse(events.text)).toMatchObject({ stored: false, accepted: 0 });
    const decided = await call("/__vitrine/v1/decide", {
      method: "POST",
      headers: { cookie: before, "user-agent": BROWSER_UA, "content-type": "application/json" },
      body: JSON.stringify({ path: "/faq" }),
    });
    expect(JSON.parse(decided.text)).toMatchObject({ mode: "request-only" });
    const state = await call("/__vitrine/v1/consent", { headers: { cookie: before } });
    expect(JSON.parse(state.text)).toEqual({
      personalization: false,
      analytics: false,
      source: "default",
    });
    expect(await stubOf(visitor).touchpoints()).toHaveLength(viewsAtWithdrawal);
    expect(await pageViewsOf(visitor)).toBe(viewsAtWithdrawal);
  });

  it("has the visitor's object refuse page views recorded under a choice older than the withdrawal", async () => {
    // The holdout path records page views without asking for a snapshot first.
    const visitor = `refused-${crypto.randomUUID().slice(0, 8)}`;
    const stub = stubOf(visitor);
    const withdrawnAt = Date.now();
    await stub.recordConsent(visitor, {
      personalization: false,
      analytics: false,
      source: "api",
      at: withdrawnAt,
    });
    const view = (id: string) => ({
      id,
      type: "page_view" as const,
      at: Date.now(),
      sessionId: "s-refused-1",
      path: "/",
      pageType: "home" as const,
      productId: null,
      categoryId: null,
      channel: "direct" as const,
      device: "desktop" as const,
      valueCents: null,
      data: {},
    });
    expect(await stub.track(visitor, [view("old-choice")], withdrawnAt - 1)).toMatchObject({
      accepted: 0,
      withdrawn: true,
    });
    expect(await stub.track(visitor, [view("new-choice")], withdrawnAt + 1)).toMatchObject({
      accepted: 1,
    });
    expect((await stub.touchpoints()).map((t) => t.id)).toEqual(["new-choice"]);
  });

  it("identifies again after a new yes made since the withdrawal", async () => {
    const visitor = `rechosen-${crypto.randomUUID().slice(0, 8)}`;
    const id = await signedCookie("vt_id", visitor);
    const withdraw = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { cookie: `${await consent(Date.now() - 60_000)}; ${id}`, "user-agent": BROWSER_UA },
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(withdraw.status).toBe(200);
    const res = await page(`${await consent(Date.now() + 1)}; ${id}`);
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    expect(await pageViewsOf(visitor)).toBe(1);
  });
});
