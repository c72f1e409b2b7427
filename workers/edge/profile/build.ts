import type { TrackedEvent } from "../model/events.ts";
import type { Profile } from "../model/profile.ts";
import { DAY, ranked } from "./decay.ts";
import { foldEvents } from "./fold.ts";
import { activityTime, preferences, priceBand } from "./habits.ts";
import { MODE_RULES, readModes, type ModeRules } from "./modes.ts";
import type { ProductLookup } from "./products.ts";
import { SESSION_TIMEOUT, visitsWithin } from "./sessions.ts";
import { emptyProfileState, type ProfileState } from "./state.ts";
import {
  LIFECYCLE_RULES,
  lifecycleOf,
  nextLifecycleChange,
  RFM_RULES,
  rfmOf,
  valueTierOf,
  type LifecycleRules,
  type RfmRules,
} from "./value.ts";

export type ProfileOptions = { modes: ModeRules; lifecycle: LifecycleRules; rfm: RfmRules };
export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = {
  modes: MODE_RULES,
  lifecycle: LIFECYCLE_RULES,
  rfm: RFM_RULES,
};

/** Affinity entries the KV profile carries, and the smallest share worth carrying. */
const AFFINITY_ENTRIES = 12;
const AFFINITY_MIN_SHARE = 0.01;
const LISTED_PRODUCTS = 20;
/**
 * A product is watched once it was found out of stock in this many visits: coming back for it
 * is interest; one glance at a sold-out item is not.
 */
export const WATCH_MIN_VISITS = 2;

/**
 * The segment vocabulary (`profile.segments` in targeting rules):
 * - `returning`: more than one visit; `customer`: at least one order; `repeat_buyer`: two+.
 * - `high_value`: value tier high.
 * - `gift_buyer`: gift score >= 0.5 with gift evidence in the last 365 days.
 * - `cart_abandoner`: added to cart in the last 30 days, no order since, visit over.
 * - `win_back`: the latest visit came after `atRiskAfter` days away (and started in the last
 *   `newFor` days).
 * - `oos_watcher`: came back to products that were out of stock (back-in-stock messages).
 */
export const SEGMENTS = [
  "returning",
  "customer",
  "repeat_buyer",
  "high_value",
  "gift_buyer",
  "cart_abandoner",
  "win_back",
  "oos_watcher",
] as const;
export type Segment = (typeof SEGMENTS)[number];

const GIFT_BUYER_SCORE = 0.5;
const GIFT_MEMORY_DAYS = 365;
const CART_MEMORY_DAYS = 30;

/**
 * How likely the visitor buys for others, 0-1: each piece of evidence leaves a share of
 * doubt (gift order 0.1, gift wrap or shipping elsewhere 0.4, a purchase far from their own
 * interests 0.65, a gift search 0.8), and the score is what is left of certainty.
 */
export function giftScore(g: ProfileState["gift"]): number {
  const doubt = 0.1 ** g.orders * 0.4 ** g.flags * 0.65 ** g.offProfile * 0.8 ** g.searches;
  return Math.round((1 - doubt) * 100) / 100;
}

/** Shares of the decayed total, strongest first, the top few only. */
function affinity(map: Record<string, number>): Record<string, number> {
  const entries = ranked(map);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const out: Record<string, number> = {};
  if (total <= 0) return out;
  for (const [key, w] of entries.slice(0, AFFINITY_ENTRIES)) {
    const share = Math.round((w / total) * 1000) / 1000;
    if (share >= AFFINITY_MIN_SHARE) out[key] = share;
  }
  return out;
}

/**
 * The profile the hot path reads from KV, as of `now`. Pure and cheap (no event is read);
 * the Durable Object calls it after each folded batch. The time-dependent parts (lifecycle,
 * RFM recency, session-level evidence of visits that ended since) follow `now`.
 */
