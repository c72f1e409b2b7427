import type { Context } from "hono";
import type { MerchModel } from "../catalog/lists.ts";
import { loadMerchModel } from "../catalog/model-store.ts";
import * as clock from "../clock.ts";
import { configKey, loadActiveConfig, type ActiveConfig } from "../config/config-store.ts";
import { parseConfig, type DecisionInput } from "../decide/index.ts";
import { personaInput, type Persona } from "../decide/persona.ts";
import { isPersonaToken, verifyPersonaToken } from "../identity/preview-token.ts";
import { isHtml } from "../proxy/cache-policy.ts";
import { fetchStorefront } from "../proxy/storefront.ts";
import { cspAllowance } from "../rewrite/csp.ts";
import { escapeAttribute, rewritePage } from "../rewrite/page-rewriter.ts";
import { API_PREFIX, settingsOf } from "../settings.ts";
import { planForProduct, productIdForPage, slotSelectorsFor, type PagePlan } from "./page-plan.ts";
import { seePage } from "./visit.ts";

/** `x-vitrine` on a page shown as a persona. */
export const PERSONA_MODE = "persona-preview";

/** Whether the request asks for a persona preview (a `vt_preview` persona token, checked or not). */
export const isPersonaRequest = (url: URL): boolean =>
  isPersonaToken(url.searchParams.get("vt_preview"));

/**
 * The config a persona preview decides with: a recorded version (a draft, say) when one is
 * named, else the active one. Null when there is none, or the version is missing or invalid.
 */
export async function previewConfig(
  env: Pick<Env, "CONFIG">,
  version: number | null,
): Promise<ActiveConfig | null> {
  const active = await loadActiveConfig(env.CONFIG);
  if (version === null || active?.version === version) return active;
  const text = await env.CONFIG.get(configKey(version));
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = parseConfig(json);
  return parsed.ok ? { version, config: parsed.config } : null;
}

/**
 * The persona's decision input on `url` and the page planned for it, by the same engine and
 * renderer as real traffic. Only the URL counts from the request (URL rules, query): device,
 * channel and time come from the persona or neutral defaults, so the admin API's explanation
 * and the page the preview link shows are decided on the same facts.
 */
export function personaPlan(
  active: ActiveConfig,
  url: URL,
  persona: Persona,
  model: MerchModel | null,
  now: number,
): { input: DecisionInput; plan: PagePlan } {
  const { page, context: seen } = seePage(url, new Headers(), undefined, false, now, active);
  const input = personaInput(persona, seen, active.config);
  const productId = productIdForPage(model, url.pathname, page.productSlug);
  const planned = planForProduct({ active, input, model, previewVariant: null }, productId);
  return { input: { ...input, context: planned.context }, plan: planned.plan };
}

/** The merchandising model for product lists; a preview without one shows no lists. */
export const previewModel = (env: Pick<Env, "MODELS">): Promise<MerchModel | null> =>
  loadMerchModel(env.MODELS).catch(() => null);

/**
 * A shop page as a persona sees it (`?vt_preview=persona...`, see createPersonaToken). Nothing
 * is recorded: no visitor id or cookie, no Durable Object call, no page view, no exposure, no
 * tracker. The response is private and never stored. A token that does not verify applies no
 * persona: the shop's page goes out untouched, with `x-vitrine-preview: refused; <why>`.
 */
export async function servePersonaPreview(c: Context<{ Bindings: Env }>): Promise<Response> {
  const settings = settingsOf(c.env);
  const request = c.req.raw;
  const url = new URL(request.url);
  const now = clock.now();
  const check = await verifyPersonaToken(
    url.searchParams.get("vt_preview"),
    now,
    settings.cookieSecret,
  );
  const [page, active, model] = await Promise.all([
    fetchStorefront(request, settings, c.executionCtx, now),
    check.ok ? previewConfig(c.env, check.configVersion).catch(() => null) : null,
    check.ok ? previewModel(c.env) : null,
  ]);
  const origin = page.response;
  if (!check.ok) return privately(origin, "pass", `refused; ${check.reason}`);
  if (!active)
    return privately(
      origin,
      "pass",
      `refused; ${check.configVersion === null ? "no-config" : "unknown-version"}`,
    );
  const preview = `persona; config=${active.version}`;
  if (
    origin.status !== 200 ||
    !isHtml(origin.headers.get("content-type")) ||
    origin.headers.has("content-encoding")
  )
    return privately(origin, "pass", preview);
  try {
    const { input, plan } = personaPlan(active, url, check.persona, model, now);
    const csp = cspAllowance(origin.headers.get("content-security-policy"), url);
    const nonce = csp.nonce ? ` nonce="${escapeAttribute(csp.nonce)}"` : "";
    const { response } = rewritePage(origin, {
      selectors: slotSelectorsFor(active, input.context.pageType, null),
      headHtml: () =>
        active.config.styles && csp.style
          ? `<link rel="stylesheet" href="${API_PREFIX}/v1/assets/modules.css?v=${active.version}"${nonce} data-vitrine>`
          : "",
      plan: () => plan.slots,
      unwatched: true,
    });
    return privately(response, PERSONA_MODE, preview, true);
  } catch (err) {
    // Fail open: the shop's page, as it came.
    console.error(JSON.stringify({ msg: "persona preview failed", error: String(err) }));
    return privately(origin, "error", preview);
  }
}

/** Private, never stored, never indexed; a rewritten page loses the origin's validators. */
function privately(response: Response, mode: string, preview: string, rewritten = false) {
  const out = new Response(response.body, response);
  out.headers.set("x-vitrine", mode);
  out.headers.set("x-vitrine-preview", preview);
  out.headers.set("cache-control", "private, no-store");
  out.headers.set("x-robots-tag", "noindex");
  out.headers.delete("etag");
  out.headers.delete("last-modified");
  // The dashboard frames previews from the same origin.
  if (/^\s*deny\s*$/i.test(out.headers.get("x-frame-options") ?? ""))
    out.headers.set("x-frame-options", "SAMEORIGIN");
  if (rewritten) for (const name of ["content-length", "accept-ranges"]) out.headers.delete(name);
  return out;
}
