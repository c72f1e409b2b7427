import { createHash } from "node:crypto";
import { html, jsonScript, type SafeHtml } from "./html.ts";
import type { ShopOrder } from "./orders.ts";

/**
 * The demo shop reports e-commerce steps the way most real shops already do for Google
 * Analytics 4: pushes to `window.dataLayer`. Vitrine's tracker listens to them, so a shop
 * needs no change to report purchases or logins.
 */
export function dataLayerPush(entry: Record<string, unknown>): SafeHtml {
  return html`<script>
    (window.dataLayer = window.dataLayer || []).push(${jsonScript(entry)});
  </script>`;
}

/** Shops hash the customer's e-mail (SHA-256 of the trimmed lowercase address) for `user_id`. */
export function customerHash(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}

export function purchaseEntry(order: ShopOrder): Record<string, unknown> {
  return {
    event: "purchase",
    user_id: customerHash(order.customer.email),
    ecommerce: {
      transaction_id: order.id,
      value: order.totalCents / 100,
      currency: "EUR",
      gift: order.isGift,
      items: order.lines.map((l) => ({
        item_id: l.productId,
        item_name: l.name,
        price: l.unitPriceCents / 100,
        quantity: l.quantity,
      })),
    },
  };
}
