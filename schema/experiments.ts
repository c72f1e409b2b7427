import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs, jsonText } from "./columns.ts";

export const experiments = sqliteTable("experiments", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** draft, running, stopped */
  status: text("status").notNull(),
  /** Variants with weights, goals; the authoritative copy is in the published config. */
  definition: jsonText<Record<string, unknown>>("definition").notNull(),
  createdAt: epochMs("created_at").notNull(),
  updatedAt: epochMs("updated_at").notNull(),
});

/** First exposure of a visitor to an experiment: one row, whatever the number of page views. */
export const exposures = sqliteTable(
  "exposures",
  {
    experimentId: text("experiment_id").notNull(),
    visitorId: text("visitor_id").notNull(),
    variant: text("variant").notNull(),
    exposedAt: epochMs("exposed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.visitorId] }),
    index("exposures_variant_idx").on(t.experimentId, t.variant),
  ],
);
