import type { ProductSpec } from "../product-spec.ts";
import type { Rng } from "../random.ts";
import { PHONE_MODELS } from "./phones.ts";

/** Cases, screen protectors, chargers and earbuds for the phone models. */
export function phoneAccessories(rng: Rng): ProductSpec[] {
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
