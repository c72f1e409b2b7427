import type { Rng } from "./random.ts";

/**
 * What the shop sells, before ids, prices and stock are drawn: invented brands with product
 * lines that look like a real sports, phone and home shop. `provides`/`fits` are compatibility
 * keys; the catalog turns them into `accessoryFor` links.
 */
export type ProductSpec = {
  categoryId: CategoryId;
  /** The product kind; also the first tag, so consumers can group similar products. */
  kind: string;
  brand: string;
  name: string;
  /** Indicative list price in euros; the catalog adds noise and rounds to a shop price. */
  priceEur: number;
  tags: string[];
  description: string;
  /** Compatibility keys this product offers (e.g. "phone:Lumio A5"). */
  provides?: string[];
  /** Compatibility keys this accessory works with. */
  fits?: string[];
  /** Relative demand; scales review volume and how often visitors look at it. */
  demand: number;
};

export const CATEGORIES = [
  { id: "sports-watches", name: "Sports watches" },
  { id: "running-shoes", name: "Running shoes" },
  { id: "running-apparel", name: "Running apparel" },
  { id: "phones", name: "Phones" },
  { id: "phone-accessories", name: "Phone accessories" },
  { id: "home", name: "Home & kitchen" },
] as const;
export type CategoryId = (typeof CATEGORIES)[number]["id"];

const GENDERS = [
  ["Men's", "men"],
  ["Women's", "women"],
] as const;

