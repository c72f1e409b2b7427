import type { Context } from "hono";
import { watchForCatalog } from "../catalog/learn/index.ts";
import { parseProductJsonLd } from "../context/json-ld.ts";
import type { DecisionInput, Exposure } from "../decide/index.ts";
import type { ActiveConfig } from "../config/config-store.ts";
import type { RenderedSlot } from "../rewrite/page-rewriter.ts";
import type { Identity } from "../identity/visitor-identity.ts";
import { isHtml } from "../proxy/cache-policy.ts";
import { answerConditional } from "../proxy/conditional.ts";
import { forwardToOrigin, LoopDetectedError } from "../proxy/forward.ts";
import { LOOP_HEADER } from "../proxy/headers.ts";
import { fetchStorefront } from "../proxy/storefront.ts";
import { cspAllowance, cspReport } from "../rewrite/csp.ts";
import { escapeAttribute, rewritePage } from "../rewrite/page-rewriter.ts";
import { API_PREFIX, settingsOf } from "../settings.ts";
import { plannableBeforePage, productIdForPage, slotSelectorsFor } from "./page-plan.ts";
import { showedAsPlanned } from "./page-view.ts";
import { isPersonaRequest, servePersonaPreview } from "./persona-preview.ts";
import { plannedPage } from "./planned-view.ts";
import {
  lookupTiming,
  prepareVisit,
  recordVisit,
  settlePreview,
  settleVisit,
  visitInput,
  visitMode,
  type Lookups,
  type Visit,
} from "./visit.ts";
import { SKIPPED } from "./deadline.ts";

/** Response header saying what Vitrine did with the page. */
export const VIA_HEADER = "x-vitrine";

type Env_ = { Bindings: Env };

/** Response header saying why the request's preview token forced nothing (see settleVisit). */
export const PREVIEW_HEADER = "x-vitrine-preview";

/** Response header naming what the page's CSP kept Vitrine from adding (see rewrite/csp.ts). */
export const CSP_HEADER = "x-vitrine-csp";

/**
 * The proxy path, in stages:
 *  1. requests other than GET and HEAD stream straight to the origin; a HEAD takes every
 *     decision a GET would (same headers) but records no page view and has no body;
 *  2. who is asking: bot check, consent (GPC wins), signed identity (each cookie verified once);
 *  3. config, profile, session and model lookups start under one time budget: when the config
 *     is already in memory only what it calls for (nothing with the kill switch on, no visitor
 *     data for the holdout), otherwise all of them in parallel with it;
 *  4. the origin page through the shared anonymous cache, fetched while 2-3 run;
 *  5. non-HTML or non-200 responses pass through untouched (a matching validator gets a 304:
 *     the origin always sends the full page, see proxy/headers.ts);
 *  6. what the request says (device, geo, channel, page type by the config's URL rules);
 *  7. the headers and the head (stylesheet, tracker) go out as soon as the page and the config
 *     and model are there: they never wait for the visitor's data. HTML streams through
 *     HTMLRewriter; the first slot waits (within the budget) for the slots the visitor's object
 *     planned and recorded as the page view in the call of step 3; without them, decisions
 *     are made there by the same rule, with the product the URL names or, failing that, the
 *     one the page's JSON-LD or microdata named before it (again once it has); a page with no
 *     slot to fill and no tracker to carry goes out as the origin sent it; injected tags follow
 *     the page's CSP (rewrite/csp.ts);
 *  8. a rewritten response is private; Server-Timing says where time went (the visitor's
 *     lookups, still running when it is sent, are `deferred`: their failures are logged);
 *  9. after the page, the page view is recorded in the visitor's Durable Object, or corrected
 *     when the page showed other slots than the object planned (waitUntil); a product page
 *     due to teach the catalog (config `catalog.learnFromPages`) is read from a copy of its
 *     body there too (catalog/learn).
 * Any failure in 2-3, 6 or 7 serves the origin page as it is.
 */
