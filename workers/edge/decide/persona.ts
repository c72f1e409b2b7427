import { z } from "zod";
import type { Consent, RequestContext } from "../model/context.ts";
import {
  BUYER_MODES,
  JOURNEY_STAGES,
  type CartLine,
  type Profile,
  type SessionState,
} from "../model/profile.ts";
import type { PersonalizationConfig } from "./config-schema.ts";
import {
  CHANNELS,
  DEVICE_CLASSES,
  LIFECYCLES,
  PAGE_TYPES,
  parseDateValue,
  VALUE_TIERS,
} from "./fields.ts";
import type { DecisionInput } from "./targeting.ts";

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const count = (max: number) =>
  z
    .int({ error: `must be a whole number, 0 to ${max}` })
    .min(0, { error: `must be a whole number, 0 to ${max}` })
    .max(max, { error: `must be a whole number, 0 to ${max}` });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(", ")}` });

/**
 * A made-up visitor, in the typed facts the engine's rules read (decide/fields.ts): what the
 * persona preview decides for instead of a real visitor's profile and session. Every field is
 * optional; what is left out is what a first visit would have.
 */
export const Persona = z.strictObject({
  buyerMode: oneOf(BUYER_MODES).optional(),
  journeyStage: oneOf(JOURNEY_STAGES).optional(),
  segments: z
    .array(
      z.string().regex(/^[a-z0-9_-]{1,40}$/, {
        error: "must be segment names like gift_buyer (a-z, 0-9, _ and -)",
      }),
    )
    .max(10, { error: "at most 10 segments" })
    .optional(),
  lifecycle: oneOf(LIFECYCLES).optional(),
  valueTier: oneOf(VALUE_TIERS).optional(),
  visitCount: count(100_000).optional(),
  orderCount: count(100_000).optional(),
  device: oneOf(DEVICE_CLASSES).optional(),
  channel: oneOf(CHANNELS).optional(),
  campaign: z
    .string()
    .regex(/^[\x20-\x7e]{1,100}$/, { error: "must be 1 to 100 printable ASCII characters" })
    .optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: "must be a two-letter country code like FR" })
    .optional(),
  pageType: oneOf(PAGE_TYPES).optional(),
  pageViews: count(10_000).optional(),
  cartItems: count(100).optional(),
  cartValueCents: count(100_000_000).optional(),
  /** The visitor's local date, YYYY-MM-DD. */
  date: z
    .string()
    .refine((d) => parseDateValue(d)?.kind === "date" && isCalendarDate(d), {
      error: "must be a date like 2026-11-27",
    })
    .optional(),
  localHour: count(23).optional(),
  /** Personalization consent; true unless said otherwise. */
  consent: z.boolean({ error: "must be true or false" }).optional(),
  /** Times each variant was already shown this session, for frequency caps. */
  seen: z
    .record(z.string().regex(ID, { error: "must be variant ids" }), count(1000))
    .refine((r) => Object.keys(r).length <= 10, { error: "at most 10 variants" })
    .optional(),
  /** The id experiments and the holdout bucket on: another id may land in another arm. */
  visitorId: z.string().regex(ID, { error: "must be 1 to 64 letters, digits, _ or -" }).optional(),
});
export type Persona = z.infer<typeof Persona>;

/** A real day: `2026-02-30` parses as March 2nd, so the date must survive a round trip. */
function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

/** The bucketing id of a persona that names none. */
export const PERSONA_VISITOR_ID = "persona-preview";

const HOUR = 3_600_000;

/**
 * The decision input for a persona on a page whose request context `seen` is (URL rules,
 * path): the persona's request facts override the request's, and its profile and session stand
 * in for the visitor's. Pure; the preview and its explanation both decide on this.
 */
export function personaInput(
  persona: Persona,
  seen: RequestContext,
  config: PersonalizationConfig,
): DecisionInput {
  const localHour = persona.localHour ?? seen.localHour;
  // A chosen date is the visitor's local date at their local hour (UTC offset 0); otherwise
  // the request's instant stays and the local hour sets the visitor's offset, as for traffic.
  const now = persona.date ? Date.parse(`${persona.date}T00:00:00Z`) + localHour * HOUR : seen.now;
  const context: RequestContext = {
    ...seen,
    isBot: false,
    device: persona.device ?? seen.device,
    channel: persona.channel ?? seen.channel,
    campaign: persona.campaign ?? seen.campaign,
    country: persona.country ?? seen.country,
    pageType: persona.pageType ?? seen.pageType,
    now,
    localHour,
  };
  const consented = persona.consent ?? true;
  const consent: Consent = consented
    ? { personalization: true, analytics: true, source: "cookie" }
    : { personalization: false, analytics: false, source: "cookie" };
  const visitorId = persona.visitorId ?? PERSONA_VISITOR_ID;
  return {
    context,
    consent,
    visitorId,
    profile: personaProfile(persona, visitorId, now),
    session: personaSession(persona, config, now),
  };
}

function personaProfile(p: Persona, visitorId: string, now: number): Profile {
  const buyerModes = { competitive: 0, methodical: 0, spontaneous: 0, humanistic: 0 };
  if (p.buyerMode) {
    for (const mode of BUYER_MODES) buyerModes[mode] = 0.1;
    buyerModes[p.buyerMode] = 0.7;
  }
  return {
    v: 1,
    visitorId,
    updatedAt: now,
    buyerModes,
    topMode: p.buyerMode ?? null,
    segments: p.segments ?? [],
    lifecycle: p.lifecycle ?? "new",
    valueTier: p.valueTier ?? "none",
    visitCount: p.visitCount ?? 1,
    orderCount: p.orderCount ?? 0,
    categoryAffinity: {},
    brandAffinity: {},
    priceBand: null,
    purchasedProducts: [],
    watchedOutOfStock: [],
  };
}

function personaSession(p: Persona, config: PersonalizationConfig, now: number): SessionState {
  const items = p.cartItems ?? 0;
  const value = p.cartValueCents ?? 0;
  const lines: CartLine[] = Array.from({ length: items }, (_, i) => ({
    productId: `persona-item-${i + 1}`,
    quantity: 1,
    unitPriceCents: Math.round(value / items),
  }));
  const impressions: Record<string, number> = {};
  for (const [variantId, n] of Object.entries(p.seen ?? {})) {
    const slot = config.variants[variantId]?.slot;
    if (slot) impressions[`${slot}:${variantId}`] = n;
  }
  return {
    sessionId: "persona-preview",
    startedAt: now - 10 * 60_000,
    pageViews: p.pageViews ?? 1,
    journeyStage: p.journeyStage ?? (items > 0 ? "cart" : "browse"),
    recentProducts: [],
    cart: { lines, valueCents: value, changedAt: items > 0 ? now - 5 * 60_000 : null },
    impressions,
  };
}
