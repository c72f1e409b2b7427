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
    /** What a buyer pays now: the sale price while a sale runs. */
    priceCents: cents("price_cents").notNull(),
    /** The regular price while on sale (shown struck through); null when not on sale. */
    listPriceCents: cents("list_price_cents"),
    currency: text("currency").notNull().default("EUR"),
    rating: real("rating").notNull().default(0),
    reviewCount: integer("review_count").notNull().default(0),
    stock: integer("stock").notNull().default(0),
    /** As the shop's feed says: in_stock, out_of_stock, preorder or backorder. */
    availability: text("availability", {
      enum: ["in_stock", "out_of_stock", "preorder", "backorder"],
    })
      .notNull()
      .default("in_stock"),
    /** The shop's own product page (absolute URL) when imported from a feed. */
    url: text("url"),
    imageUrl: text("image_url").notNull(),
    description: text("description").notNull().default(""),
    tags: jsonText<string[]>("tags").notNull().default([]),
    /** Products this one complements (accessories, consumables) for lifecycle content. */
    accessoryFor: jsonText<string[]>("accessory_for").notNull().default([]),
    /** Feed items (variants) folded into this product when the feed groups them (item_group_id). */
    variantIds: jsonText<string[]>("variant_ids").notNull().default([]),
    /**
     * Set when the product left the shop's feed: kept for history (orders, events), never
     * recommended again; cleared if it comes back.
     */
    hiddenAt: epochMs("hidden_at"),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
  },
  (t) => [index("products_category_idx").on(t.categoryId), index("products_brand_idx").on(t.brand)],
);
