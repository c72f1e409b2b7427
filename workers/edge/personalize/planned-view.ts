import { loadMerchModel } from "../catalog/model-store.ts";
import { loadActiveConfig } from "../config/config-store.ts";
import type { Exposure } from "../decide/index.ts";
import type { Consent, RequestContext } from "../model/context.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import type { RenderedSlot } from "../rewrite/page-rewriter.ts";
import {
  planForProduct,
  plannableBeforePage,
  productIdForPage,
  type PlanInput,
} from "./page-plan.ts";

/**
 * A page view as the proxy sees it before the page arrives, for the visitor's object to plan
 * and record in the same call (see VisitorSession.view).
 */
export type ViewRequest = {
  visitorId: string;
  sessionId: string;
  now: number;
  /** When the consent choice the request carries was made (see isVoidedByWithdrawal). */
  consentAt: number | null;
  /** The page view's id, chosen by the proxy so it can correct the record after the page. */
  eventId: string;
  /** The config the proxy rewrites with: the plan must come from the same one. */
  configVersion: number;
  context: RequestContext;
  consent: Consent;
  pathname: string;
  productSlug: string | null;
};

/** What the object planned and recorded: the slots are rendered, ready for the rewriter. */
export type PlannedView = {
  eventId: string;
  /** The request context with the page's product and category filled in. */
  context: RequestContext;
  slots: Map<string, RenderedSlot>;
  exposures: Exposure[];
};

/**
 * Plans the page where the visitor's profile and session are. Null when it cannot be planned
 * before the page arrives: a product page whose URL the published catalog does not know (its
 * own JSON-LD will say which product it is), or a config this isolate has not caught up with.
 */
export async function planView(
  env: Pick<Env, "CONFIG" | "MODELS">,
  req: ViewRequest,
  profile: Profile | null,
  session: SessionState | null,
): Promise<PlannedView | null> {
  const active = await loadActiveConfig(env.CONFIG);
  if (active?.version !== req.configVersion) return null;
  const model = await loadMerchModel(env.MODELS);
  const productId = productIdForPage(model, req.pathname, req.productSlug);
  if (!plannableBeforePage(req.context.pageType, productId)) return null;
  const input = {
    context: req.context,
    consent: req.consent,
    visitorId: req.visitorId,
    profile,
    session,
  };
  return {
    eventId: req.eventId,
    ...plannedPage({ active, input, model, previewVariant: null }, productId),
  };
}

/** The page planned for `productId`, as the rewriter and the page-view record take it. */
export function plannedPage(
  plan: PlanInput,
  productId: string | null,
): Omit<PlannedView, "eventId"> {
  const { context, plan: page } = planForProduct(plan, productId);
  return { context, slots: page.slots, exposures: page.decision.exposures };
}
