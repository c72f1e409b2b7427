import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors.ts";
import { settingsOf } from "../settings.ts";

/** Where a state-changing request came from, as the browser told it. */
export type RequestSite = {
  /** The request's `Origin` header (`"null"` for an opaque origin), if sent. */
  origin: string | null;
  /** The request's `Sec-Fetch-Site` header, if sent. */
  fetchSite: string | null;
  /** The public origin the request arrived on. */
  self: string;
  /** The shop's other origins allowed to call the API (SHOP_ORIGINS). */
  shopOrigins: readonly string[];
};

/**
 * Why a state-changing request must be refused as cross-site, or null to let it through.
 *  - `Origin` decides when sent (browsers send it on every POST): this origin or one of the
 *    shop's SHOP_ORIGINS passes; `null` (sandboxed frames, redirects from another site) and any
 *    other origin are refused.
 *  - Without it, `Sec-Fetch-Site` decides: only `same-origin` and `none` (the visitor's own
 *    navigation) pass.
 *  - With neither, the caller is not a browser (curl, a server): it carries no visitor's
 *    cookies but its own, so there is nobody to forge a request for, and it passes.
 */
export function crossSiteRefusal(site: RequestSite): string | null {
  const { origin, fetchSite } = site;
  if (origin !== null) {
    if (origin === site.self || site.shopOrigins.includes(origin)) return null;
    return origin === "null"
      ? "The request comes from an opaque origin (Origin: null)"
      : `The request comes from another site (${origin})`;
  }
  if (fetchSite === null || fetchSite === "same-origin" || fetchSite === "none") return null;
  return `The request comes from another site (Sec-Fetch-Site: ${fetchSite})`;
}

/**
 * Refuses cross-site POSTs with 403 `cross_site` (see crossSiteRefusal), so another site cannot
 * switch consent on, write events or erase data in the visitor's name. Other methods pass:
 * GETs change nothing and CORS preflights are answered by shopCors.
 */
export const sameSiteWrites = () =>
  createMiddleware<{ Bindings: Env }>(async (c, next) => {
    if (c.req.method === "POST") {
      const reason = crossSiteRefusal({
        origin: c.req.header("origin") ?? null,
        fetchSite: c.req.header("sec-fetch-site") ?? null,
        self: new URL(c.req.url).origin,
        shopOrigins: settingsOf(c.env).shopOrigins,
      });
      if (reason) throw new ApiError(403, "cross_site", reason);
    }
    await next();
  });
