import { Hono } from "hono";
import { z } from "zod";
import * as clock from "../clock.ts";
import { loadActiveConfig } from "../config/config-store.ts";
import { ApiError, parseInput } from "../errors.ts";
import { createPreviewToken, PREVIEW_MAX_LIFETIME_MS } from "../identity/preview-token.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";

/** The longest link the API signs, in seconds (the token's own cap). */
export const MAX_PREVIEW_TTL_S = Math.floor(PREVIEW_MAX_LIFETIME_MS / 1000);
/** A link lives an hour unless asked otherwise. */
export const DEFAULT_PREVIEW_TTL_S = 3600;

const PATH_ERROR = "must be a path on the shop, like /p/some-product";
/** A page of the shop a preview link opens. */
export const ShopPath = z
  .string({ error: PATH_ERROR })
  .max(1000, { error: PATH_ERROR })
  .regex(/^\/(?!\/)[^\s#]*$/, { error: PATH_ERROR });

const TTL_ERROR = `must be a whole number of seconds, 60 to ${MAX_PREVIEW_TTL_S}`;
/** How long a preview link lives. */
export const PreviewTtl = z
  .int({ error: TTL_ERROR })
  .min(60, { error: TTL_ERROR })
  .max(MAX_PREVIEW_TTL_S, { error: TTL_ERROR });

/** Which variant to force, on which page of the shop, for how long. */
export const PreviewRequest = z.object({
  variant: z
    .string({ error: "must be a variant id of the active config" })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a variant id of the active config" }),
  path: ShopPath.optional(),
  ttlSeconds: PreviewTtl.optional(),
});
export type PreviewRequest = z.infer<typeof PreviewRequest>;

export const PreviewLink = z.object({
  url: z.string(),
  variant: z.string(),
  slot: z.string(),
  configVersion: z.number().int(),
  expiresAt: z.number().int(),
});
export type PreviewLink = z.infer<typeof PreviewLink>;

/**
 * A signed `?vt_preview=` link on the Worker's host (the shop's public host) that shows
 * `variant` in its slot, for the active config version, until it expires.
 */
export async function makePreviewLink(
  env: Env,
  publicOrigin: string,
  input: PreviewRequest,
): Promise<PreviewLink> {
  const active = await loadActiveConfig(env.CONFIG);
  if (!active) throw new ApiError(404, "no_config", "No configuration has been published yet");
  const variant = active.config.variants[input.variant];
  if (!variant) {
    throw new ApiError(
      400,
      "unknown_variant",
      `variant: "${input.variant}" is not a variant of the active config (version ${active.version})`,
      { field: "variant" },
    );
  }
  const expiresAt = clock.now() + (input.ttlSeconds ?? DEFAULT_PREVIEW_TTL_S) * 1000;
  const token = await createPreviewToken(
    input.variant,
    active.version,
    expiresAt,
    settingsOf(env).cookieSecret,
  );
  const url = new URL(publicOrigin);
  const path = new URL(input.path ?? "/", url.origin);
  url.pathname = path.pathname;
  url.search = path.search;
  url.searchParams.set("vt_preview", token);
  return {
    url: url.toString(),
    variant: input.variant,
    slot: variant.slot,
    configVersion: active.version,
    expiresAt,
  };
}

/** QA preview links, mounted at `/__vitrine/v1/admin/preview`, behind the admin token. */
export const adminPreview = new Hono<{ Bindings: Env }>().post(
  "/",
  describeRoute({
    summary: "Sign a preview link that forces one variant of the active config",
    tag: "admin",
    body: PreviewRequest,
    responses: {
      201: ["The link and when it expires", PreviewLink],
      400: ["Unknown variant, bad path or lifetime", ErrorEnvelope],
      404: ["No config published", ErrorEnvelope],
    },
  }),
  async (c) => {
    const input = parseInput(
      PreviewRequest,
      await c.req.json().catch(() => ({})),
      "invalid_preview",
    );
    return c.json(await makePreviewLink(c.env, new URL(c.req.url).origin, input), 201);
  },
);
