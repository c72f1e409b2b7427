import { Hono } from "hono";
import { configJsonSchema } from "../decide/index.ts";
import { loadActiveConfig } from "../config/config-store.ts";
import { CLIENT_SOURCE, TRACKER_SOURCE } from "../../tracker/tracker-source.ts";

/** Static-ish files the injected tags load from the shop's own host (so CSP 'self' allows them). */
export const assets = new Hono<{ Bindings: Env }>()
  .get("/tracker.js", (c) =>
    c.body(TRACKER_SOURCE, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  )
  .get("/client.js", (c) =>
    c.body(CLIENT_SOURCE, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  )
  // Versioned by the config that carries the styles, so it can be cached for a long time.
  .get("/modules.css", async (c) => {
    const active = await loadActiveConfig(c.env.CONFIG);
    const css = active?.config.styles ?? "";
    const wanted = c.req.query("v");
    const immutable = wanted !== undefined && wanted === String(active?.version);
    return c.body(css, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=60",
    });
  })
  .get("/config-schema.json", (c) => c.json(configJsonSchema()));