function watches(): ProductSpec[] {
  // [brand, line, base €, generations, editions, tags]
  const lines: [string, string, number, string[], [string, number, string[]][], string[]][] = [
    [
      "Kestrel",
      "Pace",
      249,
      ["4", "5", "6"],
      [
        ["", 1, []],
        ["Solar", 1.35, ["solar"]],
        ["Music", 1.2, ["music"]],
      ],
      ["running"],
    ],
    [
      "Kestrel",
      "Summit",
      549,
      ["2", "3"],
      [
        ["", 1, []],
        ["Sapphire", 1.25, ["sapphire"]],
      ],
      ["outdoor", "maps"],
    ],
    ["Kestrel", "Aero", 399, ["1", "2"], [["", 1, []]], ["triathlon", "multisport"]],
    [
      "Polaris Sport",
      "Vertex",
      449,
      ["3", "4"],
      [
        ["", 1, []],
        ["Titanium", 1.3, ["titanium"]],
      ],
      ["outdoor", "maps"],
    ],
    ["Polaris Sport", "Ignite", 199, ["2", "3"], [["", 1, []]], ["fitness", "running"]],
    ["Polaris Sport", "Trail", 329, ["1"], [["", 1, []]], ["trail", "maps"]],
    [
      "Tempo Labs",
      "Tempo Run",
      179,
      ["1", "2"],
      [
        ["", 1, []],
        ["LTE", 1.4, ["lte"]],
      ],
      ["running", "amoled"],
    ],
    ["Tempo Labs", "Tempo Pro", 349, ["2"], [["", 1, []]], ["multisport", "amoled"]],
    ["Corvid", "Sprint", 149, ["1", "2"], [["", 1, []]], ["running", "budget"]],
    [
      "Corvid",
      "Apex",
      499,
      ["3"],
      [
        ["", 1, []],
        ["Pro", 1.3, ["sapphire"]],
      ],
      ["multisport", "amoled"],
    ],
    ["Halden", "Fjord", 299, ["1", "2"], [["", 1, []]], ["outdoor", "hybrid"]],
    ["Halden", "Ridge", 599, ["1"], [["", 1, []]], ["outdoor", "titanium"]],
  ];
  const out: ProductSpec[] = [];
  for (const [brand, line, base, gens, editions, tags] of lines) {
    gens.forEach((gen, gi) => {
      for (const [edition, factor, extra] of editions) {
        const name = [brand, line, gen, edition].filter(Boolean).join(" ");
        const allTags = ["gps-watch", "watch", "gps", "heart-rate", ...tags, ...extra];
        out.push({
          categoryId: "sports-watches",
          kind: "gps-watch",
          brand,
          name,
          // Older generations sell at a discount.
          priceEur: base * factor * (1 - 0.12 * (gens.length - 1 - gi)),
          tags: allTags,
          description: `${name} is a GPS sports watch with wrist heart rate, training load and recovery advice${extra.includes("solar") ? ", and a solar lens that adds days of battery life" : ""}. Built for ${tags.join(", ")} training, water resistant to 5 ATM.`,
          provides: [`watch:${brand}`, "watch:any"],
          demand: gi === gens.length - 1 ? 1.4 : 0.8,
        });
      }
    });
  }
  const accessories: [string, string, string, number, string[]][] = [
    ["watch-strap", "Kestrel", "Kestrel QuickFit 22 mm Silicone Band", 29, ["silicone"]],
    ["watch-strap", "Kestrel", "Kestrel QuickFit 22 mm Nylon Band", 39, ["nylon"]],
    ["watch-strap", "Kestrel", "Kestrel QuickFit 26 mm Titanium Band", 149, ["titanium"]],
    ["watch-strap", "Polaris Sport", "Polaris Sport 22 mm Leather Strap", 59, ["leather"]],
    ["watch-strap", "Polaris Sport", "Polaris Sport 20 mm Silicone Strap", 25, ["silicone"]],
    ["watch-strap", "Tempo Labs", "Tempo Labs Sport Loop", 35, ["nylon"]],
    ["watch-strap", "Corvid", "Corvid Silicone Band", 19, ["silicone"]],
    ["watch-strap", "Halden", "Halden Woven Strap", 45, ["nylon"]],
    ["watch-charger", "Kestrel", "Kestrel Charging Cable", 19, ["cable"]],
    ["watch-charger", "Polaris Sport", "Polaris Sport Magnetic Charger", 24, ["magnetic"]],
    ["watch-charger", "Tempo Labs", "Tempo Labs Charging Dock", 29, ["dock"]],
    ["heart-rate-strap", "Kestrel", "Kestrel HRM Dual Chest Strap", 69, ["ant+", "bluetooth"]],
    ["heart-rate-strap", "Polaris Sport", "Polaris Sport H10 Heart Rate Sensor", 89, ["bluetooth"]],
    ["heart-rate-strap", "Corvid", "Corvid Pulse Chest Strap", 49, ["bluetooth"]],
  ];
  for (const [kind, brand, name, price, tags] of accessories) {
    // Chest straps speak Bluetooth to any watch; bands and chargers fit their own brand.
    const universal = kind === "heart-rate-strap" && brand !== "Kestrel";
    out.push({
      categoryId: "sports-watches",
      kind,
      brand,
      name,
      priceEur: price,
      tags: [kind, "watch accessory", ...tags],
      description: `${name}: ${kind === "watch-strap" ? "a tool-free replacement band" : kind === "watch-charger" ? "a spare charger for the office or travel bag" : "chest-strap heart rate for interval accuracy"}. Fits ${universal ? "any Bluetooth sports watch" : `${brand} watches`}.`,
      fits: [universal ? "watch:any" : `watch:${brand}`],
      demand: 0.6,
    });
  }
  return out;
}

