import demoJson from "../../../seeds/config/demo-config.json" with { type: "json" };
import type { Consent, RequestContext } from "../model/context.ts";
import type { BuyerMode, Profile, SessionState } from "../model/profile.ts";
import { parseConfig, type PersonalizationConfig } from "./config-schema.ts";
import type { ProductSource } from "./render.ts";
import type { DecisionInput } from "./targeting.ts";

/** Shared builders for the decision engine's tests. Not imported by production code. */

/** Monday 2026-11-23 10:30 UTC; the visitor is in UTC+1 (local 11:30). */
export const NOW = Date.UTC(2026, 10, 23, 10, 30);

export function context(extra: Partial<RequestContext> = {}): RequestContext {
  return {
    path: "/",
    query: {},
    device: "desktop",
    isBot: false,
    country: "PL",
    region: null,
    channel: "direct",
    campaign: null,
    referrerHost: null,
    pageType: "home",
    productId: null,
    categoryId: null,
    now: NOW,
    localHour: 11,
    ...extra,
  };
}

export const CONSENT: Consent = { personalization: true, analytics: true, source: "cookie" };
export const NO_CONSENT: Consent = { personalization: false, analytics: false, source: "default" };

export function profile(extra: Partial<Profile> = {}): Profile {
  return {
    v: 1,
    visitorId: "v1",
    updatedAt: NOW - 60_000,
    buyerModes: { competitive: 0, methodical: 0, spontaneous: 0, humanistic: 0 },
    topMode: null,
    segments: [],
    lifecycle: "active",
    valueTier: "low",
    visitCount: 1,
    orderCount: 0,
    categoryAffinity: {},
    brandAffinity: {},
    priceBand: null,
    purchasedProducts: [],
    watchedOutOfStock: [],
    ...extra,
  };
}

export function modeProfile(mode: BuyerMode, extra: Partial<Profile> = {}): Profile {
  const buyerModes = { competitive: 0.1, methodical: 0.1, spontaneous: 0.1, humanistic: 0.1 };
  buyerModes[mode] = 0.7;
  return profile({ topMode: mode, buyerModes, ...extra });
}

export function session(extra: Partial<SessionState> = {}): SessionState {
  return {
    sessionId: "s1",
    startedAt: NOW - 600_000,
    pageViews: 3,
    journeyStage: "browse",
    recentProducts: [],
    cart: { lines: [], valueCents: 0, changedAt: null },
    impressions: {},
    ...extra,
  };
}

export function cartSession(valueCents: number, extra: Partial<SessionState> = {}): SessionState {
  return session({
    journeyStage: "cart",
    cart: {
      lines: [{ productId: "p1", quantity: 1, unitPriceCents: valueCents }],
      valueCents,
      changedAt: NOW - 3_600_000,
    },
    ...extra,
  });
}

export function input(extra: Partial<DecisionInput> = {}): DecisionInput {
  return {
    context: context(),
    consent: CONSENT,
    visitorId: "visitor-1",
    profile: null,
    session: null,
    ...extra,
  };
}

export function demoConfig(): PersonalizationConfig {
  const result = parseConfig(structuredClone(demoJson));
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

/** A small valid config to vary per test. */
export function baseConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    enabled: true,
    holdout: { percent: 0, salt: "h" },
    defaults: { currency: "EUR", locale: "en-IE", freeDeliveryThresholdCents: 5000 },
    slots: {
      hero: { selector: "#hero", action: "replace", pageTypes: ["home"] },
      banner: { selector: "#banner", action: "replace" },
    },
    variants: {
      welcome: { slot: "hero", template: "<p>Hello</p>" },
    },
    ...extra,
  };
}

export function mustParse(json: unknown): PersonalizationConfig {
  const result = parseConfig(json);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

/** Finds a visitor id whose bucketing satisfies `test` (deterministic: ids are enumerated). */
export function findVisitor(test: (id: string) => boolean, prefix = "visitor"): string {
  for (let i = 0; i < 100_000; i++) {
    const id = `${prefix}-${i}`;
    if (test(id)) return id;
  }
  throw new Error("no visitor found");
}

/** A product card for module templates, in the demo's category; `stock` drives the badges. */
export function demoItem(id: string, stock: number): ProductSource {
  return {
    id,
    name: `Product ${id}`,
    url: `/p/${id}`,
    imageUrl: `/img/${id}.svg`,
    priceCents: 2999,
    currency: "EUR",
    rating: 4.4,
    reviewCount: 87,
    stock,
    categoryId: "sports-watches",
    brand: "Brand",
  };
}

/** A visitor for whom most demo variants match: a product page, a gift buyer at checkout. */
export function richInput(): DecisionInput {
  return input({
    context: context({ pageType: "product", productId: "p", categoryId: "sports-watches" }),
    profile: modeProfile("spontaneous", { segments: ["gift_buyer"], orderCount: 1 }),
    session: cartSession(3000, { journeyStage: "checkout", pageViews: 9 }),
  });
}
