import { Hono } from "hono";
import { health } from "./api/health.ts";
import { errorResponse } from "./errors.ts";
import { forwardToOrigin } from "./proxy/forward.ts";
import { API_PREFIX, settingsOf } from "./settings.ts";

/** Response header that shows a page went through Vitrine, and in which mode. */
export const VIA_HEADER = "x-vitrine";

/**
 * The fetch entry point: Vitrine's own API under API_PREFIX, everything else is the shop,
 * proxied to the origin.
 */
export const app = new Hono<{ Bindings: Env }>();

app.route(`${API_PREFIX}/v1/health`, health);
app.all(`${API_PREFIX}/*`, (c) =>
  c.json({ code: "not_found", message: `No such endpoint: ${c.req.path}` }, 404),
);

app.all("*", async (c) => {
  const started = Date.now();
  const response = await forwardToOrigin(c.req.raw, settingsOf(c.env));
  response.headers.set(VIA_HEADER, "pass");
  response.headers.append("server-timing", `vitrine-origin;dur=${Date.now() - started}`);
  return response;
});

app.onError(errorResponse);
