import type { Context } from "hono";
import { loadMerchModel } from "../catalog/model-store.ts";
import type { MerchModel } from "../catalog/lists.ts";
import { loadActiveConfig, peekActiveConfig, type ActiveConfig } from "../config/config-store.ts";
import { parseProductJsonLd } from "../context/json-ld.ts";
import { matchPage, type PageMatch } from "../context/page-rules.ts";
import { buildRequestContext, type CfGeo } from "../context/request-context.ts";
import { inHoldout, type DecisionInput } from "../decide/index.ts";
import { detectBot } from "../identity/bots.ts";
import { readSignedCookies } from "../identity/cookies.ts";
import { resolveConsent } from "../identity/consent.ts";
import { verifyPreviewToken } from "../identity/preview-token.ts";
import { resolveIdentity, type Identity } from "../identity/visitor-identity.ts";
import type { Consent, RequestContext } from "../model/context.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { isHtml } from "../proxy/cache-policy.ts";
import { forwardToOrigin, LoopDetectedError } from "../proxy/forward.ts";
import { LOOP_HEADER } from "../proxy/headers.ts";
import { fetchStorefront } from "../proxy/storefront.ts";
import { escapeAttribute, rewritePage, type RewriteOutcome } from "../rewrite/page-rewriter.ts";
import { API_PREFIX, settingsOf, type Settings } from "../settings.ts";
import { Deadline, SKIPPED, type Lookup } from "./deadline.ts";
import { planPage, productIdForPage, slotSelectorsFor, type PagePlan } from "./page-plan.ts";
import { readProfile } from "./profile-store.ts";

/** Response header saying what Vitrine did with the page. */
export const VIA_HEADER = "x-vitrine";

type Env_ = { Bindings: Env };

const CSP_NONCE = /'nonce-([A-Za-z0-9+/=_-]+)'/;

/**
 * The proxy path, in stages:
 *  1. non-GET requests stream straight to the origin;
 *  2. who is asking: bot check, consent (GPC wins), signed identity (each cookie verified once);
 *  3. config, profile, session and model lookups start under one time budget: when the config
 *     is already in memory only what it calls for (nothing with the kill switch on, no visitor
 *     data for the holdout), otherwise all of them in parallel with it;
 *  4. the origin page through the shared anonymous cache, fetched while 2-3 run;
 *  5. non-HTML or non-200 responses pass through untouched;
 *  6. what the request says (device, geo, channel, page type by the config's URL rules);
 *  7. HTML streams through HTMLRewriter; decisions are made when <body> opens;
 *  8. the response is private; Server-Timing says where time went;
 *  9. after the page, the visit is recorded in the visitor's Durable Object (waitUntil).
 * Any failure in 2-3, 6 or 7 serves the origin page as it is.
 */
export async function servePage(c: Context<Env_>): Promise<Response> {
  const settings = settingsOf(c.env);
  const request = c.req.raw;
  // Checked before the cache too: a looping route must fail loudly even on a cache hit.
  if (request.headers.has(LOOP_HEADER)) throw new LoopDetectedError("request already proxied");
  if (request.method !== "GET") {
    return mark(await forwardToOrigin(request, settings), "pass");
  }
  // Identity and lookups are prepared while the page comes from the cache or the origin.
  const preparing = prepare(c, settings).catch((err: unknown) => {
    console.error(
      JSON.stringify({
        msg: "personalization setup failed; serving the origin page",
        error: String(err),
      }),
    );
    return null;
  });
  const page = await fetchStorefront(request, settings, c.executionCtx);
  const prepared = await preparing;
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
  active: Lookup<ActiveConfig | null>;
  profile: Lookup<Profile | null>;
  session: Lookup<SessionState | null>;
  model: Lookup<MerchModel | null>;
};

type Prepared = {
  url: URL;
  cf: (CfGeo & { verifiedBotCategory?: string }) | undefined;
  isBot: boolean;
  now: number;
  consent: Consent;
  identity: Identity;
  previewVariant: string | null;
  lookups: Promise<Lookups>;
};

