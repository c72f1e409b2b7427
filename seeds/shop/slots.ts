import type { PageType } from "./urls.ts";

/**
 * Personalization slots: stable element ids the Worker targets with HTMLRewriter (e.g.
 * `#recommendations`). Each renders as `<section id=... class="vt-slot" data-slot=...>` with
 * default content for anonymous visitors, on the pages listed here.
 */
export const SLOTS = {
  hero: { description: "Home page hero: headline, message and call to action", pages: ["home"] },
  "promo-banner": {
    description: "Thin banner under the header: promotion, delivery or loyalty message",
    pages: ["home", "category", "product", "search", "bestsellers", "faq", "cart"],
  },
  recommendations: {
    description: "Product carousel: similar, also bought, recommended for the visitor",
    pages: ["home", "product", "cart", "order", "search"],
  },
  "product-badges": {
    description: "Badges beside the product title: bestseller, top rated, low stock",
    pages: ["product"],
  },
  "product-extras": {
    description: "Under the buy button: trust, delivery, warranty or accessory offers",
    pages: ["product"],
  },
  "cart-offers": {
    description: "In the cart: free-delivery progress, add-ons, coupons",
    pages: ["cart"],
  },
  "checkout-offers": {
    description: "At checkout: last-step incentive, delivery promise, reassurance",
    pages: ["checkout"],
  },
  "help-prompt": {
    description: "Help at every step: FAQ links, contact and response times, chat",
    pages: ["product", "cart", "checkout", "faq", "order"],
  },
  "category-top": {
    description: "Above a listing: category-level message, ranking or guide",
    pages: ["category", "bestsellers"],
  },
  sidebar: {
    description: "Under the listing filters: top rated, recently viewed, hot list",
    pages: ["category", "search"],
  },
} as const satisfies Record<string, { description: string; pages: readonly PageType[] }>;

export type SlotId = keyof typeof SLOTS;
export const SLOT_IDS = Object.keys(SLOTS) as SlotId[];
