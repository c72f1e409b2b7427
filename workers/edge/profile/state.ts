import type { Channel, DeviceClass } from "../model/context.ts";
import type { SignalId } from "./signals.ts";

/**
 * Caps that keep the state small whatever the visitor does (the Durable Object stores it as
 * one JSON value): under 12 KB for 10k noisy events (fold.test.ts); the whole demo shop's
 * traffic replayed as one visitor gives 10 KB, a typical seeded visitor 1-5 KB.
 */
export const CAPS = {
  /** Category and brand affinity maps: the weakest entry goes past these. */
  categories: 24,
  brands: 32,
  /** The most recent price observations (view, cart, purchase) the price band is read from. */
  prices: 48,
  /** Visits kept in detail; older ones are folded into `past`. */
  sessions: 20,
  /** Dedupe keys kept per visit (sort/filter/search repeats). */
  keysPerSession: 24,
  /** Times one event signal counts per visit: a burst of 30 filter clicks is one habit. */
  signalPerSession: 3,
  purchased: 50,
  watched: 20,
  orderIds: 20,
} as const;

/** A visit, in just enough detail for session-level evidence and habits. */
export type SessionSummary = {
  id: string;
  start: number;
  end: number;
  /** Page views (page_view events). */
  pages: number;
  /** Product views (deduplicated page_view + product_view of the same product). */
  views: number;
  /** Of those, views of products in their category's top sellers (see TOP_RANK). */
  topViews: number;
  events: number;
  device: DeviceClass | null;
  /** The channel of the visit's earliest event that had one (its landing). */
  channel: Channel | null;
  channelAt: number | null;
  /** First add-to-cart of the visit. */
  cartAt: number | null;
  purchased: boolean;
  /** Gift wrap / gift message / shipping elsewhere seen at checkout. */
  giftFlag: boolean;
  /** Explicit sort/filter events arrived: listing URLs are not counted a second time. */
  explicitListing: boolean;
  /** Hashes of dedupe keys already counted this visit. */
  seen: number[];
  /** How often each event signal counted this visit (for the per-visit cap). */
  sig: Partial<Record<SignalId, number>>;
};

/**
 * Evidence for one signal: raw count (for explanations), points (weight counted, not decayed:
 * how much evidence there is) and forward-decayed weight (how much it counts now).
 */
export type SignalTally = { n: number; p: number; w: number };

/**
 * Everything the builder keeps between events. Plain JSON (no Maps, no undefined), so the
 * Durable Object can store it as is and a restored state folds on exactly like the original.
 * Weights are forward-decayed from `epoch` (see decay.ts).
 */
export type ProfileState = {
  v: 1;
  visitorId: string;
  epoch: number | null;
  firstAt: number | null;
  lastAt: number | null;
  events: number;
  /** Local hour minus UTC hour, learnt from events that carry `data.localHour`. */
  tzOffsetH: number | null;
  categories: Record<string, number>;
  brands: Record<string, number>;
  /** Event-level and archived session-level buyer-mode evidence. */
  evidence: Partial<Record<SignalId, SignalTally>>;
  /** Activity per UTC hour (habits decay). */
  hours: number[];
  /** Recent price observations as [cents, weight]. */
  prices: [number, number][];
  sessions: SessionSummary[];
  /** Visits folded out of `sessions`. */
  past: {
    visits: number;
    lastEnd: number | null;
    devices: Record<string, number>;
    channels: Record<string, number>;
  };
  orders: {
    count: number;
    totalCents: number;
    firstAt: number | null;
    lastAt: number | null;
    ids: string[];
  };
  lastCartAt: number | null;
  gift: {
    orders: number;
    flags: number;
    offProfile: number;
    searches: number;
    lastAt: number | null;
  };
  /** Product views so far (gates the off-profile gift inference). */
  productViews: number;
  /** Most recent first. */
  purchased: string[];
  /** Products seen out of stock: [id, visits it was seen in, last such visit], latest first. */
  watched: [string, number, string][];
  /** The last product view, so a page_view and product_view of the same page count once. */
  lastView: { key: string; at: number } | null;
};

export function emptyProfileState(visitorId: string): ProfileState {
  return {
    v: 1,
    visitorId,
    epoch: null,
    firstAt: null,
    lastAt: null,
    events: 0,
    tzOffsetH: null,
    categories: {},
    brands: {},
    evidence: {},
    hours: Array.from({ length: 24 }, () => 0),
    prices: [],
    sessions: [],
    past: { visits: 0, lastEnd: null, devices: {}, channels: {} },
    orders: { count: 0, totalCents: 0, firstAt: null, lastAt: null, ids: [] },
    lastCartAt: null,
    gift: { orders: 0, flags: 0, offProfile: 0, searches: 0, lastAt: null },
    productViews: 0,
    purchased: [],
    watched: [],
    lastView: null,
  };
}
