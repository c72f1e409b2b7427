/**
 * What the recommender learns from: one visitor touching one item, with how strong the signal
 * is. Views, cart adds and purchases are nested channels: a purchase also counts as a cart add
 * and a view, so "co-view" means "both items were at least looked at".
 */
export const CHANNELS = ["view", "cart", "buy"] as const;
export type Channel = (typeof CHANNELS)[number];

/** 0 = view, 1 = cart, 2 = buy: an interaction belongs to every channel up to its level. */
export type Level = 0 | 1 | 2;

export type Interaction = {
  visitor: string;
  item: string;
  /** Epoch ms when it happened. */
  at: number;
  level: Level;
};

/** The event types the trainer reads; everything else carries no item preference. */
export const TRAINING_EVENT_TYPES = ["product_view", "add_to_cart", "purchase"] as const;

/** An events row as the trainer reads it from Turso. */
export type EventRow = {
  visitorId: string;
  type: string;
  occurredAt: number;
  productId: string | null;
  payload: unknown;
};

/**
 * The interactions in one event: a product view or cart add names its product; a purchase
 * lists its order lines in the payload (`lines[].productId`). Malformed rows yield nothing.
 */
export function interactionsOf(row: EventRow): Interaction[] {
  const base = { visitor: row.visitorId, at: row.occurredAt };
  if (row.type === "product_view" && row.productId)
    return [{ ...base, item: row.productId, level: 0 }];
  if (row.type === "add_to_cart" && row.productId)
    return [{ ...base, item: row.productId, level: 1 }];
  if (row.type !== "purchase") return [];
  const lines = (row.payload as { lines?: unknown } | null)?.lines;
  if (!Array.isArray(lines))
    return row.productId ? [{ ...base, item: row.productId, level: 2 }] : [];
  const items = new Set<string>();
  for (const line of lines) {
    const id = (line as { productId?: unknown } | null)?.productId;
    if (typeof id === "string" && id) items.add(id);
  }
  return [...items].map((item) => ({ ...base, item, level: 2 as const }));
}

/** Level of a CSV `event_type` (eval files); unknown or missing types count as views. */
export function levelOfType(type: string | undefined): Level {
  switch (type) {
    case "purchase":
    case "buy":
    case "transaction":
      return 2;
    case "add_to_cart":
    case "cart":
    case "addtocart":
      return 1;
    default:
      return 0;
  }
}
