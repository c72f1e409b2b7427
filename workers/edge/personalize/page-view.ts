import type { Exposure } from "../decide/index.ts";
import type { RequestContext } from "../model/context.ts";
import type { TrackedEvent } from "../model/events.ts";

export type Shown = {
  slots: { slotId: string; variantId: string }[];
  exposures: Exposure[];
};

/** The page view as the visitor's journey keeps it: where, what it showed, to which arms. */
export function pageViewEvent(
  id: string,
  sessionId: string,
  ctx: RequestContext,
  shown: Shown,
): TrackedEvent {
  return {
    id,
    type: "page_view",
    at: ctx.now,
    sessionId,
    path: ctx.path,
    pageType: ctx.pageType,
    productId: ctx.productId,
    categoryId: ctx.categoryId,
    channel: ctx.channel,
    device: ctx.device,
    valueCents: null,
    data: {
      slots: shown.slots.map((s) => ({ slot: s.slotId, variant: s.variantId })),
      exposures: shown.exposures.map((e) => ({ experiment: e.experimentId, arm: e.arm })),
      campaign: ctx.campaign,
      referrerHost: ctx.referrerHost,
      country: ctx.country,
      localHour: ctx.localHour,
    },
  };
}

/** Whether the page showed exactly the slots (and variants) that were planned for it. */
export function showedAsPlanned(
  planned: ReadonlyMap<string, { variantId: string }>,
  applied: readonly { slotId: string; variantId: string }[],
): boolean {
  return (
    applied.length === planned.size &&
    applied.every((s) => planned.get(s.slotId)?.variantId === s.variantId)
  );
}