export function toProfile(
  state: ProfileState,
  now: number,
  options: ProfileOptions = DEFAULT_PROFILE_OPTIONS,
): Profile {
  const modes = readModes(state, now, options.modes);
  const rfm = rfmOf(state.orders, now, options.rfm);
  const valueTier = valueTierOf(rfm);
  const visitCount = state.past.visits + state.sessions.length;
  const gift = giftScore(state.gift);
  const segments: Segment[] = [];
  if (visitCount > 1) segments.push("returning");
  if (state.orders.count >= 1) segments.push("customer");
  if (state.orders.count >= 2) segments.push("repeat_buyer");
  if (valueTier === "high") segments.push("high_value");
  if (
    gift >= GIFT_BUYER_SCORE &&
    state.gift.lastAt !== null &&
    now - state.gift.lastAt <= GIFT_MEMORY_DAYS * DAY
  ) {
    segments.push("gift_buyer");
  }
  const cartAt = state.lastCartAt;
  if (
    cartAt !== null &&
    cartAt > (state.orders.lastAt ?? -Infinity) &&
    now - cartAt >= SESSION_TIMEOUT &&
    now - cartAt <= CART_MEMORY_DAYS * DAY
  ) {
    segments.push("cart_abandoner");
  }
  if (cameBack(state, now, options.lifecycle)) segments.push("win_back");
  const watched = state.watched
    .filter(([, visits]) => visits >= WATCH_MIN_VISITS)
    .map(([id]) => id);
  if (watched.length > 0) segments.push("oos_watcher");

  return {
    v: 1,
    visitorId: state.visitorId,
    updatedAt: now,
    buyerModes: modes.scores,
    topMode: modes.topMode,
    segments,
    lifecycle: lifecycleOf(state.firstAt, state.lastAt, now, options.lifecycle),
    valueTier,
    visitCount,
    orderCount: state.orders.count,
    categoryAffinity: affinity(state.categories),
    brandAffinity: affinity(state.brands),
    priceBand: priceBand(state),
    purchasedProducts: state.purchased.slice(0, LISTED_PRODUCTS),
    watchedOutOfStock: watched.slice(0, LISTED_PRODUCTS),
    modeEvidence: modes.evidence,
    explain: modes.explain,
    ...preferences(state, now),
    ...activityTime(state, now),
    firstSeenAt: state.firstAt,
    lastSeenAt: state.lastAt,
    visits30d: visitsWithin(state, now, 30),
    lastOrderAt: state.orders.lastAt,
    totalSpentCents: state.orders.totalCents,
    rfm,
    giftScore: gift,
  };
}

/** The latest visit started after a long absence, recently. */
function cameBack(state: ProfileState, now: number, rules: LifecycleRules): boolean {
  const byStart = [...state.sessions].sort((a, b) => a.start - b.start);
  const latest = byStart.at(-1);
  if (!latest || now - latest.start > rules.newFor * DAY) return false;
  const before = byStart
    .slice(0, -1)
    .reduce<number | null>((end, s) => Math.max(end ?? s.end, s.end), state.past.lastEnd);
  return before !== null && latest.start - before > rules.atRiskAfter * DAY;
}

/** A full rebuild from stored touchpoints (a restart without saved state, an erasure check). */
export function buildProfile(
  events: readonly TrackedEvent[],
  products: ProductLookup,
  now: number,
  visitorId: string,
  options: ProfileOptions = DEFAULT_PROFILE_OPTIONS,
): Profile {
  return toProfile(foldEvents(emptyProfileState(visitorId), events, products), now, options);
}

/**
 * The next moment the profile changes with no new event (a visit ends, the lifecycle or RFM
 * recency crosses a threshold, a segment expires), or null. The Durable Object can set an
 * alarm for it and rewrite KV then, so time-driven facts do not go stale.
 */
export function nextRefreshAt(
  state: ProfileState,
  now: number,
  options: ProfileOptions = DEFAULT_PROFILE_OPTIONS,
): number | null {
  const latestEnd = state.sessions.reduce<number | null>(
    (end, s) => Math.max(end ?? s.end, s.end),
    null,
  );
  const latestStart = state.sessions.reduce<number | null>(
    (start, s) => Math.max(start ?? s.start, s.start),
    null,
  );
  const lastOrder = state.orders.lastAt;
  const candidates = [
    nextLifecycleChange(state.firstAt, state.lastAt, now, options.lifecycle),
    latestEnd === null ? null : latestEnd + SESSION_TIMEOUT,
    state.lastCartAt === null ? null : state.lastCartAt + SESSION_TIMEOUT,
    state.lastCartAt === null ? null : state.lastCartAt + CART_MEMORY_DAYS * DAY + 1,
    latestStart === null ? null : latestStart + options.lifecycle.newFor * DAY + 1,
    state.gift.lastAt === null ? null : state.gift.lastAt + GIFT_MEMORY_DAYS * DAY + 1,
    ...(lastOrder === null ? [] : options.rfm.recencyDays.map((d) => lastOrder + d * DAY + 1)),
  ].filter((t): t is number => t !== null && t > now);
  return candidates.length ? Math.min(...candidates) : null;
}
