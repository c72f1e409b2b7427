import type { Context } from "hono";
import { withBudget, type Budgeted } from "../budget.ts";
import { loadMerchModel } from "../catalog/model-store.ts";
import type { MerchModel } from "../catalog/lists.ts";
import { loadActiveConfig, type ActiveConfig } from "../config/config-store.ts";
import { parseProductJsonLd } from "../context/json-ld.ts";
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
import { isHtml } from "../proxy/cache-policy.ts";
import { forwardToOrigin, LoopDetectedError } from "../proxy/forward.ts";
import { LOOP_HEADER } from "../proxy/headers.ts";
import { fetchStorefront } from "../proxy/storefront.ts";
import { escapeAttribute, rewritePage, type RewriteOutcome } from "../rewrite/page-rewriter.ts";
import { API_PREFIX, settingsOf, type Settings } from "../settings.ts";
import { planPage, type PagePlan } from "./page-plan.ts";
import { readProfile } from "./profile-store.ts";

/** Response header saying what Vitrine did with the page. */
export const VIA_HEADER = "x-vitrine";

type Env_ = { Bindings: Env };

/**
 * The proxy path, in stages:
 *  1. non-GET requests stream straight to the origin;
 *  2. who is asking: bot check, consent (GPC wins), signed identity;
 *  3. what the request says: device, geo, channel, page type;
 *  4. config, profile, session and model lookups start, each within the time budget;
 *  5. the origin page through the shared anonymous cache;
 *  6. non-HTML or non-200 responses pass through untouched;
 *  7. HTML streams through HTMLRewriter; decisions are made when <body> opens;
 *  8. the response is private; Server-Timing says where time went;
 *  9. after the page, the visit is recorded in the visitor's Durable Object.
 * Any failure in 2-4 or 7 serves the origin page as it is.
 */
export async function servePage(c: Context<Env_>): Promise<Response> {
  const settings = settingsOf(c.env);
  const request = c.req.raw;
  // Checked before the cache too: a looping route must fail loudly even on a cache hit.
  if (request.headers.has(LOOP_HEADER)) throw new LoopDetectedError("request already proxied");
  if (request.method !== "GET") {
    return mark(await forwardToOrigin(request, settings), "pass");
  }
  let prepared: Prepared | null = null;
  try {
    prepared = await prepare(c, settings);
  } catch (err) {
    console.error(
      JSON.stringify({
        msg: "personalization setup failed; serving the origin page",
        error: String(err),
      }),
    );
  }
  const page = await fetchStorefront(request, settings, c.executionCtx);
  const timing = [`origin;dur=${page.originMs};desc="${page.cache}"`];
  const response = page.response;
  if (!prepared || response.status !== 200 || !isHtml(response.headers.get("content-type"))) {
    return mark(response, "pass", timing);
  }
  try {
    return await personalize(c, prepared, response, timing);
  } catch (err) {
    console.error(
      JSON.stringify({
        msg: "personalization failed; serving the origin page",
        error: String(err),
      }),
    );
    return mark(response, "error", timing);
  }
}

type Lookups = {
  active: Budgeted<ActiveConfig | null>;
  profile: Budgeted<Profile | null>;
  session: Budgeted<SessionState | null>;
  model: Budgeted<MerchModel | null>;
};

type Prepared = {
  input: DecisionInput;
  identity: Identity;
  productSlug: string | null;
  previewVariant: string | null;
  lookups: Promise<Lookups>;
};

