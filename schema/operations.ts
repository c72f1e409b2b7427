import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, jsonText } from "./columns.ts";

/** Every published personalization config, for audit and one-step rollback. */
export const configVersions = sqliteTable("config_versions", {
  version: integer("version").primaryKey(),
  config: jsonText<Record<string, unknown>>("config").notNull(),
  author: text("author").notNull(),
  note: text("note"),
  createdAt: epochMs("created_at").notNull(),
  publishedAt: epochMs("published_at"),
});

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

export const trainingRuns = sqliteTable(
  "training_runs",
  {
    id: text("id").primaryKey(),
    job: text("job").notNull(),
    startedAt: epochMs("started_at").notNull(),
    finishedAt: epochMs("finished_at"),
    /** running, succeeded, failed, partial (continues next run) */
    status: text("status").notNull(),
    watermarkFrom: integer("watermark_from").notNull(),
    watermarkTo: integer("watermark_to"),
    eventsRead: integer("events_read").notNull().default(0),
    modelVersion: text("model_version"),
    metrics: jsonText<Record<string, number>>("metrics"),
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
