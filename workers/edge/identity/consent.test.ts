import { describe, expect, it } from "vitest";
import { CONSENT_MAX_AGE_S } from "./cookies.ts";
import {
  decodeConsent,
  encodeConsent,
  isChoiceCurrent,
  isVoidedByWithdrawal,
  privacySignal,
  readConsent,
  resolveConsent,
  settleChoice,
  vitrineChoiceAt,
} from "./consent.ts";
import { ConsentSettings } from "../decide/config-schema.ts";
import { signValue } from "./signed-value.ts";

const SECRET = "unit-test-secret-0123456789";
/** The request's time; choices are dated relative to it. */
const NOW = 1_732_300_000_000;
const MAX_AGE_MS = CONSENT_MAX_AGE_S * 1000;
const DAY_MS = 24 * 3600 * 1000;
const cookieHeader = async (value: string, secret = SECRET) =>
  `other=1; vt_consent=${await signValue(value, secret)}`;

describe("consent cookie value", () => {
  it("encodes p/a flags and the time, and decodes only that shape", () => {
    expect(encodeConsent({ personalization: true, analytics: false }, 1_732_300_000_000)).toBe(
      "p1.a0.1732300000000",
    );
    expect(decodeConsent("p0.a1.42")).toEqual({ personalization: false, analytics: true, at: 42 });
    for (const bad of [
      "p2.a0.1",
      "p1.a0",
      "p1.a0.x",
      "P1.A0.1",
      " p1.a0.1",
      "p1.a0.1.extra",
      null,
    ]) {
      expect(decodeConsent(bad)).toBeNull();
    }
  });
});

describe("resolveConsent", () => {
  const yes = encodeConsent({ personalization: true, analytics: true }, NOW - DAY_MS);
  it.each([
    [
      "no cookie, no signal",
      {},
      undefined,
      { personalization: false, analytics: false, source: "default" },
    ],
    ["explicit yes", {}, yes, { personalization: true, analytics: true, source: "cookie" }],
    [
      "partial yes",
      {},
      `p0.a1.${NOW - 5}`,
      { personalization: false, analytics: true, source: "cookie" },
    ],
    [
      "garbage cookie",
      {},
      "yes-please",
      { personalization: false, analytics: false, source: "default" },
    ],
    [
      "GPC over a yes",
      { "sec-gpc": "1" },
      yes,
      { personalization: false, analytics: false, source: "gpc" },
    ],
    [
      "DNT over a yes",
      { dnt: "1" },
      yes,
      { personalization: false, analytics: false, source: "gpc" },
    ],
    [
      "GPC without cookie",
      { "sec-gpc": " 1 " },
      undefined,
      { personalization: false, analytics: false, source: "gpc" },
    ],
    [
      "Sec-GPC: 0 is no signal",
      { "sec-gpc": "0" },
      yes,
      { personalization: true, analytics: true, source: "cookie" },
    ],
    [
      "DNT: 0 is no signal",
      { dnt: "0" },
      yes,
      { personalization: true, analytics: true, source: "cookie" },
    ],
  ] as const)("%s", (_name, headers, cookie, expected) => {
    expect(resolveConsent(new Headers(headers), cookie, NOW)).toEqual(expected);
  });

  it("honours a choice for CONSENT_MAX_AGE_S and no longer", () => {
    const at = (age: number) =>
      encodeConsent({ personalization: true, analytics: false }, NOW - age);
    const honoured = { personalization: true, analytics: false, source: "cookie" };
    const lapsed = { personalization: false, analytics: false, source: "default" };
    expect(resolveConsent(new Headers(), at(0), NOW)).toEqual(honoured);
    expect(resolveConsent(new Headers(), at(MAX_AGE_MS - 1), NOW)).toEqual(honoured);
    expect(resolveConsent(new Headers(), at(MAX_AGE_MS), NOW)).toEqual(lapsed);
    expect(resolveConsent(new Headers(), at(2 * 365 * DAY_MS), NOW)).toEqual(lapsed);
    // A lapsed "no" is no choice either: the banner asks again.
    expect(resolveConsent(new Headers(), `p0.a0.${NOW - MAX_AGE_MS - 1}`, NOW)).toEqual(lapsed);
  });

  it("names the signal", () => {
    expect(privacySignal(new Headers({ "sec-gpc": "1", dnt: "1" }))).toBe("gpc");
    expect(privacySignal(new Headers({ dnt: "1" }))).toBe("dnt");
    expect(privacySignal(new Headers())).toBeNull();
  });
});

