import type { Context } from "hono";
import { parseProductJsonLd } from "../context/json-ld.ts";
import type { Identity } from "../identity/visitor-identity.ts";
import { isHtml } from "../proxy/cache-policy.ts";
import { forwardToOrigin, LoopDetectedError } from "../proxy/forward.ts";
import { LOOP_HEADER } from "../proxy/headers.ts";
import { fetchStorefront } from "../proxy/storefront.ts";
import { escapeAttribute, rewritePage } from "../rewrite/page-rewriter.ts";
import { API_PREFIX, settingsOf } from "../settings.ts";
import { plannableBeforePage, productIdForPage, slotSelectorsFor } from "./page-plan.ts";
import { showedAsPlanned } from "./page-view.ts";
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
 *  7. HTML streams through HTMLRewriter with the slots the visitor's object planned (and
 *     recorded as the page view) in the call of step 3; without them, decisions are made here,
 *     before the page by the same rule, or at its first slot when a product page's own JSON-LD
 *     must say which product it is;
 *  8. the response is private; Server-Timing says where time went;
 *  9. after the page, the page view is recorded in the visitor's Durable Object, or corrected
 *     when the page showed other slots than the object planned (waitUntil).
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
  const preparing = prepareVisit(request, c.env, settings, { pageView: true }).catch(
    (err: unknown) => {
      console.error(
        JSON.stringify({
          msg: "personalization setup failed; serving the origin page",
          error: String(err),
        }),
      );
      return null;
    },
  );
  const page = await fetchStorefront(request, settings, c.executionCtx).catch((err: unknown) => {
    void preparing.then((prepared) => nothingShown(c, prepared));
    throw err;
  });
  const prepared = await preparing;
  const timing = [`origin;dur=${page.originMs};desc="${page.cache}"`];
  const response = page.response;
  if (!prepared || response.status !== 200 || !isHtml(response.headers.get("content-type"))) {
    nothingShown(c, prepared);
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
  if (!active) return mark(origin, "no-config", timing, prepared.identity);
  const { config } = active;
  if (!config.enabled) return mark(origin, "off", timing, prepared.identity);

  const { url, identity, consent, previewVariant } = prepared;
  const { page, input } = visitInput(prepared, lookups, active, c.req.raw.headers);
  const { context, visitorId } = input;
  const model = lookups.model.ok ? lookups.model.value : null;
  const mode = visitMode(input, active);

  const nonce = CSP_NONCE.exec(origin.headers.get("content-security-policy") ?? "")?.[1];
  const tracked = !context.isBot && (consent.personalization || consent.analytics);
  // What the page showed goes to the visitor's object (see recordVisit): only then is it watched.
  const recorded = tracked && !!visitorId && consent.personalization;

  // Planned before the page by the visitor's object (which recorded it), else here by the same
  // rule (plannableBeforePage); a page that waits for its JSON-LD is planned at its first slot.
  const planHere = (productId: string | null) =>
    plannedPage({ active, input, model, previewVariant }, productId);
  const planned = lookups.planned;
  const urlProduct = planned ? null : productIdForPage(model, url.pathname, page.productSlug);
  const early =
    planned ?? (plannableBeforePage(context.pageType, urlProduct) ? planHere(urlProduct) : null);
  let view = early;
  let jsonLdProduct: string | null = null;
  // A page planned before it arrives watches only its planned slots and no JSON-LD: each
  // handler registered costs a call into JS at each match.
  const selectors = slotSelectorsFor(active, context.pageType, previewVariant);
  const { response, outcome } = rewritePage(origin, {
    selectors: early ? selectors.filter((s) => early.slots.has(s.slotId)) : selectors,
    onJsonLd: early
      ? undefined
      : (text) => {
          jsonLdProduct = parseProductJsonLd(text)?.productId ?? null;
          return jsonLdProduct !== null;
        },
    // Only the tracker names the product, and only an unplanned page learns it from JSON-LD.
    headAfterJsonLd: tracked && !early,
    headHtml() {
      const nonceAttr = nonce ? ` nonce="${escapeAttribute(nonce)}"` : "";
      let html = config.styles
        ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}" data-vitrine>`
        : "";
      if (tracked) {
        const product = early ? early.context.productId : jsonLdProduct;
        html +=
          `<script src="${API_PREFIX}/v1/assets/tracker.js" defer${nonceAttr} data-vitrine ` +
          `data-page-type="${escapeAttribute(context.pageType)}"` +
          (product ? ` data-product-id="${escapeAttribute(product)}"` : "") +
          `></script>`;
      }
      return html;
    },
    plan() {
      view ??= planHere(jsonLdProduct);
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
                view?.context ?? context,
                { slots: result.applied, exposures: view?.exposures ?? [] },
                prepared.consentAt,
                prepared.pageViewId,
              ),
        )
        .catch(logRecordFailure),
    );
  }
  return mark(response, previewVariant ? "preview" : mode, timing, identity, true);
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
