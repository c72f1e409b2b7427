import { cors } from "hono/cors";
import { settingsOf } from "../settings.ts";

/**
 * CORS for the shop's other origins (SHOP_ORIGINS, e.g. an SPA on another subdomain) calling
 * the browser-facing API with cookies. Other origins get no CORS headers, so browsers refuse.
 */
export const shopCors = () =>
  cors({
    origin: (origin, c) => (settingsOf(c.env as Env).shopOrigins.includes(origin) ? origin : null),
    allowMethods: ["POST", "OPTIONS"],
    allowHeaders: ["content-type"],
    credentials: true,
    maxAge: 86_400,
  });
