import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { Persona, PERSONA_VISITOR_ID, personaInput } from "./persona.ts";
import { evaluateRule } from "./targeting.ts";
import { baseConfig, context, mustParse, NOW } from "./test-fixtures.ts";

const config = mustParse(
  baseConfig({
    variants: {
      welcome: { slot: "hero", template: "<p>w</p>", frequencyCap: { perSession: 1 } },
    },
  }),
);
const seen = context({ device: "desktop", channel: "direct", pageType: "home" });
const matches = (persona: Persona, rule: unknown) =>
  evaluateRule(rule as never, personaInput(persona, seen, config)).matched;

describe("personaInput", () => {
  it("feeds each typed fact to the field rules read", () => {
    const persona = Persona.parse({
      buyerMode: "methodical",
      segments: ["returning"],
      lifecycle: "active",
      valueTier: "high",
      visitCount: 4,
      journeyStage: "consider",
      device: "mobile",
      channel: "email",
      campaign: "spring",
      cartItems: 2,
      cartValueCents: 5000,
    });
    for (const rule of [
      { field: "profile.topMode", op: "eq", value: "methodical" },
      { field: "profile.buyerModes.methodical", op: "gt", value: 0.5 },
      { field: "profile.segments", op: "contains", value: "returning" },
      { field: "profile.lifecycle", op: "eq", value: "active" },
      { field: "profile.valueTier", op: "eq", value: "high" },
      { field: "profile.visitCount", op: "eq", value: 4 },
      { field: "session.journeyStage", op: "eq", value: "consider" },
      { field: "context.device", op: "eq", value: "mobile" },
      { field: "context.channel", op: "eq", value: "email" },
      { field: "context.campaign", op: "eq", value: "spring" },
      { field: "session.cart.lines", op: "eq", value: 2 },
      { field: "session.cart.valueCents", op: "eq", value: 5000 },
    ])
      expect(matches(persona, rule), JSON.stringify(rule)).toBe(true);
  });

  it("leaves unset facts as the request or a first visit has them", () => {
    const input = personaInput({}, seen, config);
    expect(input.context).toMatchObject({ device: "desktop", channel: "direct", now: NOW });
    expect(input.visitorId).toBe(PERSONA_VISITOR_ID);
    expect(input.consent.personalization).toBe(true);
    expect(input.profile).toMatchObject({ topMode: null, visitCount: 1, lifecycle: "new" });
    expect(input.session).toMatchObject({ journeyStage: "browse", pageViews: 1 });
    // A cart makes the journey stage `cart` unless the persona says otherwise.
    expect(personaInput({ cartItems: 1 }, seen, config).session?.journeyStage).toBe("cart");
  });

  it("a chosen date and hour are the visitor's local ones", () => {
    const persona = { date: "2026-11-27", localHour: 21 };
    expect(matches(persona, { field: "time.date", op: "eq", value: "2026-11-27" })).toBe(true);
    expect(matches(persona, { field: "time.dayOfWeek", op: "eq", value: 5 })).toBe(true);
    expect(matches(persona, { field: "context.localHour", op: "eq", value: 21 })).toBe(true);
  });

  it("variants already shown count against their frequency cap; no consent means none", () => {
    const capped = personaInput({ seen: { welcome: 1 } }, seen, config);
    expect(capped.session?.impressions).toEqual({ "hero:welcome": 1 });
    expect(decide(config, capped).slots).toEqual([]);
    expect(decide(config, personaInput({}, seen, config)).slots.map((s) => s.variantId)).toEqual([
      "welcome",
    ]);
    const refused = personaInput({ consent: false }, seen, config);
    expect(decide(config, refused).reason).toBe("no_consent");
  });

  it("refuses unknown fields and values outside the typed lists", () => {
    expect(Persona.safeParse({ deviceType: "mobile" }).success).toBe(false);
    expect(Persona.safeParse({ buyerMode: "thrifty" }).success).toBe(false);
    expect(Persona.safeParse({ localHour: 24 }).success).toBe(false);
    expect(Persona.safeParse({ date: "2026-02-30" }).success).toBe(false);
  });
});
