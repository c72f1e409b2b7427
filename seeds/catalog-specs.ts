import { home } from "./categories/home.ts";
import { phoneAccessories } from "./categories/phone-accessories.ts";
import { phones } from "./categories/phones.ts";
import { apparel } from "./categories/running-apparel.ts";
import { shoes } from "./categories/running-shoes.ts";
import { watches } from "./categories/sports-watches.ts";
import type { ProductSpec } from "./product-spec.ts";
import type { Rng } from "./random.ts";

export { CATEGORIES, type CategoryId, type ProductSpec } from "./product-spec.ts";

/** Every product spec, in catalog order (grouped by category). */
export function productSpecs(rng: Rng): ProductSpec[] {
  return [
    ...watches(),
    ...shoes(),
    ...apparel(rng.fork("apparel")),
    ...phones(rng.fork("phones")),
    ...phoneAccessories(rng.fork("phone-accessories")),
    ...home(),
  ];
}
