import { describe, expect, it } from "vitest";
import type { Rule } from "./config-schema.ts";
import { assignArm, inHoldout } from "./bucketing.ts";
import { decide } from "./decide.ts";
import { explainDecision, whyNot, type SlotExplanation } from "./explain.ts";
import { createFacts } from "./targeting.ts";
import {
  baseConfig,
  cartSession,
  context,
  findVisitor,
  input,
  modeProfile,
  mustParse,
  NO_CONSENT,
  session,
} from "./test-fixtures.ts";

const methodicalWithCart = {
  all: [
    { field: "profile.topMode", op: "eq", value: "methodical" },
    { field: "session.cart.lines", op: "gte", value: 2 },
  ],
};

/** Hero: four candidates that each lose or win on something else; banner: an experiment. */
function config(experiment: Record<string, unknown> = {}) {
  return mustParse(
    baseConfig({
      variants: {
        "mobile-hero": {
          slot: "hero",
          template: "<p>m</p>",
          priority: 30,
          when: { field: "context.device", op: "eq", value: "mobile" },
        },
        "capped-hero": {
          slot: "hero",
          template: "<p>c</p>",
          priority: 25,
          frequencyCap: { perSession: 2 },
        },
        "methodical-hero": {
          slot: "hero",
          template: "<p>x</p>",
          priority: 20,
          when: methodicalWithCart,
        },
        "fallback-hero": { slot: "hero", template: "<p>f</p>", priority: 10 },
        "banner-a": { slot: "banner", template: "<p>a</p>", priority: 5, experiment: "test" },
        "banner-b": { slot: "banner", template: "<p>b</p>", priority: 5, experiment: "test" },
        "banner-default": { slot: "banner", template: "<p>d</p>", priority: 1 },
      },
      experiments: {
        test: {
          status: "running",
          allocation: 1,
          arms: [
            { id: "control", weight: 0.5, variant: null },
            { id: "a", weight: 0.25, variant: "banner-a" },
            { id: "b", weight: 0.25, variant: "banner-b" },
          ],
          ...experiment,
        },
      },
    }),
  );
}

const slot = (slots: SlotExplanation[], id: string) => slots.find((s) => s.slot === id)!;
const outcomes = (s: SlotExplanation) =>
  Object.fromEntries(s.candidates.map((c) => [c.variant, [c.outcome, c.reason]]));

