import { desc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { configVersions } from "../../../schema/index.ts";
import {
  CONFIG_POINTER,
  configKey,
  forgetActiveConfig,
  loadActiveConfig,
} from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import { ConfigSchema, parseConfig } from "../decide/index.ts";
import { ApiError, parseInput } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";
import * as clock from "../clock.ts";

const MAX_CONFIG_BYTES = 1024 * 1024;

const POSITIVE_WHOLE = "must be a positive whole number";

/** Which published version to serve again. */
export const ConfigRollback = z.object({
  version: z.int({ error: POSITIVE_WHOLE }).min(1, { error: POSITIVE_WHOLE }),
});

const ActiveConfig = z.object({ version: z.number().int(), config: ConfigSchema });
const Version = z.object({ version: z.number().int() });
const Versions = z.object({
  active: z.number().int().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      author: z.string(),
      createdAt: z.number().int(),
      publishedAt: z.number().int().nullable(),
    }),
  ),
});

/**
 * Publishing personalization configs: validate, record in Turso (the audit trail), write the
 * immutable version to KV, then flip the pointer. Rollback only flips the pointer back.
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
      summary: "Validate and publish a config",
      tag: "admin",
      body: ConfigSchema,
      responses: {
        201: ["Published as this version", Version],
        400: ["Invalid, with every failing path", ErrorEnvelope],
        413: ["Over 1 MiB", ErrorEnvelope],
      },
    }),
    async (c) => {
      const text = await c.req.text();
      if (text.length > MAX_CONFIG_BYTES) {
        throw new ApiError(413, "too_large", `Configuration over ${MAX_CONFIG_BYTES} bytes`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new ApiError(400, "invalid_json", "The body is not valid JSON");
      }
      const parsed = parseConfig(json);
      if (!parsed.ok) {
        throw new ApiError(400, "invalid_config", "The configuration is not valid", parsed.errors);
      }
      const db = createDb(settingsOf(c.env));
      const now = clock.now();
      const author = c.req.header("x-vitrine-author") ?? "admin";
      // The version comes from the system of record; the insert fails on a concurrent publish.
      const [row] = await db
        .select({ next: sql<number>`coalesce(max(${configVersions.version}), 0) + 1` })
        .from(configVersions);
      const version = Number(row?.next ?? 1);
      const config = { ...parsed.config, version };
      await db
        .insert(configVersions)
        .values({ version, config, author, createdAt: now, publishedAt: now });
      await c.env.CONFIG.put(configKey(version), JSON.stringify(config));
      await c.env.CONFIG.put(CONFIG_POINTER, String(version));
      forgetActiveConfig();
      return c.json({ version }, 201);
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
          createdAt: configVersions.createdAt,
          publishedAt: configVersions.publishedAt,
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
      const { version } = parseInput(
        ConfigRollback,
        await c.req.json().catch(() => ({})),
        "invalid_version",
      );
      if ((await c.env.CONFIG.get(configKey(version))) === null) {
        throw new ApiError(404, "unknown_version", `Configuration version ${version} is not in KV`);
      }
      await c.env.CONFIG.put(CONFIG_POINTER, String(version));
      forgetActiveConfig();
      await createDb(settingsOf(c.env))
        .update(configVersions)
        .set({ publishedAt: clock.now() })
        .where(eq(configVersions.version, version));
      return c.json({ version });
    },
  );
