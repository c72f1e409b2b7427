import type { SlotAction } from "../model/rendered-slot.ts";
import type { PageRule } from "../context/page-rules.ts";
import type { PageType } from "../model/context.ts";

/** A slot as a preset defines it: the same shape as a config's `slots` entry. */
export type PresetSlot = {
  selector: string;
  action: Exclude<SlotAction, "remove" | "setAttribute">;
  pageTypes?: PageType[];
  description: string;
};

/**
 * A storefront preset: the URL rules and named slots of one platform's default theme, so a
 * config can start from them (`"preset": "shopify-dawn"`) instead of from an empty page.
 * Pure data; merged into a config by `withPreset` (index.ts).
 */
export type StorefrontPreset = {
  /** Who it is for, shown by `npm run config -- init` and in docs/presets.md. */
  title: string;
  pageRules: readonly PageRule[];
  slots: Readonly<Record<string, PresetSlot>>;
};