async function prepare(c: Context<Env_>, settings: Settings): Promise<Prepared> {
  const request = c.req.raw;
  const url = new URL(request.url);
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
    url,
    secret: settings.cookieSecret,
    consent,
    isBot: bot.isBot,
    now,
  });
  // The slug lets a product page be known from the URL when the page has no JSON-LD.
  const { productSlug } = matchPage(url.pathname);
  const context = buildRequestContext({
    url,
    headers: request.headers,
    cf,
    isBot: bot.isBot,
    now,
  });
  const budget = settings.budgetMs;
  const { visitorId, sessionId } = identity;
  // Started now, so they run while the origin is fetched.
  const lookups = Promise.all([
    withBudget(budget, () => loadActiveConfig(c.env.CONFIG)),
    withBudget(budget, async () => (visitorId ? readProfile(c.env.PROFILES, visitorId) : null)),
    withBudget(budget, async () =>
      visitorId && sessionId
        ? c.env.VISITOR.get(c.env.VISITOR.idFromName(visitorId)).state(sessionId, now)
        : null,
    ),
    withBudget(budget, () => loadMerchModel(c.env.MODELS)),
  ]).then(([active, profile, session, model]) => ({ active, profile, session, model }));
  const previewVariant = await verifyPreviewToken(
    url.searchParams.get("vt_preview"),
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

async function personalize(
  c: Context<Env_>,
  prepared: Prepared,
  origin: Response,
  timing: string[],
): Promise<Response> {
  const lookups = await prepared.lookups;
  timing.push(
    ...(["active", "profile", "session", "model"] as const).map((name) => {
      const r = lookups[name];
      return `${name === "active" ? "config" : name};dur=${r.ms}${r.ok ? "" : `;desc="${r.reason}"`}`;
    }),
  );
  const active = lookups.active.ok ? lookups.active.value : null;
  if (!active) return mark(origin, "no-config", timing, prepared.identity);
  if (!active.config.enabled) return mark(origin, "off", timing, prepared.identity);

  const input: DecisionInput = {
    ...prepared.input,
    profile: lookups.profile.ok ? lookups.profile.value : null,
    session: lookups.session.ok ? lookups.session.value : null,
  };
  const model = lookups.model.ok ? lookups.model.value : null;
  const { visitorId } = input;
  const mode = !input.consent.personalization
    ? "request-only"
    : visitorId && inHoldout(visitorId, active.config.holdout)
      ? "holdout"
      : "personalized";

  // Product from the page's own JSON-LD; else the URL's slug looked up in the model.
  let jsonLdProduct: string | null = null;
  let plan: PagePlan | null = null;
  let pageContext = input.context;
  const nonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(
    origin.headers.get("content-security-policy") ?? "",
  )?.[1];
  const tracked =
    !input.context.isBot && (input.consent.personalization || input.consent.analytics);

  const { response, outcome } = rewritePage(origin, {
    selectors: Object.entries(active.config.slots).map(([slotId, s]) => ({
      slotId,
      selector: s.selector,
    })),
    onJsonLd(text) {
      jsonLdProduct ??= parseProductJsonLd(text)?.productId ?? null;
    },
    headHtml() {
      const nonceAttr = nonce ? ` nonce="${escapeAttribute(nonce)}"` : "";
      let html = active.config.styles
        ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}" data-vitrine>`
        : "";
      if (tracked) {
        const productId = jsonLdProduct ?? productIdFromSlug(model, prepared.productSlug);
        html +=
          `<script src="${API_PREFIX}/v1/assets/tracker.js" defer${nonceAttr} data-vitrine ` +
          `data-page-type="${escapeAttribute(input.context.pageType)}"` +
          (productId ? ` data-product-id="${escapeAttribute(productId)}"` : "") +
          `></script>`;
      }
      return html;
    },
    async plan() {
      const productId = jsonLdProduct ?? productIdFromSlug(model, prepared.productSlug);
      const categoryId =
        input.context.categoryId ??
        (productId ? (model?.items[productId]?.categoryId ?? null) : null);
      pageContext = { ...input.context, productId, categoryId };
      plan = planPage({
        active,
        input: { ...input, context: pageContext },
        model,
        previewVariant: prepared.previewVariant,
      });
      return plan.slots;
    },
  });

  if (tracked && visitorId && input.consent.personalization) {
    c.executionCtx.waitUntil(
      outcome
        .then((result) => recordVisit(c.env, prepared.identity, pageContext, result, plan))
        .catch((err: unknown) =>
          console.error(JSON.stringify({ msg: "recording the visit failed", error: String(err) })),
        ),
    );
  }
  return mark(
    response,
    prepared.previewVariant ? "preview" : mode,
    timing,
    prepared.identity,
    true,
  );
}

function productIdFromSlug(model: MerchModel | null, slug: string | null): string | null {
  if (!model || !slug) return null;
  const path = `/p/${encodeURIComponent(slug)}`;
  for (const item of Object.values(model.items)) if (item.url === path) return item.id;
  return null;
}

/** The page view, what it showed and to which experiment arms, into the visitor's journey. */
async function recordVisit(
  env: Env,
  identity: Identity,
  ctx: RequestContext,
  result: RewriteOutcome,
  plan: PagePlan | null,
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
      slots: result.applied.map((s) => ({ slot: s.slotId, variant: s.variantId })),
      exposures: (plan?.decision.exposures ?? []).map((e) => ({
        experiment: e.experimentId,
        arm: e.arm,
      })),
      campaign: ctx.campaign,
      referrerHost: ctx.referrerHost,
      country: ctx.country,
      localHour: ctx.localHour,
    },
  };
  await env.VISITOR.get(env.VISITOR.idFromName(identity.visitorId)).track(identity.visitorId, [event]);
}

/**
 * Final headers. A page that carries any visitor-specific content or cookie is private and
 * never stored by shared caches; its length changed, so Content-Length and ETag go.
 */
function mark(
  response: Response,
  mode: string,
  timing: string[] = [],
  identity?: Identity,
  rewritten = false,
): Response {
  const out = new Response(response.body, response);
  out.headers.set(VIA_HEADER, mode);
  if (timing.length)
    out.headers.append("server-timing", [...timing, `vitrine;desc="${mode}"`].join(", "));
  if (rewritten || identity?.setCookies.length) {
    out.headers.set("cache-control", "private, no-store");
    out.headers.delete("etag");
  }
  if (rewritten) out.headers.delete("content-length");
  for (const cookie of identity?.setCookies ?? []) out.headers.append("set-cookie", cookie);
  return out;
}
