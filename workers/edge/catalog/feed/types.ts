/** Stock states a shop's feed can state; stored as-is in `products.availability`. */
export const AVAILABILITIES = ["in_stock", "out_of_stock", "preorder", "backorder"] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export const FEED_FORMATS = [
  "gmc-xml",
  "gmc-tsv",
  "shopify",
  "woocommerce",
  "json",
  "ndjson",
] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/** One product as any feed describes it, before it meets the stored catalog. */
export type FeedProduct = {
  id: string;
  title: string;
  /** The shop's own product page. */
  url: string | null;
  /** The shop's own slug when the feed has one (Shopify handle, WooCommerce slug). */
  slug: string | null;
  sku: string | null;
  /** What a buyer pays now, in minor units (the sale price while on sale). */
  priceCents: number;
  /** The regular price while on sale; null otherwise. */
  listPriceCents: number | null;
  currency: string;
  availability: Availability;
  /** A count when the feed gives one; most feeds only say whether it is available. */
  quantity: number | null;
  imageUrl: string;
  brand: string;
  description: string;
  /** The shop's category path, root first; the last entry is the product's category. */
  categoryPath: string[];
  /** A stored category id (Vitrine's own shape only); wins over `categoryPath`. */
  categoryId: string | null;
  /** item_group_id: variants sharing it are folded into one product with this id. */
  groupId: string | null;
  /** Feed items folded into this product. */
  variantIds: string[];
  /** Vitrine's own shape may carry these; other feeds leave the stored values alone. */
  extra?: {
    tags?: string[];
    accessoryFor?: string[];
    rating?: number;
    reviewCount?: number;
  };
};

/**
 * A row that could not be imported. `line` is the line in the feed text where the row starts
 * (TSV, NDJSON, XML), null for JSON documents; `item` is its 1-based position in the feed.
 * `id` is set when the row's id could still be read: that product is then kept as stored.
 */
export type FeedError = {
  line: number | null;
  item: number;
  field: string;
  message: string;
  id?: string;
};

/** Where a parser sends what it reads, one row at a time. */
export type FeedSink = {
  product(p: FeedProduct): void;
  error(e: FeedError): void;
};

/** A push parser: feed it text in chunks of any size, then end it. */
export type FeedParser = {
  write(chunk: string): void;
  end(): void;
};

export type ParseOptions = {
  /** Currency for feeds that carry none (Shopify's products.json); default EUR. */
  currency?: string;
  /** The shop's origin, to make product URLs absolute (Shopify handles, relative links). */
  baseUrl?: string;
};

/** A row-level problem; parsers turn it into a FeedError with the row's position. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
