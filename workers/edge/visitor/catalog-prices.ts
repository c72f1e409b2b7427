import { withBudget } from "../budget.ts";
import type { PriceLookup } from "./journey.ts";
import { productLookup } from "./profile-sync.ts";

/** The catalog is read from KV (cached per isolate); a slow read must not hold up the events. */
const PRICE_BUDGET_MS = 500;

/**
 * Prices from the published catalog (the rankings model's product cards), for cart adds the
 * tracker reported without one. KV failing or slow: no prices, and the journey keeps the cart
 * value unknown rather than guessing.
 */
export async function catalogPrices(models: KVNamespace): Promise<PriceLookup> {
  const lookup = await withBudget(PRICE_BUDGET_MS, () => productLookup(models));
  if (!lookup.ok) {
    console.warn(JSON.stringify({ msg: "catalog prices unavailable", reason: lookup.reason }));
    return () => undefined;
  }
  const products = lookup.value;
  return (productId) => products(productId)?.priceCents;
}
