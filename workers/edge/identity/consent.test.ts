import { describe, expect, it } from "vitest";
import {
  decodeConsent,
  encodeConsent,
  privacySignal,
  readConsent,
  resolveConsent,
} from "./consent.ts";
import { signValue } from "./signed-value.ts";

const SECRET = "unit-test-secret-0123456789";
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
  const yes = encodeConsent({ personalization: true, analytics: true }, 5);
  it.each([
    [
      "no cookie, no signal",
      {},
      undefined,
      { personalization: false, analytics: false, source: "default" },
    ],
    ["explicit yes", {}, yes, { personalization: true, analytics: true, source: "cookie" }],
    ["partial yes", {}, "p0.a1.5", { personalization: false, analytics: true, source: "cookie" }],
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
    expect(resolveConsent(new Headers(headers), cookie)).toEqual(expected);
  });

  it("names the signal", () => {
    expect(privacySignal(new Headers({ "sec-gpc": "1", dnt: "1" }))).toBe("gpc");
    expect(privacySignal(new Headers({ dnt: "1" }))).toBe("dnt");
    expect(privacySignal(new Headers())).toBeNull();
  });
});

describe("readConsent", () => {
  it("reads a correctly signed cookie", async () => {
    const headers = new Headers({ cookie: await cookieHeader("p1.a0.1732300000000") });
    expect(await readConsent(headers, SECRET)).toEqual({
      personalization: true,
      analytics: false,
      source: "cookie",
    });
  });

  it("ignores a forged, unsigned or foreign-signed cookie", async () => {
    const forged = (await cookieHeader("p0.a0.1")).replace("p0.a0", "p1.a1");
    for (const cookie of [
      forged,
      "vt_consent=p1.a1.1",
      await cookieHeader("p1.a1.1", "another-secret-0123456789"),
    ]) {
      expect(await readConsent(new Headers({ cookie }), SECRET)).toEqual({
        personalization: false,
        analytics: false,
        source: "default",
      });
    }
  });

  it("lets GPC win over a signed yes", async () => {
    const headers = new Headers({ cookie: await cookieHeader("p1.a1.1"), "sec-gpc": "1" });
    expect(await readConsent(headers, SECRET)).toEqual({
      personalization: false,
      analytics: false,
      source: "gpc",
    });
  });
});
