/** What one request tells us about the visit, before any stored data is read. */
export const DEVICE_CLASSES = ["mobile", "tablet", "desktop"] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const CHANNELS = ["search", "social", "email", "paid", "direct", "referral"] as const;
export type Channel = (typeof CHANNELS)[number];

export const PAGE_TYPES = [
  "home",
  "category",
  "product",
  "search",
  "cart",
  "checkout",
  "order",
  "bestsellers",
  "faq",
  "other",
] as const;
export type PageType = (typeof PAGE_TYPES)[number];

export type RequestContext = {
  /** Path and query of the public URL (no host: the host is not an input to decisions). */
  path: string;
  query: Record<string, string>;
  device: DeviceClass;
  isBot: boolean;
  country: string | null;
  region: string | null;
  channel: Channel;
  campaign: string | null;
  referrerHost: string | null;
  pageType: PageType;
  productId: string | null;
  categoryId: string | null;
  /** Epoch ms of the request and the visitor's local hour (from request.cf timezone). */
  now: number;
  localHour: number;
};

export const CONSENT_STATE_SOURCES = ["cookie", "gpc", "default", "cmp", "cmp-pending"] as const;
export type ConsentSource = (typeof CONSENT_STATE_SOURCES)[number];

/** Consent tiers: `necessary` is always true; the rest are the visitor's choice. */
export type Consent = {
  personalization: boolean;
  analytics: boolean;
  /**
   * Where the state came from: a choice in Vitrine's banner (cookie), the GPC signal, no choice
   * yet (default), the shop's consent manager (cmp), or no answer from it yet (cmp-pending).
   */
  source: ConsentSource;
};
