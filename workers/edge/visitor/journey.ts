import type { TrackedEvent } from "../model/events.ts";
import type { CartLine, JourneyStage, SessionState } from "../model/profile.ts";

const RECENT_PRODUCTS = 20;
/** After a purchase, later sessions are post-purchase for this long (accessories, care content). */
const POST_PURCHASE_MS = 30 * 24 * 3600 * 1000;

/** What the Durable Object keeps between events, beyond the raw touchpoints. */
export type JourneyState = {
  session: SessionState;
  lastPurchaseAt: number | null;
};

export function emptyJourney(sessionId: string, now: number): JourneyState {
  return { session: freshSession(sessionId, now, null), lastPurchaseAt: null };
}

function freshSession(sessionId: string, now: number, carried: SessionState | null): SessionState {
  return {
    sessionId,
    startedAt: now,
    pageViews: 0,
    journeyStage: "browse",
    // Recently viewed products and the cart outlive a session: the journey continues.
    recentProducts: carried?.recentProducts ?? [],
    cart: carried?.cart ?? { lines: [], valueCents: 0, changedAt: null },
    impressions: {},
  };
}

/**
 * A page view's shown slots corrected after the page (it lacked a slot that was planned for
 * it): the session's impressions, which frequency caps read, count what was really shown.
 */
export function reviseImpressions(
  state: JourneyState,
  before: TrackedEvent,
  after: TrackedEvent,
): JourneyState {
  if (before.sessionId !== state.session.sessionId) return state;
  let session = countImpressions(state.session, impressionsOf(before), -1);
  session = countImpressions(session, impressionsOf(after), 1);
  return { ...state, session };
}

/** `slot:variant` for each slot a page view showed. */
function impressionsOf(event: TrackedEvent): string[] {
  const slots = Array.isArray(event.data.slots) ? event.data.slots : [];
  return (slots as { slot?: unknown; variant?: unknown }[])
    .filter((s) => typeof s.slot === "string" && typeof s.variant === "string")
    .map((s) => `${s.slot as string}:${s.variant as string}`);
}

function countImpressions(session: SessionState, keys: string[], by: 1 | -1): SessionState {
  if (!keys.length) return session;
  const impressions = { ...session.impressions };
  for (const key of keys) {
    const n = (impressions[key] ?? 0) + by;
    if (n > 0) impressions[key] = n;
    else delete impressions[key];
  }
  return { ...session, impressions };
}

/** Starts a new session when the session id changed; the cart and recent products carry over. */
export function enterSession(state: JourneyState, sessionId: string, now: number): JourneyState {
  if (state.session.sessionId === sessionId) return state;
  const session = freshSession(sessionId, now, state.session);
  return {
    ...state,
    session: { ...session, journeyStage: stageOf(session, state.lastPurchaseAt, now, false) },
  };
}

/** A product's price in cents as the published catalog lists it; undefined when unknown. */
export type PriceLookup = (productId: string) => number | undefined;

const noPrices: PriceLookup = () => undefined;

/**
 * Folds one event into the journey. Pure, so the same events always give the same stage, and
 * replaying a stored journey after a restart rebuilds the same state. `priceOf` prices a cart
 * line the event itself does not (see changeCart).
 */
export function applyEvent(
  state: JourneyState,
  event: TrackedEvent,
  priceOf: PriceLookup = noPrices,
): JourneyState {
  const entered = event.sessionId ? enterSession(state, event.sessionId, event.at) : state;
  let session: SessionState = entered.session;
  let lastPurchaseAt = entered.lastPurchaseAt;
  let checkoutSeen = session.journeyStage === "checkout";

  if (event.type === "page_view") {
    session = { ...session, pageViews: session.pageViews + 1 };
    session = countImpressions(session, impressionsOf(event), 1);
    if (event.pageType === "checkout") checkoutSeen = true;
  }
  if (
    event.productId &&
    (event.type === "product_view" || (event.type === "page_view" && event.pageType === "product"))
  ) {
    const recent = [
      event.productId,
      ...session.recentProducts.filter((id) => id !== event.productId),
    ];
    session = { ...session, recentProducts: recent.slice(0, RECENT_PRODUCTS) };
  }
  if (event.type === "add_to_cart" || event.type === "remove_from_cart") {
    session = { ...session, cart: changeCart(session.cart.lines, event, priceOf) };
  }
  if (event.type === "checkout_step") checkoutSeen = true;
  if (event.type === "purchase") {
    lastPurchaseAt = event.at;
    session = { ...session, cart: { lines: [], valueCents: 0, changedAt: event.at } };
  }
  const journeyStage =
    event.type === "purchase"
      ? "purchased"
      : stageOf(session, lastPurchaseAt, event.at, checkoutSeen, event);
  return { session: { ...session, journeyStage }, lastPurchaseAt };
}

