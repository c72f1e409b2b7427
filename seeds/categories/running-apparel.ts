import { GENDERS, type ProductSpec } from "../product-spec.ts";
import type { Rng } from "../random.ts";

/** Running clothes and accessories. */
export function apparel(rng: Rng): ProductSpec[] {
  const out: ProductSpec[] = [];
  const garments: [string, string, string, number, string[]][] = [
    ["top", "Runlab", "Aero Tee", 29, ["breathable"]],
    ["top", "Runlab", "Merino Long Sleeve", 69, ["merino", "winter"]],
    ["top", "Nordpace", "Breeze Singlet", 35, ["breathable", "summer"]],
    ["top", "Veloce", "Pro Race Singlet", 55, ["racing"]],
    ["top", "Kumo", "Dri Tee", 32, ["breathable"]],
    ["top", "Fellside", "Thermal Half-Zip", 59, ["winter", "thermal"]],
    ["bottom", "Runlab", '5" Split Shorts', 45, ["summer"]],
    ["bottom", "Nordpace", "Winter Tights", 79, ["winter", "thermal"]],
    ["bottom", "Kumo", "2-in-1 Shorts", 49, ["pockets"]],
    ["bottom", "Veloce", "Half Tights", 65, ["racing", "compression"]],
    ["bottom", "Fellside", "Trail Shorts", 55, ["trail", "pockets"]],
    ["jacket", "Nordpace", "Stormshell Jacket", 189, ["waterproof", "trail"]],
    ["jacket", "Fellside", "Packable Wind Jacket", 89, ["windproof", "packable"]],
    ["jacket", "Runlab", "Reflective Gilet", 69, ["reflective", "winter"]],
  ];
  const genderedCount = { top: 12, bottom: 10, jacket: 6 };
  const combos = garments.flatMap(([kind, brand, model, price, tags]) =>
    GENDERS.map(([label, gender]) => ({ kind, brand, model, price, tags, label, gender })),
  );
  for (const kind of ["top", "bottom", "jacket"] as const) {
    const chosen = rng.sample(
      combos.filter((c) => c.kind === kind),
      genderedCount[kind],
    );
    for (const c of chosen) {
      const name = `${c.brand} ${c.model} (${c.label})`;
      out.push({
        categoryId: "running-apparel",
        kind: `running-${kind}`,
        brand: c.brand,
        name,
        priceEur: c.price,
        tags: [`running-${kind}`, "running apparel", c.gender, ...c.tags],
        description: `${name}: ${c.tags.join(", ")} running ${kind === "bottom" ? "wear" : kind} with flatlock seams and reflective details.`,
        demand: 0.8,
      });
    }
  }
  // Socks link to shoes: trail socks to trail shoes, the rest to road and racing shoes.
  const sockTypes: [string, "road" | "trail" | "racing", number][] = [
    ["Cushion Crew Running Socks", "road", 16],
    ["Light No-Show Running Socks", "road", 14],
    ["Trail Merino Mid Socks", "trail", 22],
    ["Compression Knee-High Socks", "road", 35],
    ["Race Thin Ankle Socks", "racing", 18],
  ];
  const sockBrands = ["Stridewell", "Runlab", "Trailhawk", "Kumo"];
  const socks = rng.sample(
    sockBrands.flatMap((brand) => sockTypes.map((t) => [brand, ...t] as const)),
    15,
  );
  for (const [brand, model, type, price] of socks) {
    const name = `${brand} ${model} (3-pack)`;
    const shoeBrands = ["Stridewell", "Trailhawk", "Kumo"].includes(brand);
    out.push({
      categoryId: "running-apparel",
      kind: "running-socks",
      brand,
      name,
      priceEur: price,
      tags: ["running-socks", "socks", type, "blister-free"],
      description: `${name}: seamless toes, a padded heel and a snug arch band. Made for ${type} running shoes.`,
      // Trail socks go with any trail shoe; a shoe brand's other socks with its own shoes.
      fits: type === "trail" || !shoeBrands ? [`shoe:${type}`] : [`shoe-brand:${brand}`],
      demand: 0.7,
    });
  }
  const extras: [string, string, string, number, string[]][] = [
    ["running-cap", "Runlab", "Runlab Race Cap", 25, ["sun"]],
    ["running-cap", "Nordpace", "Nordpace Thermal Beanie", 22, ["winter"]],
    ["running-cap", "Kumo", "Kumo Headband", 15, ["sweat"]],
    ["running-cap", "Fellside", "Fellside Buff Neck Tube", 19, ["winter"]],
    ["running-cap", "Veloce", "Veloce Visor", 24, ["sun", "racing"]],
    ["running-cap", "Runlab", "Runlab Reflective Gloves", 29, ["winter", "reflective"]],
    ["hydration", "Fellside", "Fellside 5 L Hydration Vest", 119, ["trail", "vest"]],
    ["hydration", "Fellside", "Fellside 12 L Race Vest", 149, ["trail", "vest"]],
    ["hydration", "Runlab", "Runlab Bottle Belt", 39, ["belt"]],
    ["hydration", "Kumo", "Kumo Soft Flask 500 ml", 19, ["flask"]],
    ["hydration", "Nordpace", "Nordpace Phone Running Belt", 29, ["belt"]],
    ["hydration", "Trailhawk", "Trailhawk Handheld Bottle", 25, ["flask"]],
  ];
  for (const [kind, brand, name, price, tags] of extras) {
    out.push({
      categoryId: "running-apparel",
      kind,
      brand,
      name,
      priceEur: price,
      tags: [kind, "running accessory", ...tags],
      description: `${name}: light, washable and made for runs in any weather.`,
      demand: 0.6,
    });
  }
  return out;
}