function shoes(): ProductSpec[] {
  // [brand, model, type, base €, generations]
  const lines: [string, string, "road" | "trail" | "racing", number, string[]][] = [
    ["Stridewell", "Cloudline", "road", 139, ["3", "4"]],
    ["Stridewell", "Tempest", "road", 159, ["2", "3"]],
    ["Stridewell", "Ridgeback", "trail", 149, ["2", "3"]],
    ["Aeron", "Glide", "road", 129, ["11", "12"]],
    ["Aeron", "Zephyr Elite", "racing", 249, ["2", "3"]],
    ["Aeron", "Drift", "road", 109, ["7", "8"]],
    ["Nordpace", "Fjell", "trail", 159, ["3", "4"]],
    ["Nordpace", "Urban", "road", 119, ["2"]],
    ["Veloce", "Razor", "racing", 229, ["1", "2"]],
    ["Veloce", "Corsa", "road", 139, ["5", "6"]],
    ["Kumo", "Soar", "road", 149, ["9", "10"]],
    ["Kumo", "Kaze", "racing", 199, ["3"]],
    ["Trailhawk", "Scree", "trail", 139, ["2", "3"]],
    ["Trailhawk", "Talus", "trail", 169, ["1", "2"]],
  ];
  const traits = {
    road: ["cushioned", "daily trainer", "road"],
    trail: ["trail", "grip", "lugged outsole"],
    racing: ["racing", "carbon plate", "lightweight"],
  };
  const out: ProductSpec[] = [];
  for (const [brand, model, type, base, gens] of lines) {
    gens.forEach((gen, gi) => {
      const latest = gi === gens.length - 1;
      // The newest trail models also come in a waterproof version.
      const editions: [string, number][] =
        type === "trail" && latest
          ? [
              ["", 1],
              ["WP", 1.15],
            ]
          : [["", 1]];
      for (const [edition, factor] of editions) {
        for (const [genderLabel, gender] of GENDERS) {
          const model3 = [brand, model, gen, edition].filter(Boolean).join(" ");
          out.push({
            categoryId: "running-shoes",
            kind: `${type}-shoe`,
            brand,
            name: `${model3} (${genderLabel})`,
            priceEur: base * factor * (latest ? 1 : 0.85),
            tags: [
              `${type}-shoe`,
              "running shoes",
              gender,
              ...traits[type],
              ...(edition ? ["waterproof"] : []),
            ],
            description: `${model3} for ${gender}: ${type === "racing" ? "a race-day shoe with a carbon plate and lively foam" : type === "trail" ? "grippy lugs and a rock plate for technical trails" : "a cushioned daily trainer for easy and long runs"}${edition ? ", with a waterproof membrane" : ""}. ${latest ? "The newest version" : "Last season's version, now reduced"}.`,
            provides: [`shoe:${type}`, `shoe-brand:${brand}`],
            demand: latest ? 1.2 : 0.7,
          });
        }
      }
    });
  }
  return out;
}

