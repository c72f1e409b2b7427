import { PRESETS, type PresetName } from "./index.ts";

export type StarterOptions = { currency?: string; locale?: string };

/**
 * A first config on a preset (`npm run config -- init --preset NAME`): switched off, with the
 * preset's slots and rules implied, empty own `pageRules` / `slots` to override them in, and
 * one example variant on the preset's `banner` slot to copy from.
 */
export function starterConfig(preset: PresetName, options: StarterOptions = {}) {
  const slots = PRESETS[preset].slots;
  return {
    version: 1,
    enabled: false,
    preset,
    holdout: { percent: 10, salt: "holdout-1" },
    defaults: {
      currency: options.currency ?? "EUR",
      locale: options.locale ?? "en-IE",
      freeDeliveryThresholdCents: null,
    },
    pageRules: [],
    slots: {},
    variants: {
      "welcome-back": {
        slot: "banner" in slots ? "banner" : Object.keys(slots)[0]!,
        template: '<p class="vt-banner">Welcome back! New arrivals are waiting for you.</p>',
        when: { field: "profile.visitCount", op: "gte", value: 2 },
        description: "Example: a greeting for returning visitors; edit or remove",
      },
    },
    experiments: {},
  };
}
