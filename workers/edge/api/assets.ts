import { Hono } from "hono";
import { configJsonSchema } from "../decide/index.ts";
import { loadActiveConfig } from "../config/config-store.ts";
import { CLIENT_SOURCE, TRACKER_SOURCE } from "../../tracker/tracker-source.ts";
import { describeRoute } from "./route-docs.ts";

/** Static-ish files the injected tags load from the shop's own host (so CSP 'self' allows them). */
export const assets = new Hono<{ Bindings: Env }>()
  .get(
    "/tracker.js",
    describeRoute({
      summary: "The tracker the Worker injects into pages",
      tag: "assets",
      responses: { 200: ["JavaScript", "text/javascript"] },
    }),
    (c) =>
      c.body(TRACKER_SOURCE, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=3600",
      }),
  )
  .get(
    "/client.js",
    describeRoute({
      summary: "The typed browser client for single-page shops (decide, apply, track, consent)",
      tag: "assets",
      responses: { 200: ["JavaScript", "text/javascript"] },
    }),
    (c) =>
      c.body(CLIENT_SOURCE, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=3600",
      }),
  )
  // Versioned by the config that carries the styles, so it can be cached for a long time.
  .get(
    "/modules.css",
    describeRoute({
      summary: "The active config's styles (`?v=<version>` makes it immutable)",
      tag: "assets",
      responses: { 200: ["CSS, empty without a config or styles", "text/css"] },
    }),
    async (c) => {
      const active = await loadActiveConfig(c.env.CONFIG);
      const css = active?.config.styles ?? "";
      const wanted = c.req.query("v");
      const immutable = wanted !== undefined && wanted === String(active?.version);
      return c.body(css, 200, {
        "content-type": "text/css; charset=utf-8",
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=60",
      });
    },
  )
  .get(
    "/config-schema.json",
    describeRoute({
      summary: "JSON Schema of the personalization config",
      tag: "assets",
      responses: { 200: ["JSON Schema 2020-12", "application/json"] },
    }),
    (c) => c.json(configJsonSchema()),
  );
