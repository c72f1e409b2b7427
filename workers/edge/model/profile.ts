import type { Channel, DeviceClass } from "./context.ts";

/**
 * The profile the hot path reads from KV (written by the visitor's Durable Object). Kept small
 * and flat: it is parsed on every personalized page.
 */
export const BUYER_MODES = ["competitive", "methodical", "spontaneous", "humanistic"] as const;
export type BuyerMode = (typeof BUYER_MODES)[number];

export const JOURNEY_STAGES = [
  "browse",
  "consider",
  "cart",
  "checkout",
  "purchased",
  "post_purchase",
] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];

export const LIFECYCLES = ["new", "active", "at_risk", "lapsed"] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];
export const VALUE_TIERS = ["none", "low", "mid", "high"] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** Local parts of the day: night 0-5 h, morning 6-11 h, afternoon 12-17 h, evening 18-23 h. */
export const DAYPARTS = ["night", "morning", "afternoon", "evening"] as const;
export type Daypart = (typeof DAYPARTS)[number];

/** One kind of behaviour behind a buyer mode, e.g. `compare` seen 4 times. */
export type ModeEvidence = { signal: string; count: number };

/** Recency (days since the last order), frequency (orders) and monetary (spend), each 1-5. */
export type Rfm = { r: number; f: number; m: number };

export type Profile = {
  v: 1;
  visitorId: string;
  updatedAt: number;
  /** Scores in [0, 1] that sum to 1 (or all 0 with no evidence yet). */
  buyerModes: Record<BuyerMode, number>;
  topMode: BuyerMode | null;
  /** Named segments the profile belongs to, e.g. gift_buyer, returning, high_value. */
  segments: string[];
  lifecycle: Lifecycle;
  valueTier: ValueTier;
  visitCount: number;
  orderCount: number;
  /** Decayed affinities, highest first, at most a few dozen entries each. */
  categoryAffinity: Record<string, number>;
  brandAffinity: Record<string, number>;
  /** What they look at and buy: robust low/high percentiles of observed prices. */
  priceBand: { lowCents: number; highCents: number; medianCents?: number } | null;
  purchasedProducts: string[];
  watchedOutOfStock: string[];

  // Added by the profile builder (workers/edge/profile/). Optional so profiles written before
  // them, and hand-made ones, stay valid; the builder always fills them.
  /** The strongest evidence per mode (at most 3 each), strongest first. */
  modeEvidence?: Partial<Record<BuyerMode, ModeEvidence[]>>;
  /** One line saying which evidence drove the top mode (or why there is none). */
  explain?: string;
  preferredDevice?: DeviceClass | null;
  preferredChannel?: Channel | null;
  /** When in their local day they are active. */
  daypart?: Daypart | null;
  peakHour?: number | null;
  firstSeenAt?: number | null;
  lastSeenAt?: number | null;
  /** Visits that started in the 30 days before the profile was built. */
  visits30d?: number;
  lastOrderAt?: number | null;
  totalSpentCents?: number;
  rfm?: Rfm | null;
  /** 0-1: how likely they buy for someone else (gift wrap, gift orders, off-profile buys). */
  giftScore?: number;
};

/** `unitPriceCents` is null while neither the event nor the catalog gave the price. */
export type CartLine = { productId: string; quantity: number; unitPriceCents: number | null };

/** What the visitor's Durable Object answers the hot path with. */
export type SessionState = {
  sessionId: string;
  startedAt: number;
  pageViews: number;
  journeyStage: JourneyStage;
  /** Product ids viewed in this and recent sessions, most recent first. */
  recentProducts: string[];
  /** `valueCents` is null while a line's price is unknown: rules on the value match nothing. */
  cart: { lines: CartLine[]; valueCents: number | null; changedAt: number | null };
  /** How often each slot variant was shown (for frequency caps), keyed `slot:variant`. */
  impressions: Record<string, number>;
};
