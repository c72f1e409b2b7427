import { describe, expect, it } from "vitest";
import type { Rule } from "./config-schema.ts";
import { FIELD_NAMES, FIELDS } from "./fields.ts";
import { buildProfile, noProducts } from "../profile/index.ts";
import { compileRule, evaluateRule } from "./targeting.ts";
import {
  cartSession,
  context,
  input,
  modeProfile,
  NOW,
  profile,
  session,
} from "./test-fixtures.ts";

const full = input({
  context: context({
    pageType: "product",
    productId: "p1",
    categoryId: "sports-watches",
    channel: "email",
    campaign: "black-friday-2026",
    device: "mobile",
    country: "DE",
    referrerHost: "news.example",
    localHour: 11,
  }),
  profile: modeProfile("methodical", {
    segments: ["gift_buyer", "returning"],
    visitCount: 4,
    orderCount: 2,
    lifecycle: "active",
    valueTier: "high",
    visits30d: 3,
    totalSpentCents: 12_000,
    giftScore: 0.2,
    rfm: { r: 4, f: 3, m: 5 },
    preferredDevice: "mobile",
    preferredChannel: "email",
    daypart: "morning",
  }),
  session: cartSession(4200, { pageViews: 9, journeyStage: "checkout" }),
});
const bare = input({ profile: null, session: null });
const match = (rule: Rule, on = full) => evaluateRule(rule, on);

describe("conditions by field type", () => {
  it("enum fields: eq, neq, in, nin", () => {
    expect(match({ field: "profile.topMode", op: "eq", value: "methodical" })).toEqual({
      matched: true,
      reason: "profile.topMode=methodical",
    });
    expect(match({ field: "profile.topMode", op: "neq", value: "methodical" }).matched).toBe(false);
    expect(match({ field: "session.journeyStage", op: "in", value: ["cart", "checkout"] })).toEqual(
      {
        matched: true,
        reason: "session.journeyStage=checkout",
      },
    );
    expect(match({ field: "context.device", op: "nin", value: ["mobile"] }).matched).toBe(false);
    expect(match({ field: "profile.valueTier", op: "eq", value: "high" }).matched).toBe(true);
    expect(match({ field: "profile.lifecycle", op: "eq", value: "lapsed" }).matched).toBe(false);
    expect(match({ field: "context.channel", op: "eq", value: "email" }).matched).toBe(true);
    expect(match({ field: "context.pageType", op: "eq", value: "product" }).matched).toBe(true);
  });

  it("number fields: comparisons and lists", () => {
    expect(match({ field: "session.pageViews", op: "gte", value: 9 })).toEqual({
      matched: true,
      reason: "session.pageViews=9 (gte 9)",
    });
    expect(match({ field: "session.pageViews", op: "gt", value: 9 }).matched).toBe(false);
    expect(match({ field: "session.cart.valueCents", op: "lt", value: 5000 }).matched).toBe(true);
    expect(match({ field: "session.cart.valueCents", op: "lte", value: 4199 }).matched).toBe(false);
    expect(match({ field: "session.cart.lines", op: "eq", value: 1 }).matched).toBe(true);
    expect(match({ field: "profile.buyerModes.methodical", op: "gt", value: 0.5 }).matched).toBe(
      true,
    );
    expect(match({ field: "profile.buyerModes.spontaneous", op: "gt", value: 0.5 }).matched).toBe(
      false,
    );
    expect(match({ field: "profile.visitCount", op: "in", value: [3, 4] }).matched).toBe(true);
    expect(match({ field: "profile.orderCount", op: "nin", value: [0] }).matched).toBe(true);
    expect(match({ field: "context.localHour", op: "lt", value: 12 }).matched).toBe(true);
  });

  it("session.cartChangedWithinMs: milliseconds since the cart changed", () => {
    // cartSession changed the cart an hour before NOW.
    expect(match({ field: "session.cartChangedWithinMs", op: "lte", value: 600_000 }).matched).toBe(
      false,
    );
    expect(match({ field: "session.cartChangedWithinMs", op: "gte", value: 3_600_000 })).toEqual({
      matched: true,
      reason: "session.cartChangedWithinMs=3600000 (gte 3600000)",
    });
    const fresh = input({
      session: session({ cart: { lines: [], valueCents: 0, changedAt: null } }),
    });
    expect(
      match({ field: "session.cartChangedWithinMs", op: "exists", value: false }, fresh).matched,
    ).toBe(true);
  });

  it("set field (segments): contains, in (any of), nin (none of)", () => {
    expect(match({ field: "profile.segments", op: "contains", value: "gift_buyer" })).toEqual({
      matched: true,
      reason: "profile.segments has gift_buyer",
    });
    expect(match({ field: "profile.segments", op: "contains", value: "vip" }).matched).toBe(false);
    expect(
      match({ field: "profile.segments", op: "in", value: ["vip", "returning"] }).matched,
    ).toBe(true);
    expect(
      match({ field: "profile.segments", op: "nin", value: ["vip", "returning"] }).matched,
    ).toBe(false);
  });

  it("string fields: eq, in, contains (substring)", () => {
    expect(match({ field: "context.campaign", op: "contains", value: "black-friday" })).toEqual({
      matched: true,
      reason: "context.campaign=black-friday-2026 (contains black-friday)",
    });
    expect(match({ field: "context.country", op: "in", value: ["DE", "AT"] }).matched).toBe(true);
    expect(match({ field: "context.categoryId", op: "eq", value: "phones" }).matched).toBe(false);
    expect(match({ field: "context.productId", op: "eq", value: "p1" }).matched).toBe(true);
  });

  it("boolean fields: consent", () => {
    expect(match({ field: "consent.personalization", op: "eq", value: true }).matched).toBe(true);
    expect(match({ field: "consent.analytics", op: "neq", value: true }).matched).toBe(false);
  });

  it("time: the visitor's local date and weekday, and instants", () => {
    // NOW is Monday 2026-11-23 10:30 UTC, local hour 11 (UTC+1).
    expect(match({ field: "time.dayOfWeek", op: "eq", value: 1 }).matched).toBe(true);
    expect(match({ field: "time.date", op: "eq", value: "2026-11-23" }).matched).toBe(true);
    expect(match({ field: "time.date", op: "gte", value: "2026-11-24" }).matched).toBe(false);
    // 23:30 UTC on Monday is already Tuesday 00:30 for a visitor in UTC+1...
    const late = input({ context: context({ now: Date.UTC(2026, 10, 23, 23, 30), localHour: 0 }) });
    expect(match({ field: "time.dayOfWeek", op: "eq", value: 2 }, late).matched).toBe(true);
    expect(match({ field: "time.date", op: "eq", value: "2026-11-24" }, late).matched).toBe(true);
    // ...and still Monday evening in New York (UTC-5).
    const ny = input({ context: context({ now: Date.UTC(2026, 10, 24, 2, 0), localHour: 21 }) });
    expect(match({ field: "time.date", op: "eq", value: "2026-11-23" }, ny).matched).toBe(true);
    // Sunday is 7 (ISO).
    const sunday = input({ context: context({ now: Date.UTC(2026, 10, 29, 12), localHour: 13 }) });
    expect(match({ field: "time.dayOfWeek", op: "eq", value: 7 }, sunday).matched).toBe(true);
    // Date-times compare the instant.
    const rule: Rule = { field: "time.date", op: "lt", value: "2026-11-23T11:00:00+01:00" };
    expect(match(rule).matched).toBe(false); // 10:30Z is after 10:00Z
    expect(match({ ...rule, value: "2026-11-23T12:00:00+01:00" }).matched).toBe(true);
    expect(NOW).toBe(Date.UTC(2026, 10, 23, 10, 30));
  });
});