async function prepare(c: Context<Env_>, settings: Settings): Promise<Prepared> {
  const request = c.req.raw;
  const now = Date.now();
  const cf = request.cf as Prepared["cf"];
  const deadline = new Deadline(settings.budgetMs, now);
  // Nearly always in memory; when it is not, its load starts before anything else.
  const known = peekActiveConfig();
  const active: Promise<Lookup<ActiveConfig | null>> =
    known !== undefined
      ? Promise.resolve({ ok: true, value: known, ms: 0 })
      : deadline.run(() => loadActiveConfig(c.env.CONFIG));

  const bot = detectBot(request.headers, cf);
  const cookieHeader = request.headers.get("cookie");
  const verified = await readSignedCookies(cookieHeader, settings.cookieSecret);
  const consent = resolveConsent(request.headers, verified.consent);
  const url = new URL(request.url);
  const identity = await resolveIdentity({
    cookieHeader,
    verified,
    url,
    secret: settings.cookieSecret,
    consent,
    isBot: bot.isBot,
    now,
  });
  const { visitorId, sessionId } = identity;
  const enabled = known === undefined || (known !== null && known.config.enabled);
  // Profile and session only for an identified visitor who will be personalized: not with the
  // kill switch on and not in the holdout (the decision engine ignores them there anyway).
  const visitorData =
    enabled &&
    visitorId !== null &&
    sessionId !== null &&
    (known == null || !inHoldout(visitorId, known.config.holdout));
  const lookups = Promise.all([
    active,
    visitorData ? deadline.run(() => readProfile(c.env.PROFILES, visitorId)) : SKIPPED,
    visitorData
      ? deadline.run(() =>
          c.env.VISITOR.get(c.env.VISITOR.idFromName(visitorId)).state(sessionId, now),
        )
      : SKIPPED,
    enabled ? deadline.run(() => loadMerchModel(c.env.MODELS)) : SKIPPED,
  ]).then(([active, profile, session, model]) => ({ active, profile, session, model }));

  const token = url.searchParams.get("vt_preview");
  const previewVariant = token ? await verifyPreviewToken(token, now, settings.cookieSecret) : null;
  return { url, cf, isBot: bot.isBot, now, consent, identity, previewVariant, lookups };
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
  const { config } = active;
  if (!config.enabled) return mark(origin, "off", timing, prepared.identity);

  const { url, identity, consent, previewVariant } = prepared;
  const page: PageMatch = matchPage(url.pathname, config.pageRules);
  const context = buildRequestContext({
    url,
    headers: c.req.raw.headers,
    cf: prepared.cf,
    page,
    isBot: prepared.isBot,
    now: prepared.now,
  });
  const input: DecisionInput = {
    context,
    consent,
    visitorId: identity.visitorId,
    profile: lookups.profile.ok ? lookups.profile.value : null,
    session: lookups.session.ok ? lookups.session.value : null,
  };
  const model = lookups.model.ok ? lookups.model.value : null;
  const { visitorId } = input;
  const mode = !consent.personalization
    ? "request-only"
    : visitorId && inHoldout(visitorId, config.holdout)
      ? "holdout"
      : "personalized";

  // Product from the page's own JSON-LD; else the URL looked up in the model.
  let jsonLdProduct: string | null = null;
  const productId = () => jsonLdProduct ?? productIdForPage(model, url.pathname, page.productSlug);
  let plan: PagePlan | null = null;
  let pageContext = context;
  const nonce = CSP_NONCE.exec(origin.headers.get("content-security-policy") ?? "")?.[1];
  const tracked = !context.isBot && (consent.personalization || consent.analytics);

  const { response, outcome } = rewritePage(origin, {
    selectors: slotSelectorsFor(active, context.pageType, previewVariant),
    onJsonLd(text) {
      jsonLdProduct = parseProductJsonLd(text)?.productId ?? null;
      return jsonLdProduct !== null;
    },
    headHtml() {
      const nonceAttr = nonce ? ` nonce="${escapeAttribute(nonce)}"` : "";
      let html = config.styles
        ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}" data-vitrine>`
        : "";
      if (tracked) {
        const product = productId();
        html +=
          `<script src="${API_PREFIX}/v1/assets/tracker.js" defer${nonceAttr} data-vitrine ` +
          `data-page-type="${escapeAttribute(context.pageType)}"` +
          (product ? ` data-product-id="${escapeAttribute(product)}"` : "") +
          `></script>`;
      }
      return html;
    },
    plan() {
      const product = productId();
      const categoryId =
        context.categoryId ?? (product ? (model?.items[product]?.categoryId ?? null) : null);
      pageContext = { ...context, productId: product, categoryId };
      plan = planPage({ active, input: { ...input, context: pageContext }, model, previewVariant });
      return plan.slots;
    },
  });

  if (tracked && visitorId && consent.personalization) {
    c.executionCtx.waitUntil(
      outcome
        .then((result) => recordVisit(c.env, identity, pageContext, result, plan))
        .catch((err: unknown) =>
          console.error(JSON.stringify({ msg: "recording the visit failed", error: String(err) })),
        ),
    );
  }
  return mark(response, previewVariant ? "preview" : mode, timing, identity, true);
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
    },
  };
  await env.VISITOR.get(env.VISITOR.idFromName(identity.visitorId)).track([event]);
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
