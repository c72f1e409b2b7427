import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { cents, epochMs, jsonText } from "./columns.ts";

/** Shop categories; `parentId` allows a shallow tree (e.g. running > shoes). */
export const categories = sqliteTable("categories", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  parentId: text("parent_id"),
  position: integer("position").notNull().default(0),
});

/** The catalog as the shop publishes it; imported from the origin or the admin API. */
export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull().unique(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    categoryId: text("category_id")
      .notNull()
      .references(() => categories.id),
    brand: text("brand").notNull(),
    priceCents: cents("price_cents").notNull(),
    currency: text("currency").notNull().default("EUR"),
    rating: real("rating").notNull().default(0),
    reviewCount: integer("review_count").notNull().default(0),
    stock: integer("stock").notNull().default(0),
    imageUrl: text("image_url").notNull(),
    description: text("description").notNull().default(""),
    tags: jsonText<string[]>("tags").notNull().default([]),
    /** Products this one complements (accessories, consumables) for lifecycle content. */
    accessoryFor: jsonText<string[]>("accessory_for").notNull().default([]),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [index("products_category_idx").on(t.categoryId), index("products_brand_idx").on(t.brand)],
);
