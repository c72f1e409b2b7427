import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { cents, epochMs, jsonText } from "./columns.ts";

/**
 * Touchpoints. `seq` is the ingestion order and the trainer's watermark;
 * (visitor_id, event_id) makes every client event idempotent.
 */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    eventId: text("event_id").notNull(),
    visitorId: text("visitor_id").notNull(),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    occurredAt: epochMs("occurred_at").notNull(),
    receivedAt: epochMs("received_at").notNull(),
    path: text("path"),
    pageType: text("page_type"),
    productId: text("product_id"),
    categoryId: text("category_id"),
    channel: text("channel"),
    device: text("device"),
    valueCents: cents("value_cents"),
    payload: jsonText<Record<string, unknown>>("payload").notNull().default({}),
  },
  (t) => [
    uniqueIndex("events_visitor_event_uq").on(t.visitorId, t.eventId),
    index("events_occurred_idx").on(t.occurredAt),
    index("events_product_idx").on(t.productId),
  ],
);

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    visitorId: text("visitor_id").notNull(),
    customerId: text("customer_id"),
    sessionId: text("session_id"),
    totalCents: cents("total_cents").notNull(),
    currency: text("currency").notNull().default("EUR"),
    isGift: integer("is_gift", { mode: "boolean" }).notNull().default(false),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [
    index("orders_visitor_idx").on(t.visitorId, t.createdAt),
    index("orders_customer_idx").on(t.customerId),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    lineNo: integer("line_no").notNull(),
    productId: text("product_id").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceCents: cents("unit_price_cents").notNull(),
  },
  (t) => [
    uniqueIndex("order_lines_pk").on(t.orderId, t.lineNo),
    index("order_lines_product_idx").on(t.productId),
  ],
);