export async function servePage(c: Context<Env_>): Promise<Response> {
  const settings = settingsOf(c.env);
  const request = c.req.raw;
  // Checked before the cache too: a looping route must fail loudly even on a cache hit.
  if (request.headers.has(LOOP_HEADER)) throw new LoopDetectedError("request already proxied");
  if (request.method !== "GET" && request.method !== "HEAD") {
    return mark(await forwardToOrigin(request, settings), "pass");
  }
  // A signed persona preview: the page as a made-up visitor sees it, nothing recorded.
  if (isPersonaRequest(new URL(request.url))) return servePersonaPreview(c);
  const pageView = request.method === "GET";
  // Identity and lookups are prepared while the page comes from the cache or the origin.
  const preparing = prepareVisit(request, c.env, settings, { pageView }).catch((err: unknown) => {
    console.error(
      JSON.stringify({
        msg: "personalization setup failed; serving the origin page",
        error: String(err),
      }),
    );
    return null;
  });
  const page = await fetchStorefront(request, settings, c.executionCtx).catch((err: unknown) => {
    void preparing.then((prepared) => nothingShown(c, prepared));
    throw err;
  });
  const prepared = await preparing;
  const timing = [`origin;dur=${page.originMs};desc="${page.cache}"`];
  const response = page.response;
  if (
    !prepared ||
    response.status !== 200 ||
    !isHtml(response.headers.get("content-type")) ||
    // An encoding the runtime did not decode (see proxy/headers.ts): bytes no rewriter can read.
    response.headers.has("content-encoding")
  ) {
    nothingShown(c, prepared);
    return mark(answerConditional(request, response), "pass", timing);
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
    nothingShown(c, prepared);
    return mark(response, "error", timing);
  }
}

/**
 * The visitor's object recorded the page as it planned it, but the visitor got none of that
 * (a redirect, an error, not HTML, a failure here): the record is corrected to show nothing.
 */
function nothingShown(c: Context<Env_>, visit: Visit | null): void {
  if (!visit?.pageViewId) return;
  const { identity, consentAt, pageViewId } = visit;
  c.executionCtx.waitUntil(
    visit.lookups
      .then(
        ({ planned }) =>
          planned &&
          recordVisit(
            c.env,
            identity,
            planned.context,
            { slots: [], exposures: [] },
            consentAt,
            pageViewId,
          ),
      )
      .catch(logRecordFailure),
  );
}

function logRecordFailure(err: unknown): void {
  console.error(JSON.stringify({ msg: "recording the visit failed", error: String(err) }));
}