function apparel(rng: Rng): ProductSpec[] {
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

/** Phone models with their storage options: each option is its own product (own SKU, price). */
const PHONE_MODELS: [string, string, number, string[], string[]][] = [
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

function phones(rng: Rng): ProductSpec[] {
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

function phoneAccessories(rng: Rng): ProductSpec[] {
  const out: ProductSpec[] = [];
  const caseStyles: [string, string, number, string[]][] = [
    ["Armorline", "Rugged Case", 34, ["rugged", "drop protection"]],
    ["Shellwise", "Clear Case", 19, ["clear", "slim"]],
    ["Shellwise", "MagGrip Case", 29, ["magnetic", "slim"]],
    ["Armorline", "Wallet Case", 39, ["wallet", "leather"]],
  ];
  const models = PHONE_MODELS.map(([brand, model]) => `${brand} ${model}`);
  // Every model gets at least one case; the rest are spread over the popular ones.
  const caseCombos = rng.shuffle(
    models.flatMap((model) => caseStyles.map((style) => [model, ...style] as const)),
  );
  const cases = models.map((model) => caseCombos.find((c) => c[0] === model) ?? caseCombos[0]!);
  for (const combo of caseCombos) {
    if (cases.length >= 28) break;
    if (!cases.includes(combo)) cases.push(combo);
  }
  for (const [model, brand, style, price, tags] of cases) {
    const name = `${brand} ${style} for ${model}`;
    out.push({
      categoryId: "phone-accessories",
      kind: "phone-case",
      brand,
      name,
      priceEur: price,
      tags: ["phone-case", "case", ...tags],
      description: `${name}: precise cut-outs, raised edges around the camera and screen, wireless charging passes through.`,
      fits: [`phone:${model}`],
      demand: 1,
    });
  }
  for (const model of rng.sample(models, 14)) {
    const brand = rng.pick(["Glasswise", "Armorline"]);
    const name = `${brand} Tempered Glass for ${model} (2-pack)`;
    out.push({
      categoryId: "phone-accessories",
      kind: "screen-protector",
      brand,
      name,
      priceEur: brand === "Glasswise" ? 14 : 19,
      tags: ["screen-protector", "tempered glass", "9h"],
      description: `${name}: 9H glass, bubble-free install frame included, case friendly.`,
      fits: [`phone:${model}`],
      demand: 0.9,
    });
  }
  const chargers: [string, string, number, string, string[]][] = [
    ["Voltra", "Voltra 30 W USB-C Charger", 25, "phone:any", ["usb-c", "fast charging"]],
    ["Voltra", "Voltra 65 W GaN Charger, 3 ports", 49, "phone:any", ["usb-c", "gan"]],
    ["Voltra", "Voltra MagDock 15 W Wireless Charger", 39, "phone:any", ["wireless"]],
    ["Voltra", "Voltra PowerCell 10 000 mAh Power Bank", 29, "phone:any", ["power bank"]],
    ["Voltra", "Voltra PowerCell 20 000 mAh Power Bank", 45, "phone:any", ["power bank"]],
    ["Lumio", "Lumio 25 W Charger", 24, "phone-brand:Lumio", ["usb-c", "fast charging"]],
    ["Novaphone", "Novaphone SuperCharge 45 W", 39, "phone-brand:Novaphone", ["usb-c"]],
    ["Orbix", "Orbix 30 W Adapter", 29, "phone-brand:Orbix", ["usb-c"]],
    ["Cablix", "Cablix USB-C to USB-C Cable 2 m", 15, "phone:any", ["cable", "usb-c"]],
    ["Cablix", "Cablix Braided USB-C Cable 1 m", 12, "phone:any", ["cable", "usb-c"]],
  ];
  for (const [brand, name, price, fit, tags] of chargers) {
    out.push({
      categoryId: "phone-accessories",
      kind: "charger",
      brand,
      name,
      priceEur: price,
      tags: ["charger", ...tags],
      description: `${name}: safe, cool-running charging with over-voltage protection.`,
      fits: [fit],
      demand: 0.8,
    });
  }
  const earbuds: [string, string, number, string, string[]][] = [
    ["Lumio", "Lumio Buds 2", 79, "phone-brand:Lumio", []],
    ["Lumio", "Lumio Buds Pro", 179, "phone-brand:Lumio", ["anc"]],
    ["Novaphone", "NovaBuds Live", 99, "phone-brand:Novaphone", []],
    ["Novaphone", "NovaBuds Pro 3", 199, "phone-brand:Novaphone", ["anc"]],
    ["Orbix", "Orbix Pods", 129, "phone-brand:Orbix", ["anc"]],
    ["Veyra", "Veyra Air", 149, "phone-brand:Veyra", ["anc"]],
    ["Zentra", "Zentra Beats Sport", 59, "phone-brand:Zentra", ["sport"]],
    ["Sonique", "Sonique Air ANC", 149, "phone:any", ["anc"]],
    ["Sonique", "Sonique Run Open-Ear", 119, "phone:any", ["sport", "open-ear"]],
    ["Sonique", "Sonique Studio Buds", 229, "phone:any", ["anc", "hi-res"]],
    ["Aurel", "Aurel Free 2", 49, "phone:any", ["budget"]],
    ["Aurel", "Aurel Sport Hook", 69, "phone:any", ["sport"]],
    ["Aurel", "Aurel Pro ANC", 129, "phone:any", ["anc"]],
    ["Aurel", "Aurel Mini", 39, "phone:any", ["budget"]],
  ];
  for (const [brand, name, price, fit, tags] of earbuds) {
    out.push({
      categoryId: "phone-accessories",
      kind: "earbuds",
      brand,
      name,
      priceEur: price,
      tags: ["earbuds", "bluetooth", "headphones", ...tags],
      description: `${name}: true wireless earbuds${tags.includes("anc") ? " with active noise cancelling" : ""}, up to ${rng.int(6, 10)} hours per charge, IPX4 sweat resistant.`,
      fits: [fit],
      demand: 1.1,
    });
  }
  return out;
}

function home(): ProductSpec[] {
  // [kind, brand, name, €, tags, provides, fits]
  const items: [string, string, string, number, string[], string[], string[]][] = [
    [
      "coffee-machine",
      "Caffa",
      "Caffa Bean-to-Cup 5200",
      549,
      ["bean-to-cup"],
      ["coffee:Caffa", "coffee:bean"],
      [],
    ],
    [
      "coffee-machine",
      "Caffa",
      "Caffa Bean-to-Cup 7400 Milk",
      899,
      ["bean-to-cup", "milk system"],
      ["coffee:Caffa", "coffee:bean"],
      [],
    ],
    ["coffee-machine", "Caffa", "Caffa Capsule Mini", 89, ["capsule"], ["coffee:Caffa"], []],
    [
      "coffee-machine",
      "Brewmaster",
      "Brewmaster Barista Pro",
      749,
      ["espresso", "grinder"],
      ["coffee:Brewmaster", "coffee:espresso"],
      [],
    ],
    [
      "coffee-machine",
      "Brewmaster",
      "Brewmaster Espresso Compact",
      299,
      ["espresso"],
      ["coffee:Brewmaster", "coffee:espresso"],
      [],
    ],
    [
      "coffee-machine",
      "Brewmaster",
      "Brewmaster Dual Boiler",
      1199,
      ["espresso", "dual boiler"],
      ["coffee:Brewmaster", "coffee:espresso"],
      [],
    ],
    [
      "coffee-machine",
      "Moka & Co",
      "Moka & Co Drip Classic 10-Cup",
      79,
      ["filter coffee"],
      ["coffee:drip"],
      [],
    ],
    [
      "coffee-machine",
      "Moka & Co",
      "Moka & Co Thermal Drip",
      129,
      ["filter coffee", "thermal jug"],
      ["coffee:drip"],
      [],
    ],
    [
      "coffee-machine",
      "Moka & Co",
      "Moka & Co Pour-Over Kettle Set",
      69,
      ["pour-over"],
      ["coffee:drip"],
      [],
    ],
    ["coffee-care", "Caffa", "Caffa Descaler 2 x 500 ml", 17, ["descaler"], [], ["coffee:Caffa"]],
    [
      "coffee-care",
      "Caffa",
      "Caffa Water Filter Cartridge",
      14,
      ["water filter"],
      [],
      ["coffee:bean"],
    ],
    [
      "coffee-care",
      "Brewmaster",
      "Brewmaster Milk Jug 600 ml",
      24,
      ["milk jug"],
      [],
      ["coffee:espresso"],
    ],
    [
      "coffee-care",
      "Brewmaster",
      "Brewmaster Cleaning Tablets (8)",
      12,
      ["cleaning"],
      [],
      ["coffee:Brewmaster"],
    ],
    [
      "coffee-care",
      "Moka & Co",
      "Moka & Co Paper Filters No. 4 (100)",
      5,
      ["filters"],
      [],
      ["coffee:drip"],
    ],
    ["vacuum", "Dustra", "Dustra V9 Cordless", 399, ["cordless", "stick"], ["vacuum:cordless"], []],
    [
      "vacuum",
      "Dustra",
      "Dustra V12 Detect",
      649,
      ["cordless", "stick", "laser"],
      ["vacuum:cordless"],
      [],
    ],
    ["vacuum", "Dustra", "Dustra RoboClean S5", 449, ["robot", "mopping"], ["vacuum:robot"], []],
    [
      "vacuum",
      "Dustra",
      "Dustra RoboClean S7 Max",
      699,
      ["robot", "self-emptying"],
      ["vacuum:robot"],
      [],
    ],
    [
      "vacuum",
      "Zuma",
      "Zuma Cyclone 2000 Bagged",
      159,
      ["bagged", "corded"],
      ["vacuum:bagged"],
      [],
    ],
    ["vacuum", "Zuma", "Zuma Silent Pro Bagged", 229, ["bagged", "quiet"], ["vacuum:bagged"], []],
    ["vacuum", "Zuma", "Zuma Handy 2-in-1", 129, ["cordless", "handheld"], ["vacuum:cordless"], []],
    ["vacuum", "Zuma", "Zuma Wet & Dry W3", 189, ["wet and dry"], [], []],
    [
      "vacuum-care",
      "Dustra",
      "Dustra HEPA Filter Kit",
      29,
      ["filter", "hepa"],
      [],
      ["vacuum:cordless"],
    ],
    [
      "vacuum-care",
      "Dustra",
      "Dustra Spare Click-In Battery",
      89,
      ["battery"],
      [],
      ["vacuum:cordless"],
    ],
    [
      "vacuum-care",
      "Dustra",
      "Dustra RoboClean Brush & Filter Set",
      35,
      ["brushes"],
      [],
      ["vacuum:robot"],
    ],
    ["vacuum-care", "Zuma", "Zuma Dust Bags (10)", 15, ["dust bags"], [], ["vacuum:bagged"]],
    ["vacuum-care", "Zuma", "Zuma Crevice Tool Set", 19, ["tools"], [], ["vacuum:bagged"]],
    ["lamp", "Lumen & Oak", "Lumen & Oak Arc Floor Lamp", 229, ["floor lamp", "oak"], [], []],
    ["lamp", "Lumen & Oak", "Lumen & Oak LED Desk Lamp", 79, ["desk lamp", "dimmable"], [], []],
    ["lamp", "Lumen & Oak", "Lumen & Oak Reading Light", 59, ["reading", "clip-on"], [], []],
    ["lamp", "Nordlys", "Nordlys Pendant 40 cm", 149, ["pendant", "linen"], [], []],
    ["lamp", "Nordlys", "Nordlys Smart Bulb E27 (2-pack)", 35, ["smart", "bulb"], [], []],
    ["lamp", "Nordlys", "Nordlys Table Lamp Opal", 99, ["table lamp", "glass"], [], []],
    ["lamp", "Nordlys", "Nordlys Smart Light Strip 2 m", 49, ["smart", "rgb"], [], []],
    ["lamp", "Lumen & Oak", "Lumen & Oak Wall Sconce", 89, ["wall lamp", "brass"], [], []],
  ];
  return items.map(([kind, brand, name, price, tags, provides, fits]) => ({
    categoryId: "home",
    kind,
    brand,
    name,
    priceEur: price,
    tags: [kind, ...tags],
    description:
      kind === "coffee-machine"
        ? `${name}: ${tags.join(", ")} coffee at home, with an easy-clean brew group and an energy-saving standby.`
        : kind === "vacuum"
          ? `${name}: ${tags.join(", ")} vacuum with strong suction on carpets and hard floors.`
          : kind === "lamp"
            ? `${name}: ${tags.join(", ")} light with a warm 2700 K glow.`
            : `${name}: genuine ${brand} spare that keeps your machine running like new.`,
    provides,
    fits,
    demand: kind.endsWith("-care") ? 0.6 : 0.9,
  }));
}

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
