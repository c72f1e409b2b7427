import { describe, expect, it } from "vitest";
import demoJson from "../../../seeds/config/demo-config.json" with { type: "json" };
import { DEFAULT_PAGE_RULES, matchPage } from "../context/page-rules.ts";
import { parseConfig, type PersonalizationConfig } from "../decide/config-schema.ts";
import { FIXTURE_URLS, MORE_URLS, type UrlCase } from "./fixture-urls.ts";
import { PRESET_NAMES, PRESETS, withPreset, type PresetName } from "./index.ts";

/** A minimal config on a preset; `extra` adds or replaces top-level keys. */
function presetConfig(preset: string, extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    enabled: true,
    preset,
    holdout: { percent: 0, salt: "h" },
    defaults: { currency: "EUR", locale: "en-IE", freeDeliveryThresholdCents: null },
    slots: {},
    variants: {},
    ...extra,
  };
}

function mustParse(json: unknown): PersonalizationConfig {
  const result = parseConfig(json);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const expected = (c: UrlCase) => ({
  pageType: c.pageType,
  productSlug: c.productSlug ?? null,
  categoryId: c.categoryId ?? null,
});

describe.each(PRESET_NAMES)("preset %s", (name: PresetName) => {
  const config = mustParse(presetConfig(name));

  it("is a valid config on its own, with the preset's slots", () => {
    expect(config.preset).toBe(name);
    expect(Object.keys(config.slots).sort()).toEqual(Object.keys(PRESETS[name].slots).sort());
    expect(config.pageRules).toEqual(PRESETS[name].pageRules);
  });

  it("classifies its fixture pages' URLs", () => {
    for (const c of Object.values(FIXTURE_URLS[name])) {
      expect(matchPage(c.path, config.pageRules), c.path).toEqual(expected(c));
    }
  });

  it("classifies the platform's other URLs", () => {
    for (const c of MORE_URLS[name]) {
      const { pageType, productSlug, categoryId } = matchPage(c.path, config.pageRules);
      const got = {
        pageType,
        productSlug: c.productSlug === undefined ? null : productSlug,
        categoryId: c.categoryId === undefined ? null : categoryId,
      };
      expect(got, c.path).toEqual(expected(c));
    }
  });

  it("gives every slot the page types its markup exists on", () => {
    const types = new Set(Object.values(FIXTURE_URLS[name]).map((c) => c.pageType));
    for (const [id, slot] of Object.entries(config.slots)) {
      for (const t of slot.pageTypes ?? [])
        expect(
          config.pageRules.map((r) => r.pageType),
          id,
        ).toContain(t);
      expect(slot.pageTypes?.some((t) => types.has(t)) ?? true, id).toBe(true);
    }
  });
});

describe("a config on a preset", () => {
  it("lets variants target the preset's slots", () => {
    const config = mustParse(
      presetConfig("shopify-dawn", {
        variants: { note: { slot: "product-info", template: "<p>Free returns</p>" } },
      }),
    );
    expect(config.variants.note!.slot).toBe("product-info");
  });

  it("replaces a preset slot by id and adds its own", () => {
    const config = mustParse(
      presetConfig("magento-luma", {
        slots: {
          "cart-summary": { selector: ".cart-container", action: "before", pageTypes: ["cart"] },
          footer: { selector: ".page-footer", action: "prepend" },
        },
      }),
    );
    expect(config.slots["cart-summary"]).toEqual({
      selector: ".cart-container",
      action: "before",
      pageTypes: ["cart"],
    });
    expect(config.slots.footer!.selector).toBe(".page-footer");
    expect(config.slots["product-info"]).toEqual(PRESETS["magento-luma"].slots["product-info"]);
  });

  it("puts its own page rules first, so they win", () => {
    const config = mustParse(
      presetConfig("magento-luma", {
        pageRules: [
          { pattern: "/gear.html", pageType: "category", params: { categoryId: "gear" } },
          { pattern: "/", pageType: "other" },
        ],
      }),
    );
    expect(matchPage("/gear.html", config.pageRules)).toEqual({
      pageType: "category",
      productSlug: null,
      categoryId: "gear",
    });
    expect(matchPage("/", config.pageRules).pageType).toBe("other");
    expect(matchPage("/joust-duffle-bag.html", config.pageRules).pageType).toBe("product");
    // The preset's own "/" rule could never match after the config's: it is left out.
    expect(config.pageRules.filter((r) => r.pattern === "/")).toHaveLength(1);
  });

  it("parses to the same config when its parsed form is parsed again", () => {
    const once = mustParse(
      presetConfig("prestashop-classic", {
        pageRules: [{ pattern: "/promo", pageType: "other" }],
        slots: { extra: { selector: "#footer", action: "append" } },
      }),
    );
    expect(mustParse(structuredClone(once))).toEqual(once);
  });

  it("does not share objects with the preset", () => {
    const config = mustParse(presetConfig("shoper"));
    config.slots.banner!.selector = "#changed";
    config.pageRules[0]!.pattern = "/changed";
    expect(PRESETS.shoper.slots.banner?.selector).toBe("#content");
    expect(mustParse(presetConfig("shoper")).pageRules[0]!.pattern).toBe("/");
  });

  it("may leave out slots and pageRules", () => {
    const { slots: _, ...withoutSlots } = presetConfig("woocommerce-storefront");
    const config = mustParse(withoutSlots);
    expect(config.slots["product-info"]!.selector).toBe(".summary.entry-summary");
  });

  it("refuses an unknown preset, naming the field and the choices", () => {
    const result = parseConfig(presetConfig("shopify-debut"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((e) => e.startsWith("preset:") && e.includes("shopify-dawn"))).toBe(
      true,
    );
  });

  it("reports a bad own slot and a variant on a missing slot against the merged slots", () => {
    const result = parseConfig(
      presetConfig("shopify-dawn", {
        slots: { banner: { selector: "#MainContent", action: "explode" } },
        variants: { v: { slot: "nope", template: "<p>x</p>" } },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.some((e) => e.startsWith("slots.banner.action:"))).toBe(true);
    expect(result.errors).toContain(
      'variants.v.slot: unknown slot "nope" (slots: banner, product-info, add-to-cart, listing, cart-summary)',
    );
  });
});

describe("a config without a preset", () => {
  it("is passed through untouched by the merge", () => {
    const json = structuredClone(demoJson);
    expect(withPreset(json)).toBe(json);
  });

  it("keeps the default page rules and its own slots", () => {
    const config = mustParse(presetConfig("shopify-dawn", { preset: undefined }));
    expect(config.preset).toBeUndefined();
    expect(config.pageRules).toEqual(DEFAULT_PAGE_RULES);
    expect(config.slots).toEqual({});
  });
});
