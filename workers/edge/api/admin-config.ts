import { desc } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { configVersions } from "../../../schema/index.ts";
import {
  activateVersion,
  cancelSchedule,
  MAX_MESSAGE_LENGTH,
  messageOf,
  publishTimeOf,
  recordVersion,
  validConfig,
  type Mode,
} from "../config/config-publishing.ts";
import { CONFIG_POINTER, loadActiveConfig } from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import { ConfigSchema } from "../decide/index.ts";
import { ApiError, parseInput } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";
import * as clock from "../clock.ts";

const POSITIVE_WHOLE = "must be a positive whole number";

/** Which published version to serve again, and why. */
export const ConfigRollback = z.object({
  version: z.int({ error: POSITIVE_WHOLE }).min(1, { error: POSITIVE_WHOLE }),
  message: z.string().max(MAX_MESSAGE_LENGTH).optional(),
});
const VersionParam = z.coerce.number().int().min(1, { error: POSITIVE_WHOLE });

const ActiveConfig = z.object({ version: z.number().int(), config: ConfigSchema });
const Version = z.object({
  version: z.number().int(),
  scheduledAt: z.number().int().optional(),
});
const Versions = z.object({
  active: z.number().int().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      author: z.string(),
      message: z.string().nullable(),
      createdAt: z.number().int(),
      publishedAt: z.number().int().nullable(),
      scheduledAt: z.number().int().nullable(),
    }),
  ),
});

/**
 * Publishing personalization configs: validate, record in Turso (the audit trail), write the
 * immutable version to KV, then flip the pointer (or leave it to the cron at `publishAt`).
 * Rollback only flips the pointer back. Every change is logged with its author and message.
 */
export const adminConfig = new Hono<{ Bindings: Env }>()
  .get(
    "/",
    describeRoute({
      summary: "The active personalization config",
      tag: "admin",
      responses: { 200: ["Active config", ActiveConfig], 404: ["None published", ErrorEnvelope] },
    }),
    async (c) => {
      const active = await loadActiveConfig(c.env.CONFIG);
      if (!active) throw new ApiError(404, "no_config", "No configuration has been published yet");
      return c.json(active);
    },
  )
  .post(
    "/",
    describeRoute({
      summary:
        "Validate and publish a config (`?message=` says why; `?publishAt=` ISO or epoch ms schedules it for the cron instead)",
      tag: "admin",
      body: ConfigSchema,
      responses: {
        201: ["Published (or scheduled) as this version", Version],
        400: ["Invalid, with every failing path", ErrorEnvelope],
        413: ["Over 1 MiB", ErrorEnvelope],
      },
    }),
    async (c) => {
      const config = validConfig(await c.req.text());
      const change = {
        author: c.req.header("x-vitrine-author") ?? "admin",
        message: messageOf(c.req.query("message"), false),
      };
      const publishAt = c.req.query("publishAt");
      const mode: Mode = publishAt
        ? { kind: "schedule", at: publishTimeOf(publishAt, clock.now()) }
        : { kind: "publish" };
      const db = createDb(settingsOf(c.env));
      const version = await recordVersion(c.env, db, config, change, mode);
      return c.json(
        mode.kind === "schedule" ? { version, scheduledAt: mode.at } : { version },
        201,
      );
    },
  )
  .get(
    "/versions",
    describeRoute({
      summary: "The 50 newest config versions and the active one",
      tag: "admin",
      responses: { 200: ["Versions, newest first", Versions] },
    }),
    async (c) => {
      const db = createDb(settingsOf(c.env));
      const rows = await db
        .select({
          version: configVersions.version,
          author: configVersions.author,
          message: configVersions.note,
          createdAt: configVersions.createdAt,
          publishedAt: configVersions.publishedAt,
          scheduledAt: configVersions.scheduledAt,
        })
        .from(configVersions)
        .orderBy(desc(configVersions.version))
        .limit(50);
      // No pointer yet: null (Number(null) would read as version 0).
      const pointer = Number((await c.env.CONFIG.get(CONFIG_POINTER)) ?? Number.NaN);
      const active = Number.isInteger(pointer) && pointer > 0 ? pointer : null;
      return c.json({ active, versions: rows });
    },
  )
  .post(
    "/rollback",
    describeRoute({
      summary: "Serve a published config version again (flips the pointer back)",
      tag: "admin",
      body: ConfigRollback,
      responses: {
        200: ["The version now active", Version],
        400: ["`version` is not a positive whole number", ErrorEnvelope],
        404: ["No such version in KV", ErrorEnvelope],
      },
    }),
    async (c) => {
      const { version, message } = parseInput(
        ConfigRollback,
        await c.req.json().catch(() => ({})),
        "invalid_version",
      );
      const db = createDb(settingsOf(c.env));
      await activateVersion(c.env, db, version, {
        author: c.req.header("x-vitrine-author") ?? "admin",
        message: messageOf(message, false),
      });
      return c.json({ version });
    },
  )
  .post(
    "/scheduled/:version/cancel",
    describeRoute({
      summary: "Take a scheduled version off the schedule (it stays as a draft)",
      tag: "admin",
      responses: {
        200: ["Cancelled", Version],
        400: ["`version` is not a positive whole number", ErrorEnvelope],
        404: ["Not scheduled", ErrorEnvelope],
      },
    }),
    async (c) => {
      const version = parseInput(VersionParam, c.req.param("version"), "invalid_version");
      await cancelSchedule(createDb(settingsOf(c.env)), version, {
        author: c.req.header("x-vitrine-author") ?? "admin",
        message: messageOf(c.req.query("message"), false),
      });
      return c.json({ version });
    },
  );
