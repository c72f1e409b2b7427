import type { MerchModel } from "../catalog/lists.ts";
import { resolveList } from "../catalog/lists.ts";
import type { ActiveConfig } from "../config/config-store.ts";
import {
  decide,
  renderPage,
  type DecisionInput,
  type PageDecision,
  type ProductSource,
  type SlotDecision,
} from "../decide/index.ts";
import type { RenderedSlot } from "../rewrite/page-rewriter.ts";

export type PlanInput = {
  active: ActiveConfig;
  input: DecisionInput;
  model: MerchModel | null;
  /** A variant forced by a valid preview token. */
  previewVariant: string | null;
};

export type PagePlan = { decision: PageDecision; slots: Map<string, RenderedSlot> };

/**
 * Decisions and rendered HTML for one page. Pure: the rewriter calls it when <body> opens,
 * once the page's own JSON-LD has told us which product it shows.
 */
export function planPage({ active, input, model, previewVariant }: PlanInput): PagePlan {
  const { config } = active;
  const decision = decide(config, input);
  const forced = previewVariant ? forcedSlot(active, previewVariant) : null;
  const slotDecisions = forced
    ? [...decision.slots.filter((s) => s.slotId !== forced.slotId), forced]
    : decision.slots;
  const product = input.context.productId ? (model?.items[input.context.productId] ?? null) : null;
  const listFor = (spec: NonNullable<SlotDecision["items"]>): readonly ProductSource[] =>
    model
      ? resolveList(spec.source, {
          model,
          context: input.context,
          profile: input.consent.personalization ? input.profile : null,
          session: input.consent.personalization ? input.session : null,
          limit: spec.limit,
          category: spec.category,
        })
      : [];
  const slots = renderPage(config, { ...decision, slots: slotDecisions }, input, product, listFor);
  return { decision, slots };
}

/** QA preview: the variant goes into its slot whatever its rule says. */
function forcedSlot(active: ActiveConfig, variantId: string): SlotDecision | null {
  const variant = active.config.variants[variantId];
  const slot = variant ? active.config.slots[variant.slot] : undefined;
  if (!variant || !slot) return null;
  return {
    slotId: variant.slot,
    action: slot.action,
    attribute: slot.attribute ?? null,
    variantId,
    reason: "preview",
    items: variant.items ?? null,
    experiment: null,
  };
}
