import type { MerchModel } from "../catalog/lists.ts";
import { resolveList } from "../catalog/lists.ts";
import type { ActiveConfig } from "../config/config-store.ts";
import {
  decide,
  renderPage,
  type DecisionInput,
  type PageDecision,
  type PersonalizationConfig,
  type ProductSource,
  type SlotDecision,
} from "../decide/index.ts";
import type { PageType, RequestContext } from "../model/context.ts";
import type { RenderedSlot, SlotSelector } from "../rewrite/page-rewriter.ts";

export type PlanInput = {
  active: ActiveConfig;
  input: DecisionInput;
  model: MerchModel | null;
  /** A variant forced by a valid preview token. */
  previewVariant: string | null;
};

export type PagePlan = { decision: PageDecision; slots: Map<string, RenderedSlot> };

/**
 * Decisions and rendered HTML for one page. Pure: called before the page arrives, or by the
 * rewriter at the first slot once a product page's own JSON-LD has said which product it shows.
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

/**
 * The page's context completed with its product (from the page's JSON-LD or the catalog's URL)
 * and that product's category when the URL rules gave none, and the plan for it.
 */
export function planForProduct(
  plan: PlanInput,
  productId: string | null,
): { context: RequestContext; plan: PagePlan } {
  const { context: seen } = plan.input;
  const categoryId =
    seen.categoryId ?? (productId ? (plan.model?.items[productId]?.categoryId ?? null) : null);
  const context = { ...seen, productId, categoryId };
  return { context, plan: planPage({ ...plan, input: { ...plan.input, context } }) };
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

// Per config object (one per published version and isolate) and page type.
const selectorLists = new WeakMap<PersonalizationConfig, Map<PageType, SlotSelector[]>>();

/**
 * The selectors HTMLRewriter must watch on a page of this type: only slots that exist there
 * (each selector costs parsing and matching on every page), plus the slot of a previewed
 * variant, which QA may force anywhere.
 */
export function slotSelectorsFor(
  active: ActiveConfig,
  pageType: PageType,
  previewVariant: string | null,
): SlotSelector[] {
  const { config } = active;
  let byPage = selectorLists.get(config);
  if (!byPage) selectorLists.set(config, (byPage = new Map()));
  let list = byPage.get(pageType);
  if (!list) {
    list = Object.entries(config.slots)
      .filter(([, slot]) => !slot.pageTypes || slot.pageTypes.includes(pageType))
      .map(([slotId, slot]) => ({ slotId, selector: slot.selector }));
    byPage.set(pageType, list);
  }
  const forced = previewVariant ? config.variants[previewVariant]?.slot : undefined;
  if (!forced || list.some((s) => s.slotId === forced)) return list;
  const slot = config.slots[forced];
  return slot ? [...list, { slotId: forced, selector: slot.selector }] : list;
}

// Product URL path -> id, built once per published model and isolate instead of a scan per page.
const productsByUrl = new WeakMap<MerchModel, Map<string, string>>();

/** A catalog URL (absolute or a path) as the page path it names: no host, no trailing slash. */
function pathKey(url: string): string | null {
  try {
    const path = new URL(url, "http://catalog.invalid").pathname;
    return path.length > 1 ? path.replace(/\/+$/, "") : path;
  } catch {
    return null;
  }
}

/**
 * The product a page shows according to the published model: the item whose URL is the page's
 * path, whatever the URL rules made of it, else (for a rule that captured a product slug) the
 * demo layout's `/p/<slug>`. Known before the page arrives, wherever the page names its product.
 */
export function productIdForPage(
  model: MerchModel | null,
  pathname: string,
  slug: string | null,
): string | null {
  if (!model) return null;
  let byUrl = productsByUrl.get(model);
  if (!byUrl) {
    byUrl = new Map();
    for (const item of Object.values(model.items)) {
      const key = item.url ? pathKey(item.url) : null;
      if (key && !byUrl.has(key)) byUrl.set(key, item.id);
    }
    productsByUrl.set(model, byUrl);
  }
  const own = pathKey(pathname);
  const byPath = own ? byUrl.get(own) : undefined;
  if (byPath) return byPath;
  return slug ? (byUrl.get(`/p/${encodeURIComponent(slug)}`) ?? null) : null;
}

/**
 * Whether a page can be planned before it arrives: all can but a product page whose URL the
 * published catalog does not know, which waits for its own JSON-LD to say which product it is.
 */
export function plannableBeforePage(pageType: string, urlProductId: string | null): boolean {
  return pageType !== "product" || urlProductId !== null;
}
