import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, jsonText } from "./columns.ts";

/** Every published personalization config, for audit and one-step rollback. */
export const configVersions = sqliteTable("config_versions", {
  version: integer("version").primaryKey(),
  config: jsonText<Record<string, unknown>>("config").notNull(),
  author: text("author").notNull(),
  /** Why this version was made (the publish message). */
  note: text("note"),
  createdAt: epochMs("created_at").notNull(),
  /** When it last became the active version; null while a draft or scheduled. */
  publishedAt: epochMs("published_at"),
  /** When the cron is to make it active; null once published or cancelled. */
  scheduledAt: epochMs("scheduled_at"),
});

/**
 * Every change to which config is served: publish, schedule, a scheduled publish coming due,
 * cancel, rollback. Who did it and why, append-only (a version's own row keeps its first message).
 */
export const configActions = sqliteTable(
  "config_actions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    version: integer("version").notNull(),
    /** publish, schedule, scheduled_publish, cancel, rollback, draft */
    action: text("action").notNull(),
    author: text("author").notNull(),
    message: text("message"),
    at: epochMs("at").notNull(),
  },
  (t) => [index("config_actions_at_idx").on(t.at)],
);

/** Recommendation models the trainer produced; `status` says whether KV serves it. */
export const modelVersions = sqliteTable("model_versions", {
  version: text("version").primaryKey(),
  /** published, rejected (worse offline), rolled_back, superseded */
  status: text("status").notNull(),
  kvPrefix: text("kv_prefix").notNull(),
  items: integer("items").notNull(),
  metrics: jsonText<Record<string, number>>("metrics").notNull(),
  createdAt: epochMs("created_at").notNull(),
});

/** A run's numbers, and `warnings` when it published something degenerate (status degraded). */
export type RunMetrics = Record<string, number | string[]>;

export const trainingRuns = sqliteTable(
  "training_runs",
  {
    id: text("id").primaryKey(),
    job: text("job").notNull(),
    startedAt: epochMs("started_at").notNull(),
    finishedAt: epochMs("finished_at"),
    /** running, succeeded, degraded (published, with warnings), failed, partial (continues next run), skipped */
    status: text("status").notNull(),
    watermarkFrom: integer("watermark_from").notNull(),
    watermarkTo: integer("watermark_to"),
    eventsRead: integer("events_read").notNull().default(0),
    modelVersion: text("model_version"),
    metrics: jsonText<RunMetrics>("metrics"),
    error: text("error"),
  },
  (t) => [index("training_runs_job_idx").on(t.job, t.startedAt)],
);

/** Small named cursors (e.g. the trainer's event watermark) that survive between cron runs. */
export const jobState = sqliteTable("job_state", {
  name: text("name").primaryKey(),
  value: jsonText<Record<string, unknown>>("value").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});

/**
 * The trainer's running item-pair weights: per channel (co-view, co-cart, co-purchase) the
 * number of visitor windows in which both items occurred, forward-decayed (each increment is
 * scaled by exp((t - epoch) / tau), so old and new counts add up without rewriting rows).
 * One row per unordered pair, `item_a < item_b`.
 */
export const itemPairs = sqliteTable(
  "item_pairs",
  {
    itemA: text("item_a").notNull(),
    itemB: text("item_b").notNull(),
    view: real("view").notNull().default(0),
    cart: real("cart").notNull().default(0),
    buy: real("buy").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.itemA, t.itemB] })],
);

/** Per-item forward-decayed counts of visitor windows, per channel: the popularity damping. */
export const itemStats = sqliteTable("item_stats", {
  itemId: text("item_id").primaryKey(),
  view: real("view").notNull().default(0),
  cart: real("cart").notNull().default(0),
  buy: real("buy").notNull().default(0),
});

/**
 * Segments the nightly job recomputes for every buyer (a customer, or a visitor who bought
 * without logging in): RFM quintiles against the whole population, value tier, lifecycle.
 */
export const segments = sqliteTable(
  "segments",
  {
    subjectId: text("subject_id").primaryKey(),
    /** customer or visitor */
    subjectKind: text("subject_kind").notNull(),
    recency: integer("recency").notNull(),
    frequency: integer("frequency").notNull(),
    monetary: integer("monetary").notNull(),
    valueTier: text("value_tier").notNull(),
    lifecycle: text("lifecycle").notNull(),
    giftBuyer: integer("gift_buyer", { mode: "boolean" }).notNull().default(false),
    orders: integer("orders").notNull(),
    spentCents: integer("spent_cents").notNull(),
    lastOrderAt: epochMs("last_order_at").notNull(),
    computedAt: epochMs("computed_at").notNull(),
  },
  (t) => [index("segments_tier_idx").on(t.valueTier, t.lifecycle)],
);
