import { Hono } from "hono";
import { adminAuth } from "./api/admin-auth.ts";
import { adminCatalog } from "./api/admin-catalog.ts";
import { adminConfig } from "./api/admin-config.ts";
import { adminDoctor } from "./api/admin-doctor.ts";
import { adminPreview } from "./api/admin-preview.ts";
import { adminPersona } from "./api/admin-persona.ts";
import { adminCustomers } from "./api/admin-customers.ts";
import { adminModels } from "./api/admin-models.ts";
import { adminUsers } from "./api/admin-users.ts";
import { assets } from "./api/assets.ts";
import { consent } from "./api/consent.ts";
import { decideApi } from "./api/decide.ts";
import { eventsApi } from "./api/events.ts";
import { health } from "./api/health.ts";
import { openApiDocument } from "./api/openapi.ts";
import { privacy } from "./api/privacy.ts";
import { describeRoute } from "./api/route-docs.ts";
import { dashboard } from "./dashboard/dashboard.tsx";
import { errorResponse } from "./errors.ts";
import { servePage } from "./personalize/serve-page.ts";
import { API_PREFIX } from "./settings.ts";

/** Vitrine's own API and dashboard, under API_PREFIX. */
export const app = new Hono<{ Bindings: Env }>();

const v1 = `${API_PREFIX}/v1`;
app.route(`${v1}/health`, health);
// Built from the routes registered on the app, each carrying its describeRoute documentation.
app.get(
  `${v1}/openapi.json`,
  describeRoute({
    summary: "This API's OpenAPI 3.1 document, built from the routes the Worker serves",
    tag: "ops",
    responses: { 200: ["OpenAPI 3.1", "application/json"] },
  }),
  (c) => c.json(openApiDocument(app.routes, new URL(c.req.url).origin)),
);
app.route(`${v1}/assets`, assets);
app.route(`${v1}/consent`, consent);
app.route(`${v1}/events`, eventsApi);
app.route(`${v1}/decide`, decideApi);
app.route(`${v1}/privacy`, privacy);
app.use(`${v1}/admin/*`, adminAuth);
app.route(`${v1}/admin/catalog`, adminCatalog);
app.route(`${v1}/admin/config`, adminConfig);
app.route(`${v1}/admin/customers`, adminCustomers);
app.route(`${v1}/admin/models`, adminModels);
app.route(`${v1}/admin/doctor`, adminDoctor);
app.route(`${v1}/admin/preview`, adminPreview);
app.route(`${v1}/admin/preview/persona`, adminPersona);
app.route(`${v1}/admin/users`, adminUsers);
app.route(`${API_PREFIX}/dashboard`, dashboard);
app.all(`${API_PREFIX}/*`, (c) =>
  c.json({ code: "not_found", message: `No such endpoint: ${c.req.path}` }, 404),
);
app.onError(errorResponse);

/**
 * Everything else is the shop, proxied to the origin and personalized on the way: one route,
 * so a page pays for no matching against the API's.
 */
export const shop = new Hono<{ Bindings: Env }>().all("*", servePage);
shop.onError(errorResponse);

/** Whether `url` (a request's, absolute) is under API_PREFIX, read without parsing it. */
export function isApiUrl(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  if (path < 0 || !url.startsWith(API_PREFIX, path)) return false;
  const next = url.charAt(path + API_PREFIX.length);
  return next === "" || next === "/" || next === "?" || next === "#";
}