describe("combinators and reasons", () => {
  it("all: every part matches; the reason lists them", () => {
    expect(
      match({
        all: [
          { field: "profile.topMode", op: "eq", value: "methodical" },
          { field: "context.pageType", op: "in", value: ["product", "category"] },
        ],
      }),
    ).toEqual({ matched: true, reason: "profile.topMode=methodical & context.pageType=product" });
    expect(
      match({
        all: [
          { field: "profile.topMode", op: "eq", value: "methodical" },
          { field: "context.device", op: "eq", value: "desktop" },
        ],
      }).matched,
    ).toBe(false);
  });

  it("any: the first matching part explains", () => {
    expect(
      match({
        any: [
          { field: "context.device", op: "eq", value: "desktop" },
          { field: "session.pageViews", op: "gte", value: 8 },
          { field: "profile.orderCount", op: "gte", value: 1 },
        ],
      }),
    ).toEqual({ matched: true, reason: "session.pageViews=9 (gte 8)" });
  });

  it("not, exists, and the empty rule", () => {
    expect(match({ not: { field: "context.device", op: "eq", value: "desktop" } })).toEqual({
      matched: true,
      reason: "not context.device eq desktop",
    });
    expect(match({ field: "context.campaign", op: "exists" })).toEqual({
      matched: true,
      reason: "context.campaign present",
    });
    expect(match({ all: [] })).toEqual({ matched: true, reason: "always" });
    expect(evaluateRule(undefined, full)).toEqual({ matched: true, reason: "always" });
  });

  it("caps long reasons", () => {
    const many: Rule = {
      all: Array.from({ length: 12 }, () => ({
        field: "context.campaign" as const,
        op: "contains" as const,
        value: "black",
      })),
    };
    const { reason } = match(many);
    expect(reason.length).toBe(160);
    expect(reason.endsWith("…")).toBe(true);
  });

  it("marks rules that read only request data", () => {
    expect(compileRule({ field: "context.device", op: "eq", value: "mobile" }).requestOnly).toBe(
      true,
    );
    expect(
      compileRule({
        all: [
          { field: "time.dayOfWeek", op: "gte", value: 6 },
          { not: { field: "consent.personalization", op: "eq", value: true } },
        ],
      }).requestOnly,
    ).toBe(true);
    expect(
      compileRule({
        any: [
          { field: "context.device", op: "eq", value: "mobile" },
          { field: "session.pageViews", op: "gt", value: 1 },
        ],
      }).requestOnly,
    ).toBe(false);
    expect(compileRule(undefined).requestOnly).toBe(true);
  });
});

