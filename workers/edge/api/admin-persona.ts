import { Hono } from "hono";
import { z } from "zod";
import * as clock from "../clock.ts";
import { EXPLAIN_OUTCOMES, explainDecision } from "../decide/explain.ts";
import { Persona } from "../decide/persona.ts";
import { ApiError, parseInput } from "../errors.ts";
import { createPersonaToken } from "../identity/preview-token.ts";
import { personaPlan, previewConfig, previewModel } from "../personalize/persona-preview.ts";
import { settingsOf } from "../settings.ts";
import { DEFAULT_PREVIEW_TTL_S, PreviewTtl, ShopPath } from "./admin-preview.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";

/** A page of the shop, a persona, and optionally the config version (a draft) to decide with. */
export const PersonaPreviewRequest = z.strictObject({
  path: ShopPath,
  persona: Persona,
  configVersion: z
    .int({ error: "must be a config version number" })
    .min(1, { error: "must be a config version number" })
    .optional(),
  ttlSeconds: PreviewTtl.optional(),
});
export type PersonaPreviewRequest = z.infer<typeof PersonaPreviewRequest>;

const Candidate = z.object({
  variant: z.string(),
  priority: z.number().int(),
  outcome: z.enum(EXPLAIN_OUTCOMES),
  reason: z.string(),
});

export const PersonaPreview = z.object({
  url: z
    .string()
    .describe("Signed preview link: the page as the persona sees it, nothing recorded"),
  configVersion: z.number().int(),
  expiresAt: z.number().int(),
  pageType: z.string(),
  decision: z.enum(["disabled", "holdout", "no_consent", "anonymous", "ok"]),
  slots: z.array(
    z.object({
      slot: z.string(),
      winner: z.string().nullable(),
      experiment: z.object({ id: z.string(), arm: z.string() }).nullable(),
      candidates: z.array(Candidate),
    }),
  ),
});
export type PersonaPreview = z.infer<typeof PersonaPreview>;

/**
 * What `input.persona` sees on `input.path`: every slot's winner and why each candidate won or
 * lost (decide/explain.ts), and a signed link on the shop's host to the page as rendered for it.
 * The link is pinned to the config version explained here. Records nothing.
 */
export async function personaPreview(
  env: Env,
  publicOrigin: string,
  input: PersonaPreviewRequest,
): Promise<PersonaPreview> {
  const version = input.configVersion ?? null;
  const [active, model] = await Promise.all([previewConfig(env, version), previewModel(env)]);
  if (!active) {
    if (version === null)
      throw new ApiError(404, "no_config", "No configuration has been published yet");
    throw new ApiError(
      404,
      "unknown_version",
      `configVersion: version ${version} is not a recorded, valid config`,
      { field: "configVersion" },
    );
  }
  const now = clock.now();
  const url = new URL(publicOrigin);
  const page = new URL(input.path, url.origin);
  url.pathname = page.pathname;
  url.search = page.search;
  url.searchParams.delete("vt_preview");
  const { input: decided } = personaPlan(active, url, input.persona, model, now);
  const explained = explainDecision(active.config, decided);
  const expiresAt = now + (input.ttlSeconds ?? DEFAULT_PREVIEW_TTL_S) * 1000;
  const token = await createPersonaToken(
    input.persona,
    active.version,
    expiresAt,
    settingsOf(env).cookieSecret,
  );
  url.searchParams.set("vt_preview", token);
  return {
    url: url.toString(),
    configVersion: active.version,
    expiresAt,
    pageType: decided.context.pageType,
    decision: explained.reason,
    slots: explained.slots,
  };
}

/** Parses a persona preview request body (400 naming the field on failure). */
export const personaRequestOf = (body: unknown): PersonaPreviewRequest =>
  parseInput(PersonaPreviewRequest, body, "invalid_persona_preview");

/** Persona previews, mounted at `/__vitrine/v1/admin/preview/persona`, behind the admin token. */
export const adminPersona = new Hono<{ Bindings: Env }>().post(
  "/",
  describeRoute({
    summary: "Explain and sign a preview of a page as a persona (typed facts), recording nothing",
    tag: "admin",
    body: PersonaPreviewRequest,
    responses: {
      200: ["Each slot's winner and why every candidate won or lost, and the link", PersonaPreview],
      400: ["Bad path, persona field or config version", ErrorEnvelope],
      404: ["No config published, or the config version is unknown", ErrorEnvelope],
    },
  }),
  async (c) => {
    const input = personaRequestOf(await c.req.json().catch(() => ({})));
    return c.json(await personaPreview(c.env, new URL(c.req.url).origin, input));
  },
);
