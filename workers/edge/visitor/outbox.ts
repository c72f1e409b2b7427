import type { TrackedEvent } from "../model/events.ts";

/**
 * What one flush writes to Turso for one visitor. Built from the Durable Object's own storage,
 * so it is pure and can be retried: every row is keyed (event id, order id, session id,
 * experiment) and session/visitor counters are absolute, never increments. A flush that reached
 * Turso but was not acknowledged is therefore harmless to repeat.
 */
export type FlushPlan = {
  /** Null for an object that only holds consent choices (no touchpoint ever arrived). */
  visitor: VisitorRow | null;
  events: EventRow[];
  sessions: SessionRow[];
  orders: OrderRow[];
  orderLines: OrderLineRow[];
  exposures: ExposureRow[];
  identity: { customerId: string; visitorId: string; linkedAt: number } | null;
  consents: ConsentRow[];
};

/**
 * One consent choice for Turso's append-only audit log. It has no key of its own there, so a
 * repeated flush recognises it by all of its fields (see turso-sink.ts).
 */
export type ConsentRow = {
  visitorId: string;
  personalization: boolean;
  analytics: boolean;
  /** banner, api (see schema `consents.source`) */
  source: string;
  createdAt: number;
};

export type VisitorRow = {
  id: string;
  customerId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  visitCount: number;
  updatedAt: number;
  /** The last profile the object computed (KV holds the hot copy), if any yet. */
  profile: Record<string, unknown> | null;
};

export type EventRow = {
  eventId: string;
  visitorId: string;
  sessionId: string | null;
  type: string;
  occurredAt: number;
  receivedAt: number;
  path: string | null;
  pageType: string | null;
  productId: string | null;
  categoryId: string | null;
  channel: string | null;
  device: string | null;
  valueCents: number | null;
  payload: Record<string, unknown>;
};

/** The Durable Object's running totals of one session (see session-storage.ts). */
export type SessionRow = {
  id: string;
  visitorId: string;
  startedAt: number;
  lastSeenAt: number;
  channel: string;
  campaign: string | null;
  referrer: string | null;
  device: string;
  country: string | null;
  landingPath: string;
  pageViews: number;
};

export type OrderRow = {
  id: string;
  visitorId: string;
  customerId: string | null;
  sessionId: string | null;
  totalCents: number;
  currency: string;
  isGift: boolean;
  createdAt: number;
};
export type OrderLineRow = {
  orderId: string;
  lineNo: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
};
export type ExposureRow = {
  experimentId: string;
  visitorId: string;
  variant: string;
  exposedAt: number;
};

export type StoredTouchpoint = { event: TrackedEvent; receivedAt: number };

const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

/**
 * Turns stored touchpoints (oldest first), the visitor's totals and pending consent choices
 * into rows for Turso. Without visitor facts there can be no touchpoints (storing one records
 * the facts), so only the consent choices are planned.
 */
export function planFlush(input: {
  visitor: VisitorRow | null;
  touchpoints: StoredTouchpoint[];
  sessions: SessionRow[];
  consents?: ConsentRow[];
}): FlushPlan {
  const { visitor } = input;
  const consents = input.consents ?? [];
  if (!visitor) {
    if (input.touchpoints.length || input.sessions.length)
      throw new Error("touchpoints to flush without the visitor they belong to");
    const none = { events: [], sessions: [], orders: [], orderLines: [], exposures: [] };
    return { visitor: null, ...none, identity: null, consents };
  }
  const plan: FlushPlan = {
    visitor,
    events: [],
    sessions: input.sessions,
    orders: [],
    orderLines: [],
    exposures: [],
    identity: visitor.customerId
      ? { customerId: visitor.customerId, visitorId: visitor.id, linkedAt: visitor.updatedAt }
      : null,
    consents,
  };
  const exposed = new Set<string>();
  for (const { event, receivedAt } of input.touchpoints) {
    plan.events.push({
      eventId: event.id,
      visitorId: visitor.id,
      sessionId: event.sessionId,
      type: event.type,
      occurredAt: event.at,
      receivedAt,
      path: event.path,
      pageType: event.pageType,
      productId: event.productId,
      categoryId: event.categoryId,
      channel: event.channel,
      device: event.device,
      valueCents: event.valueCents,
      payload: event.data,
    });
    if (event.type === "purchase") addOrder(plan, event, visitor);
    if (event.type === "page_view" && Array.isArray(event.data.exposures)) {
      for (const e of event.data.exposures as Record<string, unknown>[]) {
        const experimentId = str(e?.experiment);
        const variant = str(e?.arm);
        // The first exposure per experiment wins, here and in Turso (ON CONFLICT DO NOTHING).
        if (!experimentId || !variant || exposed.has(experimentId)) continue;
        exposed.add(experimentId);
        plan.exposures.push({ experimentId, visitorId: visitor.id, variant, exposedAt: event.at });
      }
    }
  }
  return plan;
}

function addOrder(plan: FlushPlan, event: TrackedEvent, visitor: VisitorRow): void {
  const orderId = str(event.data.orderId);
  if (!orderId || plan.orders.some((o) => o.id === orderId)) return;
  const lines = Array.isArray(event.data.lines)
    ? (event.data.lines as Record<string, unknown>[])
    : [];
  plan.orders.push({
    id: orderId,
    visitorId: visitor.id,
    customerId: visitor.customerId,
    sessionId: event.sessionId,
    totalCents: event.valueCents ?? 0,
    currency: str(event.data.currency) ?? "EUR",
    isGift: event.data.gift === true,
    createdAt: event.at,
  });
  lines.forEach((line, i) => {
    const productId = str(line.productId);
    if (!productId) return;
    plan.orderLines.push({
      orderId,
      lineNo: i + 1,
      productId,
      quantity: Number(line.quantity) || 1,
      unitPriceCents: Number(line.unitPriceCents) || 0,
    });
  });
}