async function personalize(
  c: Context<Env_>,
  visit: Visit,
  origin: Response,
  timing: string[],
): Promise<Response> {
  // Headers and head wait for the config and the model only (nearly always in memory); the
  // visitor's object and profile are awaited at the page's first slot (see VisitorData).
  const shared = await visit.shared;
  const previewed = settlePreview(visit, shared.active);
  timing.push(...lookupTiming({ ...shared, ...(visit.visitorData ? {} : NO_VISITOR_DATA) }));
  const active = shared.active.ok ? shared.active.value : null;
  const refused = (r: Response) => {
    if (previewed.previewRefused)
      r.headers.set(PREVIEW_HEADER, `refused; ${previewed.previewRefused}`);
    return r;
  };
  const untouched = (mode: string) =>
    refused(mark(answerConditional(c.req.raw, origin), mode, timing, previewed.identity));
  if (!active) return untouched("no-config");
  const { config } = active;
  if (!config.enabled) return untouched("off");

  const { url, identity, consent, previewVariant } = previewed;
  const headers = c.req.raw.headers;
  const { page, input } = visitInput(previewed, NO_VISITOR_DATA, active, headers);
  const { context, visitorId } = input;
  // Product pages teach the catalog from a copy of their body, read after the page (see
  // catalog/learn): same bytes to the visitor, no wait here.
  if (c.req.method === "GET")
    origin = watchForCatalog(
      origin,
      {
        url,
        pageType: context.pageType,
        learnFromPages: config.catalog?.learnFromPages ?? false,
        currency: config.defaults.currency,
      },
      c.env,
      settingsOf(c.env),
      c.executionCtx,
    );
  const model = shared.model.ok ? shared.model.value : null;
  // A bot gets the same page logic, but is never identified nor tracked: the header says so.
  const mode = previewVariant ? "preview" : context.isBot ? "bot" : visitMode(input, active);

  const tracked = !context.isBot && (consent.personalization || consent.analytics);
  // What the page showed goes to the visitor's object (see recordVisit): only then is it watched.
  const recorded = tracked && !!visitorId && consent.personalization;

  // A page the catalog's URLs name is planned before it arrives (by the visitor's object, which
  // records it, else here by the same rule); any other product page at its first slot, with the
  // product its JSON-LD or microdata named before it.
  const urlProduct = productIdForPage(model, url.pathname, page.productSlug);
  const beforePage = plannableBeforePage(context.pageType, urlProduct);
  const visitor = visitorData(visit, active, headers);
  // Without visitor data to wait for (no consent, holdout, kill switch) nothing is asked of the
  // object: what follows is known now, and the page needs no handler for slots it cannot fill.
  const known = visit.visitorData ? null : await visitor;
  const planHere = (data: VisitorData, productId: string | null) =>
    plannedPage({ active, input: data.input, model, previewVariant }, productId);
  let view = known && beforePage ? planHere(known, urlProduct) : null;
  let pageProduct: string | null = null;
  const planWith = (data: VisitorData): Map<string, RenderedSlot> => {
    if (!view) view = data.lookups.planned ?? planHere(data, beforePage ? urlProduct : pageProduct);
    else if (!beforePage && pageProduct && !view.context.productId) {
      // The page named its product after its first slot: the slots still to come get the
      // plan for it; exposures of both plans stand (each arm is the visitor's either way).
      const next = planHere(data, pageProduct);
      view = { ...next, exposures: mergeExposures(view.exposures, next.exposures) };
    }
    return view.slots;
  };
  // Each handler registered costs a call into JS at each match: a page planned already
  // watches only its planned slots.
  const selectors = slotSelectorsFor(active, context.pageType, previewVariant);
  const watched = view ? selectors.filter((s) => view!.slots.has(s.slotId)) : selectors;
  // Nothing to write into the page (no slot can apply, no tracker is wanted): the shop's page
  // goes out as it came, caching headers and validators included, and no page view is kept.
  if (!tracked && watched.length === 0) return untouched(mode);
  // A HEAD answers with the headers the GET would have, without the page (none came).
  if (c.req.method === "HEAD") return mark(origin, mode, timing, identity, true);

  // Injected tags carry the origin's CSP nonce; what its policy would block is left out.
  const csp = cspAllowance(origin.headers.get("content-security-policy"), url);
  const wantsStyle = !!config.styles && watched.length > 0;
  const cspBlocked = cspReport(csp, { style: wantsStyle, script: tracked });
  const nonceAttr = csp.nonce ? ` nonce="${escapeAttribute(csp.nonce)}"` : "";
  const tracker = (product: string | null) =>
    tracked && csp.script
      ? `<script src="${API_PREFIX}/v1/assets/tracker.js" defer${nonceAttr} data-vitrine ` +
        `data-page-type="${escapeAttribute(context.pageType)}"` +
        (product ? ` data-product-id="${escapeAttribute(product)}"` : "") +
        `></script>`
      : "";
  // A page planned before it arrives carries the tracker in its head. Its end hears what the
  // visitor's object said: a page that named its product gets the tracker there, and a visitor
  // who withdrew (their replayed ids got a page whose headers were out before the object said
  // so) gets a request that expires those ids instead (see consent's GET).
  const tail = async () => {
    const data = known ?? (await visitor);
    if (data.lookups.withdrawn) return idsExpiry();
    return beforePage ? "" : tracker(pageProduct);
  };
  const { response, outcome } = rewritePage(origin, {
    selectors: watched,
    onJsonLd: beforePage
      ? undefined
      : (text) => {
          const id = parseProductJsonLd(text)?.productId ?? null;
          pageProduct ??= id;
          return id !== null;
        },
    onMicrodataProductId: beforePage ? undefined : (id) => void (pageProduct ??= id),
    headHtml() {
      let html =
        wantsStyle && csp.style
          ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}"${nonceAttr} data-vitrine>`
          : "";
      if (beforePage) html += tracker(urlProduct);
      return html;
    },
    tailHtml: known && beforePage ? undefined : tail,
    // The first slot waits for the visitor's data (under the lookup budget); the head, CSS and
    // preloads are out by then.
    plan: () => (known ? planWith(known) : visitor.then(planWith)),
    unwatched: !recorded,
  });

  if (outcome) {
    c.executionCtx.waitUntil(
      Promise.all([outcome, visitor])
        .then(([result, { lookups, settled }]) =>
          // The object recorded the page as planned; it hears again only if the page differed.
          lookups.planned && showedAsPlanned(lookups.planned.slots, result.applied)
            ? undefined
            : recordVisit(
                c.env,
                settled.identity,
                withProduct(view?.context ?? context, pageProduct),
                { slots: result.applied, exposures: view?.exposures ?? [] },
                settled.consentAt,
                settled.pageViewId,
              ),
        )
        .catch(logRecordFailure),
    );
  }
  const out = mark(response, mode, timing, identity, true);
  if (cspBlocked) out.headers.set(CSP_HEADER, cspBlocked);
  return refused(out);
}