describe("resolveConsent with the shop's consent manager", () => {
  const COOKIEBOT = ConsentSettings.parse({ from: "cookiebot" });
  const cookiebot = (preferences: boolean, statistics: boolean) =>
    "CookieConsent=" +
    encodeURIComponent(
      `{stamp:'Zm9v',necessary:true,preferences:${preferences},statistics:${statistics},marketing:false,method:'explicit',ver:1}`,
    );
  const vitrineYes = `p1.a1.${NOW - DAY_MS}`;

  it("takes the manager's answer as source cmp, and ignores Vitrine's cookie", () => {
    const headers = new Headers({ cookie: cookiebot(true, false) });
    expect(resolveConsent(headers, vitrineYes, NOW, COOKIEBOT)).toEqual({
      personalization: true,
      analytics: false,
      source: "cmp",
    });
    const refused = new Headers({ cookie: cookiebot(false, false) });
    expect(resolveConsent(refused, vitrineYes, NOW, COOKIEBOT)).toEqual({
      personalization: false,
      analytics: false,
      source: "cmp",
    });
  });

  it("is no consent, source cmp-pending, without an answer it can read", () => {
    const pending = { personalization: false, analytics: false, source: "cmp-pending" };
    for (const cookie of ["", "CookieConsent=-1", "CookieConsent=%7Bbroken", "vt_consent=x"])
      expect(resolveConsent(new Headers({ cookie }), vitrineYes, NOW, COOKIEBOT)).toEqual(pending);
  });

  it("lets GPC and DNT win over the manager's yes", () => {
    for (const signal of [{ "sec-gpc": "1" }, { dnt: "1" }] as Record<string, string>[])
      expect(
        resolveConsent(
          new Headers({ cookie: cookiebot(true, true), ...signal }),
          null,
          NOW,
          COOKIEBOT,
        ),
      ).toEqual({ personalization: false, analytics: false, source: "gpc" });
  });

  it("keeps Vitrine's rule for source vitrine or no consent block", () => {
    const headers = new Headers({ cookie: cookiebot(true, true) });
    for (const config of [undefined, null, ConsentSettings.parse({})])
      expect(resolveConsent(headers, null, NOW, config)).toEqual({
        personalization: false,
        analytics: false,
        source: "default",
      });
  });

  it("dates Vitrine's choice only when Vitrine's banner decides", () => {
    expect(vitrineChoiceAt(vitrineYes, undefined)).toBe(NOW - DAY_MS);
    expect(vitrineChoiceAt(vitrineYes, COOKIEBOT)).toBeNull();
  });

  it("reads the manager's answer in readConsent without a signed cookie", async () => {
    const headers = new Headers({ cookie: cookiebot(true, true) });
    expect(await readConsent(headers, SECRET, NOW, COOKIEBOT)).toEqual({
      personalization: true,
      analytics: true,
      source: "cmp",
    });
  });
});

describe("choice validity", () => {
  it("keeps a choice current until it is CONSENT_MAX_AGE_S old", () => {
    expect(isChoiceCurrent(NOW, NOW)).toBe(true);
    expect(isChoiceCurrent(NOW - MAX_AGE_MS + 1, NOW)).toBe(true);
    expect(isChoiceCurrent(NOW - MAX_AGE_MS, NOW)).toBe(false);
  });

  it("voids a choice made before a recorded withdrawal, and only that", () => {
    expect(isVoidedByWithdrawal(NOW - 1, NOW)).toBe(true);
    expect(isVoidedByWithdrawal(NOW, NOW)).toBe(false);
    expect(isVoidedByWithdrawal(NOW + 1, NOW)).toBe(false);
    expect(isVoidedByWithdrawal(NOW - 1, null)).toBe(false);
    expect(isVoidedByWithdrawal(null, NOW)).toBe(false);
  });
});

describe("readConsent", () => {
  it("reads a correctly signed cookie", async () => {
    const headers = new Headers({ cookie: await cookieHeader(`p1.a0.${NOW - DAY_MS}`) });
    expect(await readConsent(headers, SECRET, NOW)).toEqual({
      personalization: true,
      analytics: false,
      source: "cookie",
    });
  });

  it("ignores a forged, unsigned or foreign-signed cookie", async () => {
    const forged = (await cookieHeader(`p0.a0.${NOW}`)).replace("p0.a0", "p1.a1");
    for (const cookie of [
      forged,
      `vt_consent=p1.a1.${NOW}`,
      await cookieHeader(`p1.a1.${NOW}`, "another-secret-0123456789"),
    ]) {
      expect(await readConsent(new Headers({ cookie }), SECRET, NOW)).toEqual({
        personalization: false,
        analytics: false,
        source: "default",
      });
    }
  });

  it("ignores a correctly signed cookie whose choice has lapsed", async () => {
    const headers = new Headers({ cookie: await cookieHeader(`p1.a1.${NOW - MAX_AGE_MS - 1}`) });
    expect(await readConsent(headers, SECRET, NOW)).toEqual({
      personalization: false,
      analytics: false,
      source: "default",
    });
  });

  it("lets GPC win over a signed yes", async () => {
    const headers = new Headers({ cookie: await cookieHeader(`p1.a1.${NOW}`), "sec-gpc": "1" });
    expect(await readConsent(headers, SECRET, NOW)).toEqual({
      personalization: false,
      analytics: false,
      source: "gpc",
    });
  });
});

describe("settleChoice", () => {
  const NO = { personalization: false, analytics: false };
  const choices = [
    { personalization: true, analytics: true },
    { personalization: true, analytics: false },
    { personalization: false, analytics: true },
    NO,
  ];

  it("keeps every choice as made without a privacy signal", () => {
    for (const choice of choices)
      expect(settleChoice(choice, null)).toEqual({
        applied: choice,
        stored: choice,
        overriddenBy: null,
      });
  });

  it.each([
    ["gpc", "Sec-GPC"],
    ["dnt", "DNT"],
  ] as const)("under %s applies no to both and never stores a yes", (signal, header) => {
    for (const choice of choices) {
      const settled = settleChoice(choice, signal);
      // What applies is what resolveConsent will give every later request with the signal.
      const later = resolveConsent(new Headers({ [header]: "1" }), encodeConsent(choice, NOW), NOW);
      expect(settled.applied).toEqual({
        personalization: later.personalization,
        analytics: later.analytics,
      });
      expect(settled.stored?.personalization ?? false).toBe(false);
      expect(settled.stored?.analytics ?? false).toBe(false);
      const asked = choice.personalization || choice.analytics;
      expect(settled.overriddenBy).toBe(asked ? header : null);
    }
    // A yes is not stored at all; a no to personalization is stored as the no that applies.
    expect(settleChoice({ personalization: true, analytics: false }, signal).stored).toBeNull();
    expect(settleChoice({ personalization: false, analytics: true }, signal).stored).toEqual(NO);
    expect(settleChoice(NO, signal).stored).toEqual(NO);
  });
});
