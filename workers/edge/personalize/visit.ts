import { withBudget, type Budgeted } from "../budget.ts";
import type { MerchModel } from "../catalog/lists.ts";
import { loadMerchModel } from "../catalog/model-store.ts";
import { loadActiveConfig, type ActiveConfig } from "../config/config-store.ts";
import { matchPage } from "../context/page-rules.ts";
import { buildRequestContext } from "../context/request-context.ts";
import { inHoldout, type DecisionInput } from "../decide/index.ts";
import { detectBot } from "../identity/bots.ts";
import { readSignedCookies } from "../identity/cookies.ts";
import { resolveConsent } from "../identity/consent.ts";
import { verifyPreviewToken } from "../identity/preview-token.ts";
import { resolveIdentity, type Identity } from "../identity/visitor-identity.ts";
import type { RequestContext } from "../model/context.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import type { Settings } from "../settings.ts";
import { readProfile } from "./profile-store.ts";

/**
 * One visit to one page, as both the HTML path (serve-page.ts) and the SPA decision API see
 * it: who is asking, what the request says, and the lookups that run within the time budget.
 * The same function for both keeps their decisions identical (sticky across navigations).
 */
export type Lookups = {
  active: Budgeted<ActiveConfig | null>;
  profile: Budgeted<Profile | null>;
  session: Budgeted<SessionState | null>;
  model: Budgeted<MerchModel | null>;
};

export type Visit = {
  input: DecisionInput;
  identity: Identity;
  /** The product slug in the URL, for pages without JSON-LD. */
  productSlug: string | null;
  previewVariant: string | null;
  lookups: Promise<Lookups>;
};

export type VisitRequest = {
  request: Request;
  env: Env;
  settings: Settings;
  /** The page visited: the request's own URL for HTML, the SPA's route for the API. */
  pageUrl: URL;
  /** The page's referrer, when it is not the request's own (an SPA's landing referrer). */
  referrer?: string | null;
};

export async function prepareVisit(v: VisitRequest): Promise<Visit> {
  const { request, env, settings, pageUrl } = v;
  const now = Date.now();
  const cf = request.cf as
    (IncomingRequestCfProperties & { verifiedBotCategory?: string }) | undefined;
  const bot = detectBot(request.headers, cf);
  const cookieHeader = request.headers.get("cookie");
  const cookies = await readSignedCookies(cookieHeader, settings.cookieSecret);
  const consent = resolveConsent(request.headers, cookies.consent);
  const identity = await resolveIdentity({
    cookies,
    cookieHeader,
    url: new URL(request.url),
    secret: settings.cookieSecret,
    consent,
    isBot: bot.isBot,
    now,
  });
  // The slug lets a product page be known from the URL when the page has no JSON-LD.
  const { productSlug } = matchPage(pageUrl.pathname);
  const headers =
    v.referrer === undefined ? request.headers : withReferrer(request.headers, v.referrer);
  const context = buildRequestContext({ url: pageUrl, headers, cf, isBot: bot.isBot, now });
  const budget = settings.budgetMs;
  const { visitorId, sessionId } = identity;
  // Started now, so they run while the origin is fetched.
  const lookups = Promise.all([
    withBudget(budget, () => loadActiveConfig(env.CONFIG)),
    withBudget(budget, async () => (visitorId ? readProfile(env.PROFILES, visitorId) : null)),
    withBudget(budget, async () =>
      visitorId && sessionId
        ? env.VISITOR.get(env.VISITOR.idFromName(visitorId)).state(sessionId, now)
        : null,
    ),
    withBudget(budget, () => loadMerchModel(env.MODELS)),
  ]).then(([active, profile, session, model]) => ({ active, profile, session, model }));
  const previewVariant = await verifyPreviewToken(
    pageUrl.searchParams.get("vt_preview"),
    now,
    settings.cookieSecret,
  );
  return {
    input: { context, consent, visitorId, profile: null, session: null },
    identity,
    productSlug,
    previewVariant,
    lookups,
  };
}

function withReferrer(headers: Headers, referrer: string | null): Headers {
  const copy = new Headers(headers);
  if (referrer) copy.set("referer", referrer);
  else copy.delete("referer");
  return copy;
}

export type VisitMode = "request-only" | "holdout" | "personalized";

/** What personalization this visit gets under the active config. */
export function visitMode(input: DecisionInput, active: ActiveConfig): VisitMode {
  if (!input.consent.personalization) return "request-only";
  return input.visitorId && inHoldout(input.visitorId, active.config.holdout)
    ? "holdout"
    : "personalized";
}

/** `Server-Timing` entries for the lookups. */
export function lookupTiming(lookups: Lookups): string[] {
  return (["active", "profile", "session", "model"] as const).map((name) => {
    const r = lookups[name];
    return `${name === "active" ? "config" : name};dur=${r.ms}${r.ok ? "" : `;desc="${r.reason}"`}`;
  });
}

/** The product a URL slug names in the published model (pages without JSON-LD). */
export function productIdFromSlug(model: MerchModel | null, slug: string | null): string | null {
  if (!model || !slug) return null;
  const path = `/p/${encodeURIComponent(slug)}`;
  for (const item of Object.values(model.items)) if (item.url === path) return item.id;
  return null;
}

export type Shown = {
  slots: { slotId: string; variantId: string }[];
  exposures: { experimentId: string; arm: string }[];
};

/** The page view, what it showed and to which experiment arms, into the visitor's journey. */
export async function recordVisit(
  env: Env,
  identity: Identity,
  ctx: RequestContext,
  shown: Shown,
): Promise<void> {
  if (!identity.visitorId || !identity.sessionId) return;
  const event: TrackedEvent = {
    id: crypto.randomUUID(),
    type: "page_view",
    at: ctx.now,
    sessionId: identity.sessionId,
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
  await env.VISITOR.get(env.VISITOR.idFromName(identity.visitorId)).track(identity.visitorId, [
    event,
  ]);
}