/** The visitor's side of the visit: their object's and profile's answers, settled. */
type VisitorData = { lookups: Lookups; settled: Visit; input: DecisionInput };

const NO_VISITOR_DATA = { profile: SKIPPED, session: SKIPPED };

function visitorData(visit: Visit, active: ActiveConfig, headers: Headers): Promise<VisitorData> {
  return visit.lookups.then((lookups) => {
    // The preview as the headers settled it; a consent withdrawn since the request's choice
    // makes the visit anonymous.
    const settled = settleVisit(visit, lookups);
    for (const name of ["profile", "session"] as const) {
      const r = lookups[name];
      if (!r.ok && r.reason !== "skipped")
        console.warn(
          JSON.stringify({ msg: `visitor ${name} lookup failed; page goes on without it`, ...r }),
        );
    }
    return { lookups, settled, input: visitInput(settled, lookups, active, headers).input };
  });
}

/**
 * A replayed visitor id whose owner withdrew: the page's headers were out before the object
 * said so, so the browser is asked to fetch the consent state, which expires the ids.
 */
function idsExpiry(): string {
  return `<img src="${API_PREFIX}/v1/consent" alt="" width="1" height="1" hidden referrerpolicy="no-referrer" data-vitrine>`;
}

function mergeExposures(a: Exposure[], b: Exposure[]): Exposure[] {
  const seen = new Set(a.map((e) => e.experimentId));
  return [...a, ...b.filter((e) => !seen.has(e.experimentId))];
}

/** The page's context with the product the page named, when the plan was made without it. */
function withProduct<T extends { productId: string | null }>(
  context: T,
  product: string | null,
): T {
  return context.productId || !product ? context : { ...context, productId: product };
}

/**
 * Final headers. A page that carries any visitor-specific content or cookie is private and
 * never stored by shared caches; a rewritten page is not the origin's bytes, so its length,
 * validators and byte ranges go.
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
  if (rewritten)
    for (const name of ["content-length", "last-modified", "accept-ranges"])
      out.headers.delete(name);
  for (const cookie of identity?.setCookies ?? []) out.headers.append("set-cookie", cookie);
  return out;
}
