import type { PageRule } from "../context/page-rules.ts";
import { magentoLuma } from "./magento-luma.ts";
import type { StorefrontPreset } from "./preset.ts";
import { prestashopClassic } from "./prestashop-classic.ts";
import { shopifyDawn } from "./shopify-dawn.ts";
import { shoper } from "./shoper.ts";
import { woocommerceStorefront } from "./woocommerce-storefront.ts";

export type { PresetSlot, StorefrontPreset } from "./preset.ts";

/** The presets a config can name in `"preset"`. */
export const PRESETS = {
  "shopify-dawn": shopifyDawn,
  "woocommerce-storefront": woocommerceStorefront,
  "magento-luma": magentoLuma,
  "prestashop-classic": prestashopClassic,
  shoper,
} as const satisfies Record<string, StorefrontPreset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

export const isPresetName = (name: unknown): name is PresetName =>
  typeof name === "string" && Object.hasOwn(PRESETS, name);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * A raw config with its preset merged in, ready for validation: the config's own page rules
 * first (the first matching rule wins, so they override), then the preset's rules whose
 * pattern the config does not already have; the preset's slots, replaced or joined by the
 * config's own slots of the same or other names. Merging a merged config again changes
 * nothing. A config without a known preset, or whose `pageRules` / `slots` have the wrong
 * type, is returned as it is, for the schema to explain.
 */
export function withPreset(json: unknown): unknown {
  if (!isObject(json) || !isPresetName(json.preset)) return json;
  const preset: StorefrontPreset = PRESETS[json.preset];
  const merged: Record<string, unknown> = { ...json };
  const { pageRules, slots: ownSlots } = json;
  if (pageRules === undefined || Array.isArray(pageRules)) {
    const own: unknown[] = pageRules ?? [];
    const patterns = new Set(own.map((r) => (isObject(r) ? r.pattern : undefined)));
    merged.pageRules = [
      ...own,
      ...preset.pageRules.filter((r) => !patterns.has(r.pattern)).map(cloneRule),
    ];
  }
  if (ownSlots === undefined || isObject(ownSlots)) {
    const slots: Record<string, unknown> = {};
    for (const [id, slot] of Object.entries(preset.slots)) slots[id] = structuredClone(slot);
    // Own entries only (a JSON `__proto__` key is an own key, never the prototype).
    for (const [id, slot] of Object.entries(ownSlots ?? {})) {
      Object.defineProperty(slots, id, {
        value: slot,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    merged.slots = slots;
  }
  return merged;
}

const cloneRule = (rule: PageRule): PageRule => structuredClone(rule);