describe("explainDecision", () => {
  it("names the winner and, for each loser, the first failing condition or the cap", () => {
    const cfg = config();
    const visitor = input({
      context: context({ device: "desktop" }),
      profile: modeProfile("methodical"),
      session: cartSession(3000, { impressions: { "hero:capped-hero": 2 } }),
    });
    const hero = slot(explainDecision(cfg, visitor).slots, "hero");
    expect(hero.winner).toBe("fallback-hero");
    expect(hero.candidates.map((c) => c.variant)).toEqual([
      "mobile-hero",
      "capped-hero",
      "methodical-hero",
      "fallback-hero",
    ]);
    expect(outcomes(hero)).toEqual({
      "mobile-hero": ["rule_not_matched", "device is desktop, rule wants mobile"],
      "capped-hero": ["frequency_cap", "frequency cap reached: shown 2 times this session, cap 2"],
      // The mode matches; the cart's line count is the first condition that fails.
      "methodical-hero": ["rule_not_matched", "cart.lines is 1, rule wants at least 2"],
      "fallback-hero": ["won", "rule matched: always"],
    });
  });

  it("says a lower-priority candidate lost on priority, and whether its rule matched too", () => {
    const visitor = input({
      context: context({ device: "mobile" }),
      profile: modeProfile("spontaneous"),
    });
    const hero = slot(explainDecision(config(), visitor).slots, "hero");
    expect(hero.winner).toBe("mobile-hero");
    expect(outcomes(hero)).toEqual({
      "mobile-hero": ["won", "rule matched: context.device=mobile"],
      "capped-hero": [
        "lower_priority",
        "priority 25 is below mobile-hero's 30 (its rule matches too)",
      ],
      "methodical-hero": ["lower_priority", "priority 20 is below mobile-hero's 30"],
      "fallback-hero": [
        "lower_priority",
        "priority 10 is below mobile-hero's 30 (its rule matches too)",
      ],
    });
  });

  it("without consent, rules on profile or session data lose on consent", () => {
    const visitor = input({
      consent: NO_CONSENT,
      profile: modeProfile("methodical"),
      session: cartSession(3000),
    });
    const { slots } = explainDecision(config(), visitor);
    const hero = slot(slots, "hero");
    expect(hero.winner).toBe("capped-hero");
    const onlyMethodical = mustParse(
      baseConfig({
        variants: { welcome: { slot: "hero", template: "<p>w</p>", when: methodicalWithCart } },
      }),
    );
    expect(outcomes(slot(explainDecision(onlyMethodical, visitor).slots, "hero"))).toEqual({
      welcome: [
        "no_consent",
        "no personalization consent, and its rule reads profile or session data",
      ],
    });
    // Experiments bucket on a visitor id, which a visitor without consent does not have.
    expect(outcomes(slot(slots, "banner"))["banner-a"]).toEqual([
      "experiment_no_id",
      "experiment test needs a visitor id (consent and a visitor cookie)",
    ]);
  });

  it("experiment arms: the control keeps the shop's content, another arm shows its variant", () => {
    const cfg = config();
    const exp = cfg.experiments["test"]!;
    const inArm = (arm: string) => findVisitor((id) => assignArm(id, "test", exp)?.id === arm);

    const control = slot(
      explainDecision(cfg, input({ visitorId: inArm("control") })).slots,
      "banner",
    );
    expect(control.winner).toBeNull();
    expect(outcomes(control)).toEqual({
      "banner-a": [
        "experiment_arm",
        "experiment test put the visitor in arm control, the control: the slot keeps the shop's content",
      ],
      "banner-b": [
        "lower_priority",
        "not considered: experiment test decided the slot first (arm control)",
      ],
      "banner-default": [
        "lower_priority",
        "not considered: experiment test decided the slot first (arm control)",
      ],
    });

    const b = slot(explainDecision(cfg, input({ visitorId: inArm("b") })).slots, "banner");
    expect(b.winner).toBe("banner-b");
    expect(b.experiment).toEqual({ id: "test", arm: "b" });
    expect(outcomes(b)["banner-a"]).toEqual([
      "experiment_arm",
      "experiment test put the visitor in arm b, which shows banner-b",
    ]);
    expect(outcomes(b)["banner-b"]).toEqual([
      "won",
      "rule matched: always; experiment test, arm b",
    ]);
  });

  it("experiments not running or outside the allocation let lower candidates win", () => {
    const paused = slot(explainDecision(config({ status: "paused" }), input()).slots, "banner");
    expect(paused.winner).toBe("banner-default");
    expect(outcomes(paused)["banner-a"]).toEqual([
      "experiment_not_running",
      "experiment test is paused, not running",
    ]);

    const cfg = config({ allocation: 0.5 });
    const outside = findVisitor((id) => assignArm(id, "test", cfg.experiments["test"]!) === null);
    const banner = slot(explainDecision(cfg, input({ visitorId: outside })).slots, "banner");
    expect(banner.winner).toBe("banner-default");
    expect(outcomes(banner)["banner-a"]).toEqual([
      "experiment_outside_allocation",
      "visitor is outside experiment test's allocation",
    ]);
  });

  it("the holdout, the kill switch and slots of other pages explain every candidate", () => {
    const held = mustParse(baseConfig({ holdout: { percent: 50, salt: "h" } }));
    const id = findVisitor((v) => inHoldout(v, held.holdout));
    const holdout = explainDecision(held, input({ visitorId: id }));
    expect(holdout.reason).toBe("holdout");
    expect(slot(holdout.slots, "hero").candidates[0]).toMatchObject({
      variant: "welcome",
      outcome: "holdout",
      reason: `visitor ${id} is in the global holdout (50%): nothing is personalized`,
    });

    const off = explainDecision(mustParse(baseConfig({ enabled: false })), input());
    expect(slot(off.slots, "hero").candidates[0]!.outcome).toBe("disabled");

    const product = explainDecision(config(), input({ context: context({ pageType: "product" }) }));
    expect(slot(product.slots, "hero").winner).toBeNull();
    expect(slot(product.slots, "hero").candidates[0]).toMatchObject({
      outcome: "not_on_page",
      reason: "slot is only on home pages; this is a product page",
    });
  });

  it("decides exactly what decide() decides", () => {
    const cfg = config();
    for (const visitor of [
      input({ context: context({ device: "mobile" }) }),
      input({
        profile: modeProfile("methodical"),
        session: cartSession(5000, {
          cart: {
            lines: [
              { productId: "a", quantity: 1, unitPriceCents: 1 },
              { productId: "b", quantity: 1, unitPriceCents: 1 },
            ],
            valueCents: 2,
            changedAt: null,
          },
        }),
      }),
      input({ visitorId: "someone-else", session: session() }),
    ])
      expect(explainDecision(cfg, visitor).decision).toEqual(decide(cfg, visitor));
  });
});

describe("whyNot", () => {
  const facts = createFacts(
    input({
      context: context({ channel: "email", campaign: "spring" }),
      profile: modeProfile("humanistic", { segments: ["returning"] }),
      session: session(),
    }),
  );
  const why = (rule: unknown) => whyNot(rule as Rule, facts);

  it("puts each operator in words, with missing values as unknown", () => {
    expect(why({ field: "context.channel", op: "in", value: ["search", "paid"] })).toBe(
      "channel is email, rule wants one of [search, paid]",
    );
    expect(why({ field: "profile.segments", op: "contains", value: "gift_buyer" })).toBe(
      "segments is [returning], rule wants it to include gift_buyer",
    );
    expect(why({ field: "context.campaign", op: "neq", value: "spring" })).toBe(
      "campaign is spring, rule wants anything but spring",
    );
    expect(why({ field: "profile.rfm.r", op: "exists" })).toBe(
      "rfm.r is unknown, rule wants it present",
    );
    expect(why({ field: "profile.visitCount", op: "lt", value: 1 })).toBe(
      "visitCount is 1, rule wants less than 1",
    );
  });

  it("any-groups list every miss; not-groups say what held", () => {
    expect(
      why({
        any: [
          { field: "context.device", op: "eq", value: "mobile" },
          { field: "profile.topMode", op: "eq", value: "competitive" },
        ],
      }),
    ).toBe(
      "none of: device is desktop, rule wants mobile; topMode is humanistic, rule wants competitive",
    );
    expect(why({ not: { field: "context.channel", op: "eq", value: "email" } })).toBe(
      "context.channel eq email holds, rule wants it not to",
    );
  });
});
