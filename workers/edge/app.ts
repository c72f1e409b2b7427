import { Hono } from "hono";
import { adminAuth } from "./api/admin-auth.ts";
import { adminConfig } from "./api/admin-config.ts";
import { adminCustomers } from "./api/admin-customers.ts";
import { adminModels } from "./api/admin-models.ts";
import { assets } from "./api/assets.ts";
import { consent } from "./api/consent.ts";
import { decideApi } from "./api/decide.ts";
import { eventsApi } from "./api/events.ts";
import { health } from "./api/health.ts";
import { openApiDocument } from "./api/openapi.ts";
import { privacy } from "./api/privacy.ts";
import { dashboard } from "./dashboard/dashboard.tsx";
import { errorResponse } from "./errors.ts";
import { servePage } from "./personalize/serve-page.ts";
import { API_PREFIX } from "./settings.ts";

/**
 * The fetch entry point: Vitrine's own API under API_PREFIX, everything else is the shop,
 * proxied to the origin and personalized on the way.
 */
export const app = new Hono<{ Bindings: Env }>();

const v1 = `${API_PREFIX}/v1`;
app.route(`${v1}/health`, health);
app.get(`${v1}/openapi.json`, (c) => c.json(openApiDocument(new URL(c.req.url).origin)));
app.route(`${v1}/assets`, assets);
app.route(`${v1}/consent`, consent);
app.route(`${v1}/events`, eventsApi);
app.route(`${v1}/decide`, decideApi);
app.route(`${v1}/privacy`, privacy);
app.use(`${v1}/admin/*`, adminAuth);
app.route(`${v1}/admin/config`, adminConfig);
app.route(`${v1}/admin/customers`, adminCustomers);
app.route(`${v1}/admin/models`, adminModels);
app.route(`${API_PREFIX}/dashboard`, dashboard);
app.all(`${API_PREFIX}/*`, (c) =>
  c.json({ code: "not_found", message: `No such endpoint: ${c.req.path}` }, 404),
);
app.all("*", servePage);

app.onError(errorResponse);
