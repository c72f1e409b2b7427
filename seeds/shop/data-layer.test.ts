import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { customerHash, dataLayerPush, purchaseEntry } from "./data-layer.ts";
import type { ShopOrder } from "./orders.ts";

const order: ShopOrder = {
  id: "ord_42",
  createdAt: 0,
  lines: [
    {
      productId: "p-0007",
      name: "Kettle </script><b>",
      slug: "kettle",
      quantity: 2,
      unitPriceCents: 1250,
    },
  ],
  subtotalCents: 2500,
  shippingCents: 0,
  totalCents: 2500,
  isGift: true,
  customer: {
    name: "Ann",
    email: " Ann@Example.com ",
    address: "x",
    city: "y",
    postalCode: "1",
    country: "PL",
  },
  shipping: "standard",
  payment: "card",
};

describe("demo shop dataLayer", () => {
  it("reports a purchase GA4-style with a hashed customer id, never the e-mail", () => {
    const entry = purchaseEntry(order);
    expect(entry).toMatchObject({
      event: "purchase",
      user_id: createHash("sha256").update("ann@example.com").digest("hex"),
      ecommerce: {
        transaction_id: "ord_42",
        value: 25,
        gift: true,
        items: [{ item_id: "p-0007", quantity: 2, price: 12.5 }],
      },
    });
    expect(JSON.stringify(entry)).not.toMatch(/example\.com/i);
    expect(customerHash("ANN@example.com")).toBe(entry.user_id);
  });

  it("cannot be broken out of its script block by product names", () => {
    const markup = dataLayerPush(purchaseEntry(order)).toString();
    expect(markup.match(/<\/script>/g)).toHaveLength(1);
    expect(markup).toContain("\\u003c/script>");
  });
});
