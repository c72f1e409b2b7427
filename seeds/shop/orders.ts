import { randomUUID } from "node:crypto";
import type { CartLine } from "./cart.ts";
import * as clock from "../../workers/edge/clock.ts";

export type ShopOrder = {
  id: string;
  createdAt: number;
  lines: {
    productId: string;
    name: string;
    slug: string;
    quantity: number;
    unitPriceCents: number;
  }[];
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  isGift: boolean;
  customer: {
    name: string;
    email: string;
    address: string;
    city: string;
    postalCode: string;
    country: string;
  };
  shipping: string;
  payment: string;
};

/**
 * Orders placed in the demo shop, in memory. Ids are unguessable (the confirmation page shows
 * a name and address) and the store is capped so a long-running demo stays small.
 */
export class OrderStore {
  private readonly orders = new Map<string, ShopOrder>();
  constructor(private readonly cap = 1000) {}

  create(
    input: Omit<ShopOrder, "id" | "createdAt" | "subtotalCents" | "totalCents" | "lines"> & {
      lines: CartLine[];
    },
  ): ShopOrder {
    const lines = input.lines.map((l) => ({
      productId: l.product.id,
      name: l.product.name,
      slug: l.product.slug,
      quantity: l.quantity,
      unitPriceCents: l.product.priceCents,
    }));
    const subtotalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
    const order: ShopOrder = {
      ...input,
      id: `o-${randomUUID().replace(/-/g, "").slice(0, 16)}`,
      createdAt: clock.now(),
      lines,
      subtotalCents,
      totalCents: subtotalCents + input.shippingCents,
    };
    this.orders.set(order.id, order);
    // Maps iterate in insertion order: the first key is the oldest order.
    while (this.orders.size > this.cap) {
      const oldest = this.orders.keys().next().value;
      if (oldest === undefined) break;
      this.orders.delete(oldest);
    }
    return order;
  }

  get(id: string): ShopOrder | undefined {
    return this.orders.get(id);
  }
}