describe("every field", () => {
  it("is readable: present on a full input, missing (for stored data) on a bare one", () => {
    for (const field of FIELD_NAMES) {
      const exists: Rule = { field, op: "exists" };
      expect(match(exists).matched, field).toBe(true);
      const stored = input({ context: full.context, profile: null, session: null });
      expect(match(exists, stored).matched, field).toBe(FIELDS[field].scope === "request");
    }
  });
});

describe("missing data never throws and never matches by accident", () => {
  const storedFieldRules: Rule[] = [
    { field: "profile.topMode", op: "neq", value: "methodical" },
    { field: "profile.segments", op: "nin", value: ["gift_buyer"] },
    { field: "profile.visitCount", op: "lt", value: 100 },
    { field: "profile.buyerModes.humanistic", op: "lte", value: 1 },
    { field: "session.journeyStage", op: "nin", value: ["checkout"] },
    { field: "session.cart.lines", op: "eq", value: 0 },
    { field: "session.cartChangedWithinMs", op: "gte", value: 0 },
  ];

  it("conditions on a missing profile or session are false, even negative ones", () => {
    for (const rule of storedFieldRules) expect(match(rule, bare).matched).toBe(false);
  });

  it("except exists and not", () => {
    expect(match({ field: "profile.topMode", op: "exists", value: false }, bare).matched).toBe(
      true,
    );
    expect(match({ field: "profile.topMode", op: "exists" }, bare).matched).toBe(false);
    expect(
      match({ not: { field: "profile.topMode", op: "eq", value: "methodical" } }, bare).matched,
    ).toBe(true);
  });

  it("null context values count as missing", () => {
    const anon = input({ context: context({ country: null, campaign: null, categoryId: null }) });
    expect(match({ field: "context.country", op: "neq", value: "PL" }, anon).matched).toBe(false);
    expect(match({ field: "context.campaign", op: "exists", value: false }, anon).matched).toBe(
      true,
    );
    expect(match({ field: "context.categoryId", op: "nin", value: ["x"] }, anon).matched).toBe(
      false,
    );
  });

  it("a profile without a top mode is missing that field", () => {
    const undecided = input({ profile: profile({ topMode: null }) });
    expect(
      match({ field: "profile.topMode", op: "neq", value: "methodical" }, undecided).matched,
    ).toBe(false);
  });
});

describe("profile facts from the builder", () => {
  const t0 = Date.UTC(2026, 10, 2, 19);
  const events = Array.from({ length: 6 }, (_, i) => ({
    id: `e${i}`,
    type: "page_view" as const,
    at: t0 + i * 24 * 3600 * 1000,
    sessionId: `s${i}`,
    path: "/",
    pageType: "home" as const,
    productId: null,
    categoryId: null,
    channel: "social" as const,
    device: "mobile" as const,
    valueCents: null,
    data: { localHour: 20 },
  }));
  const built = buildProfile(events, noProducts, t0 + 6 * 24 * 3600 * 1000, "v1");
  const on = input({ profile: built, session: null });

  it("targets habits the builder infers: device, channel, daypart, recent visits", () => {
    expect(match({ field: "profile.preferredDevice", op: "eq", value: "mobile" }, on).matched).toBe(
      true,
    );
    expect(
      match({ field: "profile.preferredChannel", op: "eq", value: "social" }, on).matched,
    ).toBe(true);
    expect(match({ field: "profile.daypart", op: "eq", value: "evening" }, on).matched).toBe(true);
    expect(match({ field: "profile.visits30d", op: "gte", value: 6 }, on).matched).toBe(true);
    expect(match({ field: "profile.totalSpentCents", op: "eq", value: 0 }, on).matched).toBe(true);
  });

  it("treats facts missing from older profiles as missing, not as zero", () => {
    const legacy = input({ profile: profile({}), session: null });
    expect(match({ field: "profile.giftScore", op: "exists", value: false }, legacy).matched).toBe(
      true,
    );
    expect(match({ field: "profile.rfm.r", op: "gte", value: 1 }, legacy).matched).toBe(false);
  });
});
