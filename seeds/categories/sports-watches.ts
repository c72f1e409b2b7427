import type { ProductSpec } from "../product-spec.ts";

/** GPS watches and their straps, chargers and heart rate straps. */
export function watches(): ProductSpec[] {
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
