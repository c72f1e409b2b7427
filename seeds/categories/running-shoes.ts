import { GENDERS, type ProductSpec } from "../product-spec.ts";

/** Road, trail and racing shoes, each generation in men's and women's versions. */
export function shoes(): ProductSpec[] {
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
