import { desc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { configVersions } from "../../../schema/index.ts";
import {
  CONFIG_POINTER,
  configKey,
  forgetActiveConfig,
  loadActiveConfig,
} from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import { parseConfig } from "../decide/index.ts";
import { ApiError } from "../errors.ts";
import { settingsOf } from "../settings.ts";

const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Publishing personalization configs: validate, record in Turso (the audit trail), write the
 * immutable version to KV, then flip the pointer. Rollback only flips the pointer back.
 */
export const adminConfig = new Hono<{ Bindings: Env }>()
  .get("/", async (c) => {
    const active = await loadActiveConfig(c.env.CONFIG);
    if (!active) throw new ApiError(404, "no_config", "No configuration has been published yet");
    return c.json(active);
  })
  .post("/", async (c) => {
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
    const now = Date.now();
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
  })
  .get("/versions", async (c) => {
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
    const active = Number(await c.env.CONFIG.get(CONFIG_POINTER));
    return c.json({ active: Number.isInteger(active) ? active : null, versions: rows });
  })
  .post("/rollback", async (c) => {
    const body = await c.req
      .json<{ version?: unknown }>()
      .catch(() => ({}) as { version?: unknown });
    const version = body.version;
    if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
      throw new ApiError(400, "invalid_version", "version: must be a positive whole number");
    }
    if ((await c.env.CONFIG.get(configKey(version))) === null) {
      throw new ApiError(404, "unknown_version", `Configuration version ${version} is not in KV`);
    }
    await c.env.CONFIG.put(CONFIG_POINTER, String(version));
    forgetActiveConfig();
    await createDb(settingsOf(c.env))
      .update(configVersions)
      .set({ publishedAt: Date.now() })
      .where(eq(configVersions.version, version));
    return c.json({ version });
  });
