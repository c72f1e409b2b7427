import type { CatalogIndex, Product } from "../catalog-index.ts";

/** The cart lives in a cookie: `shop_cart` = url-encoded JSON `{ productId: quantity }`. */
export const CART_COOKIE = "shop_cart";
export const MAX_QTY = 10;
const MAX_LINES = 50;

export type Cart = Map<string, number>;
export type CartLine = { product: Product; quantity: number; totalCents: number };

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}

/** Lenient: a malformed cookie or unknown products make an empty (or smaller) cart, never an error. */
export function readCart(cookieHeader: string | undefined, index: CatalogIndex): Cart {
  const cart: Cart = new Map();
  const value = parseCookies(cookieHeader).get(CART_COOKIE);
  if (!value) return cart;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(value));
  } catch {
    return cart;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return cart;
  for (const [id, qty] of Object.entries(parsed as Record<string, unknown>)) {
    if (cart.size >= MAX_LINES) break;
    if (!index.byId.has(id) || typeof qty !== "number" || !Number.isInteger(qty) || qty <= 0)
      continue;
    cart.set(id, Math.min(qty, MAX_QTY));
  }
  return cart;
}

/** The Set-Cookie header for `cart`; an empty cart deletes the cookie. */
export function cartCookie(cart: Cart): string {
  if (cart.size === 0) return `${CART_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly`;
  const value = encodeURIComponent(JSON.stringify(Object.fromEntries(cart)));
  return `${CART_COOKIE}=${value}; Path=/; Max-Age=${30 * 86400}; SameSite=Lax; HttpOnly`;
}

export function cartLines(cart: Cart, index: CatalogIndex): CartLine[] {
  const lines: CartLine[] = [];
  for (const [id, quantity] of cart) {
    const product = index.byId.get(id);
    if (product) lines.push({ product, quantity, totalCents: product.priceCents * quantity });
  }
  return lines;
}

export const FREE_SHIPPING_CENTS = 5000;
export const SHIPPING_CENTS = 499;

export function shippingFor(subtotalCents: number): number {
  return subtotalCents === 0 || subtotalCents >= FREE_SHIPPING_CENTS ? 0 : SHIPPING_CENTS;
}
