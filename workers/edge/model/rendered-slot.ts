import type { SlotAction } from "../decide/config-schema.ts";

export type { SlotAction };

/**
 * What the page rewriter applies at one slot, as the decision engine rendered it
 * (decide/render.ts); the rewriter sanitizes the module markup again before it goes into the
 * page (rewrite/sanitize-module.ts).
 */
export type RenderedSlot = {
  slotId: string;
  action: SlotAction;
  html: string;
  attribute?: { name: string; value: string };
  /**
   * Hosts the module's absolute links may point to: written out in its template, or of a URL
   * checked before render (product links, data.*Url). The rewriter drops links to any other.
   */
  hosts?: string[];
  variantId: string;
  reason: string;
};
