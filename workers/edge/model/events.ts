import type { Channel, DeviceClass, PageType } from "./context.ts";

/** Every touchpoint Vitrine understands, from the injected tracker, SPAs or the proxy itself. */
export const EVENT_TYPES = [
  "page_view",
  "product_view",
  "search",
  "filter",
  "sort",
  "compare",
  "review_read",
  "add_to_cart",
  "remove_from_cart",
  "checkout_step",
  "purchase",
  "promo_click",
  "slot_click",
  "faq_open",
  "help_open",
  "chat_open",
  "newsletter_signup",
  "consent_change",
  "login",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Event details are at most two levels deep (e.g. order lines, filters). Kept non-recursive so
 * they cross Durable Object RPC with precise types.
 */
export type JsonLeaf = string | number | boolean | null;
type JsonRecord = Record<string, JsonLeaf | JsonLeaf[]>;
export type EventData = Record<string, JsonLeaf | JsonLeaf[] | JsonRecord | JsonRecord[]>;

/** One touchpoint as the visitor's Durable Object stores it. */
export type TrackedEvent = {
  /** Client-chosen id: a retried batch carries the same ids and is counted once. */
  id: string;
  type: EventType;
  at: number;
  sessionId: string | null;
  path: string | null;
  pageType: PageType | null;
  productId: string | null;
  categoryId: string | null;
  channel: Channel | null;
  device: DeviceClass | null;
  valueCents: number | null;
  /** Type-specific details: quantity and price, query, filters, sort key, step, order lines... */
  data: EventData;
};
