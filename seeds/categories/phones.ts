import type { ProductSpec } from "../product-spec.ts";
import type { Rng } from "../random.ts";

/** Phone models with their storage options: each option is its own product (own SKU, price). */
export const PHONE_MODELS: [string, string, number, string[], string[]][] = [
  ["Lumio", "A3", 199, ["64 GB", "128 GB"], ["budget"]],
  ["Lumio", "A5", 279, ["128 GB", "256 GB"], ["budget", "5g"]],
  ["Lumio", "X12", 699, ["128 GB", "256 GB", "512 GB"], ["5g", "flagship"]],
  ["Lumio", "X12 Pro", 949, ["256 GB", "512 GB", "1 TB"], ["5g", "flagship", "telephoto"]],
  ["Novaphone", "Nova 9", 399, ["128 GB", "256 GB"], ["5g"]],
  ["Novaphone", "Nova 9 Pro", 649, ["256 GB", "512 GB"], ["5g", "telephoto"]],
  ["Novaphone", "Nova Fold", 1399, ["256 GB", "512 GB"], ["5g", "foldable"]],
  ["Novaphone", "Nova Lite 2", 229, ["64 GB", "128 GB"], ["budget"]],
  ["Orbix", "One", 549, ["128 GB", "256 GB"], ["5g", "compact"]],
  ["Orbix", "One Max", 799, ["256 GB", "512 GB", "1 TB"], ["5g", "flagship", "big battery"]],
  ["Orbix", "Mini", 449, ["128 GB", "256 GB"], ["compact"]],
  ["Zentra", "Z7", 329, ["128 GB", "256 GB"], ["5g"]],
  ["Zentra", "Z7 Plus", 429, ["256 GB"], ["5g", "big battery"]],
  ["Zentra", "Rugged R2", 379, ["64 GB", "128 GB"], ["rugged", "waterproof"]],
  ["Veyra", "5", 599, ["128 GB", "256 GB", "512 GB"], ["5g", "camera"]],
  ["Veyra", "5 Ultra", 1099, ["256 GB", "512 GB", "1 TB"], ["5g", "flagship", "camera"]],
];
const PHONE_COLORS = ["Graphite", "Silver", "Midnight Blue", "Sage", "Coral", "Black"];

/** Every phone model in each of its storage options, in a drawn color. */
export function phones(rng: Rng): ProductSpec[] {
  const out: ProductSpec[] = [];
  for (const [brand, model, base, storages, tags] of PHONE_MODELS) {
    storages.forEach((storage, si) => {
      const color = rng.pick(PHONE_COLORS);
      const full = `${brand} ${model}`;
      out.push({
        categoryId: "phones",
        kind: "smartphone",
        brand,
        name: `${full} ${storage}, ${color}`,
        priceEur: base + si * (base > 600 ? 120 : 60),
        tags: ["smartphone", "phone", storage.replace(" ", "").toLowerCase(), ...tags],
        description: `${full} with ${storage} of storage in ${color}. ${tags.includes("camera") ? "A camera-first phone with a large sensor. " : ""}${tags.includes("rugged") ? "IP69 rated and drop tested. " : ""}USB-C charging, dual SIM, two years of warranty.`,
        provides: [`phone:${full}`, `phone-brand:${brand}`, "phone:any"],
        demand: tags.includes("budget") ? 1.3 : tags.includes("flagship") ? 1.1 : 1,
      });
    });
  }
  return out;
}