/**
 * A line's unit price: the event's own (`data.unitPriceCents`, else its `valueCents`, which is
 * price x quantity), else the catalog's. A price nobody knows stays null, and so does the cart
 * value: a rule on the value then matches nothing, rather than taking the cart for empty.
 */
function changeCart(
  lines: CartLine[],
  event: TrackedEvent,
  priceOf: PriceLookup,
): SessionState["cart"] {
  // Lines added while no price was known get one as soon as the catalog has it.
  const priced = lines.map((l) =>
    l.unitPriceCents === null ? { ...l, unitPriceCents: priceOf(l.productId) ?? null } : l,
  );
  const productId =
    event.productId ?? (typeof event.data.productId === "string" ? event.data.productId : null);
  if (!productId) return { lines: priced, valueCents: cartValue(priced), changedAt: event.at };
  const quantity = positiveInt(event.data.quantity) ?? 1;
  let next: CartLine[];
  if (event.type === "add_to_cart") {
    const price = unitPriceOf(event) ?? priceOf(productId) ?? null;
    next = priced.some((l) => l.productId === productId)
      ? priced.map((l) =>
          l.productId === productId
            ? { ...l, quantity: l.quantity + quantity, unitPriceCents: price ?? l.unitPriceCents }
            : l,
        )
      : [...priced, { productId, quantity, unitPriceCents: price }];
  } else {
    next = priced
      .map((l) => (l.productId === productId ? { ...l, quantity: l.quantity - quantity } : l))
      .filter((l) => l.quantity > 0);
  }
  return { lines: next, valueCents: cartValue(next), changedAt: event.at };
}

/** The unit price an add_to_cart event carries itself; null when it carries none. */
export function unitPriceOf(event: TrackedEvent): number | null {
  const unit = positiveInt(event.data.unitPriceCents);
  if (unit !== null) return unit;
  const total = positiveInt(event.valueCents);
  return total === null ? null : Math.round(total / (positiveInt(event.data.quantity) ?? 1));
}

/** Whether folding `events` needs catalog prices: a cart line or an add without its own. */
export function needsPrices(state: JourneyState, events: readonly TrackedEvent[]): boolean {
  return (
    state.session.cart.lines.some((l) => l.unitPriceCents === null) ||
    events.some((e) => e.type === "add_to_cart" && unitPriceOf(e) === null)
  );
}

/** The cart's value in cents; null while any line's price is unknown. */
function cartValue(lines: CartLine[]): number | null {
  let sum = 0;
  for (const l of lines) {
    if (l.unitPriceCents === null) return null;
    sum += l.quantity * l.unitPriceCents;
  }
  return sum;
}

function positiveInt(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}

/** The furthest stage the current session has reached (checkout > cart > consider > browse). */
function stageOf(
  session: SessionState,
  lastPurchaseAt: number | null,
  now: number,
  checkoutSeen: boolean,
  event?: TrackedEvent,
): JourneyStage {
  const hasCart = session.cart.lines.length > 0;
  if (checkoutSeen && hasCart) return "checkout";
  if (hasCart) return "cart";
  if (session.journeyStage === "purchased" && event?.type !== "add_to_cart") return "purchased";
  if (
    lastPurchaseAt !== null &&
    now - lastPurchaseAt < POST_PURCHASE_MS &&
    session.startedAt > lastPurchaseAt
  ) {
    return "post_purchase";
  }
  const considering =
    session.recentProducts.length >= 2 ||
    event?.type === "compare" ||
    event?.type === "review_read" ||
    session.journeyStage === "consider";
  return considering ? "consider" : "browse";
}
