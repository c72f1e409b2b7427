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
  priceBand: { lowCents: number; highCents: number } | null;
  purchasedProducts: string[];
  watchedOutOfStock: string[];
};

export type CartLine = { productId: string; quantity: number; unitPriceCents: number };

/** What the visitor's Durable Object answers the hot path with. */
export type SessionState = {
  sessionId: string;
  startedAt: number;
  pageViews: number;
  journeyStage: JourneyStage;
  /** Product ids viewed in this and recent sessions, most recent first. */
  recentProducts: string[];
  cart: { lines: CartLine[]; valueCents: number; changedAt: number | null };
  /** How often each slot variant was shown (for frequency caps), keyed `slot:variant`. */
  impressions: Record<string, number>;
};
