import type { Context } from "hono";
import { watchForCatalog } from "../catalog/learn/index.ts";
import { parseProductJsonLd } from "../context/json-ld.ts";
import type { Exposure } from "../decide/index.ts";
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
  settleVisit,
  visitInput,
  visitMode,
  type Visit,
} from "./visit.ts";

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
 *  7. HTML streams through HTMLRewriter with the slots the visitor's object planned (and
 *     recorded as the page view) in the call of step 3; without them, decisions are made here,
 *     before the page by the same rule, or at its first slot when only the page's own JSON-LD
 *     or microdata can say which product it is (again once it has); a page with no slot to
 *     fill and no tracker to carry goes out as the origin sent it; injected tags follow the
 *     page's CSP (rewrite/csp.ts);
 *  8. a rewritten response is private; Server-Timing says where time went;
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
  const lookups = await visit.lookups;
  // A consent withdrawn since the request's choice makes the visit anonymous.
  const prepared = settleVisit(visit, lookups);
  timing.push(...lookupTiming(lookups));
  const active = lookups.active.ok ? lookups.active.value : null;
  const refused = (r: Response) => {
    if (prepared.previewRefused)
      r.headers.set(PREVIEW_HEADER, `refused; ${prepared.previewRefused}`);
    return r;
  };
  const untouched = (mode: string) =>
    refused(mark(answerConditional(c.req.raw, origin), mode, timing, prepared.identity));
  if (!active) return untouched("no-config");
  const { config } = active;
  if (!config.enabled) return untouched("off");

  const { url, identity, consent, previewVariant } = prepared;
  const { page, input } = visitInput(prepared, lookups, active, c.req.raw.headers);
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
  const model = lookups.model.ok ? lookups.model.value : null;
  // A bot gets the same page logic, but is never identified nor tracked: the header says so.
  const mode = previewVariant ? "preview" : context.isBot ? "bot" : visitMode(input, active);

  const tracked = !context.isBot && (consent.personalization || consent.analytics);
  // What the page showed goes to the visitor's object (see recordVisit): only then is it watched.
  const recorded = tracked && !!visitorId && consent.personalization;

  // Planned before the page by the visitor's object (which recorded it), else here by the same
  // rule (plannableBeforePage); a product page the catalog's URLs do not know is planned at its
  // first slot, with the product its JSON-LD or microdata named before it.
  const planHere = (productId: string | null) =>
    plannedPage({ active, input, model, previewVariant }, productId);
  const planned = lookups.planned;
  const urlProduct = planned ? null : productIdForPage(model, url.pathname, page.productSlug);
  const early =
    planned ?? (plannableBeforePage(context.pageType, urlProduct) ? planHere(urlProduct) : null);
  let view = early;
  let pageProduct: string | null = null;
  // A page planned before it arrives watches only its planned slots and no JSON-LD: each
  // handler registered costs a call into JS at each match.
  const selectors = slotSelectorsFor(active, context.pageType, previewVariant);
  const watched = early ? selectors.filter((s) => early.slots.has(s.slotId)) : selectors;
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
  const { response, outcome } = rewritePage(origin, {
    selectors: watched,
    onJsonLd: early
      ? undefined
      : (text) => {
          const id = parseProductJsonLd(text)?.productId ?? null;
          pageProduct ??= id;
          return id !== null;
        },
    onMicrodataProductId: early ? undefined : (id) => void (pageProduct ??= id),
    headHtml() {
      let html =
        wantsStyle && csp.style
          ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}"${nonceAttr} data-vitrine>`
          : "";
      if (early) html += tracker(early.context.productId);
      return html;
    },
    // Only the tracker names the product: on a page that names it itself, it goes at the end,
    // where the product is known wherever the page said it.
    tailHtml: early ? undefined : () => tracker(pageProduct),
    plan() {
      if (!view) view = planHere(pageProduct);
      else if (!early && pageProduct && !view.context.productId) {
        // The page named its product after its first slot: the slots still to come get the
        // plan for it; exposures of both plans stand (each arm is the visitor's either way).
        const next = planHere(pageProduct);
        view = { ...next, exposures: mergeExposures(view.exposures, next.exposures) };
      }
      return view.slots;
    },
    unwatched: !recorded,
  });

  if (outcome) {
    c.executionCtx.waitUntil(
      outcome
        .then((result) =>
          // The object recorded the page as planned; it hears again only if the page differed.
          planned && showedAsPlanned(planned.slots, result.applied)
            ? undefined
            : recordVisit(
                c.env,
                identity,
                withProduct(view?.context ?? context, pageProduct),
                { slots: result.applied, exposures: view?.exposures ?? [] },
                prepared.consentAt,
                prepared.pageViewId,
              ),
        )
        .catch(logRecordFailure),
    );
  }
  const out = mark(response, mode, timing, identity, true);
  if (cspBlocked) out.headers.set(CSP_HEADER, cspBlocked);
  return refused(out);
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
