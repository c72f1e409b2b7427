import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, jsonText } from "./columns.ts";

/**
 * One row per pseudonymous visitor id (the signed first-party cookie value).
 * `profile` is the last profile the visitor's Durable Object computed; KV holds the hot copy.
 */
export const visitors = sqliteTable(
  "visitors",
  {
    id: text("id").primaryKey(),
    customerId: text("customer_id"),
    firstSeenAt: epochMs("first_seen_at").notNull(),
    lastSeenAt: epochMs("last_seen_at").notNull(),
    visitCount: integer("visit_count").notNull().default(0),
    profile: jsonText<Record<string, unknown>>("profile"),
    profileVersion: integer("profile_version").notNull().default(0),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [index("visitors_customer_idx").on(t.customerId)],
);

/** A logged-in customer: the single customer view that several visitors (devices) merge into. */
export const customers = sqliteTable("customers", {
  /** Hash of the shop's customer id: no raw emails or account numbers are stored. */
  id: text("id").primaryKey(),
  createdAt: epochMs("created_at").notNull(),
  lastSeenAt: epochMs("last_seen_at").notNull(),
  segment: jsonText<Record<string, unknown>>("segment"),
});

/** Login -> visitor links used to stitch devices and sessions into one customer. */
export const identities = sqliteTable(
  "identities",
  {
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    visitorId: text("visitor_id").notNull(),
    linkedAt: epochMs("linked_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.visitorId] }),
    index("identities_visitor_idx").on(t.visitorId),
  ],
);

/** Visits: a session ends after inactivity; it carries the entry context of the visit. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    visitorId: text("visitor_id").notNull(),
    startedAt: epochMs("started_at").notNull(),
    lastSeenAt: epochMs("last_seen_at").notNull(),
    channel: text("channel").notNull(),
    campaign: text("campaign"),
    referrer: text("referrer"),
    device: text("device").notNull(),
    country: text("country"),
    landingPath: text("landing_path").notNull(),
    pageViews: integer("page_views").notNull().default(0),
  },
  (t) => [index("sessions_visitor_idx").on(t.visitorId, t.startedAt)],
);

/** Consent audit log: append-only, the newest row per visitor is in force. */
export const consents = sqliteTable(
  "consents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    visitorId: text("visitor_id").notNull(),
    necessary: integer("necessary", { mode: "boolean" }).notNull().default(true),
    personalization: integer("personalization", { mode: "boolean" }).notNull(),
    analytics: integer("analytics", { mode: "boolean" }).notNull(),
    /** banner, api, gpc (Sec-GPC header), admin */
    source: text("source").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("consents_visitor_idx").on(t.visitorId, t.createdAt)],
);

/** Notes any department leaves on a customer (service, marketing, finance...). */
export const annotations = sqliteTable(
  "annotations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subjectId: text("subject_id").notNull(),
    department: text("department").notNull(),
    author: text("author").notNull(),
    body: text("body").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("annotations_subject_idx").on(t.subjectId, t.createdAt)],
);
