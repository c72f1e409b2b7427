import { z } from "zod";
import { PAGE_TYPES } from "../model/context.ts";
import { EVENT_TYPES, type EventData, type TrackedEvent } from "../model/events.ts";

/** Limits of one POST to the events API; generous for a tracker, tight for abuse. */
export const INGEST_LIMITS = {
  bodyBytes: 64 * 1024,
  eventsPerBatch: 50,
  dataKeys: 32,
  arrayItems: 50,
  stringChars: 512,
  /** Client clocks drift; outside this window the server's receive time is used instead. */
  pastSkewMs: 7 * 24 * 3600 * 1000,
  futureSkewMs: 5 * 60 * 1000,
} as const;

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits or _.:-");
const text = z.string().max(INGEST_LIMITS.stringChars);
const cents = z.number().int().min(0).max(1_000_000_000);
const quantity = z.number().int().min(1).max(999);

// Event details: at most two levels deep, bounded in keys, items and characters.
const leaf = z.union([text, z.number().finite(), z.boolean(), z.null()]);
const leafList = z.array(leaf).max(INGEST_LIMITS.arrayItems);
const record = z
  .record(text, z.union([leaf, leafList]))
  .refine(
    (r) => Object.keys(r).length <= INGEST_LIMITS.dataKeys,
    `at most ${INGEST_LIMITS.dataKeys} keys`,
  );
const anyData = z
  .record(
    z.string().max(64),
    z.union([leaf, leafList, record, z.array(record).max(INGEST_LIMITS.arrayItems)]),
  )
  .refine((r) => Object.keys(r).length <= INGEST_LIMITS.dataKeys, {
    message: `at most ${INGEST_LIMITS.dataKeys} keys`,
  });

/** What each event type must carry beyond the common fields (other keys are kept as sent). */
const requiredData: Partial<Record<(typeof EVENT_TYPES)[number], z.ZodType>> = {
  search: z.looseObject({
    query: text,
    sort: text.optional(),
    results: z.number().int().min(0).optional(),
  }),
  filter: z.looseObject({ filters: record }),
  sort: z.looseObject({ sort: text }),
  compare: z.looseObject({ products: z.array(id).min(2).max(10) }),
  add_to_cart: z.looseObject({ quantity: quantity.default(1), unitPriceCents: cents.optional() }),
  remove_from_cart: z.looseObject({ quantity: quantity.default(1) }),
  checkout_step: z.looseObject({ step: z.union([text, z.number().int().min(0).max(20)]) }),
  purchase: z.looseObject({
    orderId: id,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code")
      .default("EUR"),
    gift: z.boolean().default(false),
    lines: z
      .array(z.strictObject({ productId: id, quantity, unitPriceCents: cents }))
      .min(1)
      .max(INGEST_LIMITS.arrayItems),
  }),
  slot_click: z.looseObject({ slot: id, variant: id }),
  // A login carries the shop's customer id already hashed: no raw emails or account numbers.
  login: z.looseObject({
    customer: z.string().regex(/^[a-f0-9]{64}$/, "must be a lowercase SHA-256 hex digest"),
  }),
  consent_change: z.looseObject({ personalization: z.boolean(), analytics: z.boolean() }),
};

const needsProduct = new Set(["product_view", "review_read", "add_to_cart", "remove_from_cart"]);

const IncomingEvent = z
  .strictObject({
    id,
    type: z.enum(EVENT_TYPES),
    at: z.number().int().positive().optional(),
    path: z
      .string()
      .max(2048)
      .startsWith("/")
      // Browsers percent-encode them; a raw NUL would also cut the text short in SQLite.
      .regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters")
      .nullish(),
    pageType: z.enum(PAGE_TYPES).nullish(),
    productId: id.nullish(),
    categoryId: id.nullish(),
    valueCents: cents.nullish(),
    data: anyData.default({}),
  })
  .superRefine((event, ctx) => {
    if (needsProduct.has(event.type) && !event.productId)
      ctx.addIssue({ code: "custom", path: ["productId"], message: `required for ${event.type}` });
    if (event.type === "purchase" && event.valueCents == null)
      ctx.addIssue({ code: "custom", path: ["valueCents"], message: "required for purchase" });
    const specific = requiredData[event.type];
    if (!specific) return;
    const parsed = specific.safeParse(event.data);
    if (parsed.success) event.data = parsed.data as EventData;
    else
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, code: "custom", path: ["data", ...issue.path] });
  });

export const EventBatch = z.strictObject({
  events: z.array(IncomingEvent).min(1).max(INGEST_LIMITS.eventsPerBatch),
});
export type IncomingEvent = z.infer<typeof IncomingEvent>;

/** What the server adds to a client event: the session, device and a trustworthy time. */
export type ServerFacts = {
  sessionId: string;
  device: TrackedEvent["device"];
  now: number;
};

/**
 * Detail keys only the proxy writes (personalize/visit.ts). What a page view showed and to
 * which experiment arms: from a browser they would let anyone pick their own arm (the first
 * exposure wins) or fill experiments and impressions with fake ones. The request facts the
 * proxy observed (campaign, referrer, country): the visitor's object takes the session's
 * attribution and country from the first touchpoint that carries them, so a beacon sent
 * before the first page could credit any campaign with the visit's orders. They are dropped,
 * not refused, so an old or odd tracker does not lose the rest of its batch.
 */
export const SERVER_ONLY_DATA_KEYS: ReadonlySet<string> = new Set([
  "exposures",
  "slots",
  "campaign",
  "referrerHost",
  "country",
]);

/** A client event as the visitor's Durable Object stores it, with the server's facts added. */
export function toTrackedEvent(event: IncomingEvent, facts: ServerFacts): TrackedEvent {
  const at =
    event.at !== undefined &&
    event.at >= facts.now - INGEST_LIMITS.pastSkewMs &&
    event.at <= facts.now + INGEST_LIMITS.futureSkewMs
      ? event.at
      : facts.now;
  return {
    id: event.id,
    type: event.type,
    at,
    sessionId: facts.sessionId,
    path: event.path ?? null,
    pageType: event.pageType ?? null,
    productId: event.productId ?? null,
    categoryId: event.categoryId ?? null,
    // The session's entry channel is known to the visitor's Durable Object, not to a beacon.
    channel: null,
    device: facts.device,
    valueCents: event.valueCents ?? null,
    data: Object.fromEntries(
      Object.entries(event.data).filter(([key]) => !SERVER_ONLY_DATA_KEYS.has(key)),
    ) as EventData,
  };
}
