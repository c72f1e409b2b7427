import { and, asc, desc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { configActions, configVersions } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import type { Db } from "../db/client.ts";
import { parseConfig, type PersonalizationConfig } from "../decide/index.ts";
import { ApiError } from "../errors.ts";
import { CONFIG_POINTER, configKey, forgetActiveConfig } from "./config-store.ts";

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_MESSAGE_LENGTH = 500;
/** Scheduling further ahead than this is almost certainly a typo in the date. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3600 * 1000;

export type Validation =
  | { ok: true; config: PersonalizationConfig }
  | { ok: false; status: 400 | 413; code: string; message: string; errors: string[] };

/** A config document as typed in: JSON first, then every failing path at once. */
export function validateConfigText(text: string): Validation {
  if (text.length > MAX_CONFIG_BYTES)
    return {
      ok: false,
      status: 413,
      code: "too_large",
      message: `Configuration over ${MAX_CONFIG_BYTES} bytes`,
      errors: [],
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : "";
    return {
      ok: false,
      status: 400,
      code: "invalid_json",
      message: "The body is not valid JSON",
      errors: why ? [why] : [],
    };
  }
  const parsed = parseConfig(json);
  if (!parsed.ok)
    return {
      ok: false,
      status: 400,
      code: "invalid_config",
      message: "The configuration is not valid",
      errors: parsed.errors,
    };
  return { ok: true, config: parsed.config };
}

/** The same check, throwing the API's 400/413 error. */
export function validConfig(text: string): PersonalizationConfig {
  const v = validateConfigText(text);
  if (!v.ok)
    throw new ApiError(
      v.status,
      v.code,
      v.message,
      v.code === "invalid_config" ? v.errors : undefined,
    );
  return v.config;
}

/** A trimmed message within bounds; `required` refuses an empty one. */
export function messageOf(raw: unknown, required: boolean): string | null {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (!text && required)
    throw new ApiError(400, "missing_message", "message: say what this change is for");
  if (text.length > MAX_MESSAGE_LENGTH)
    throw new ApiError(400, "invalid_message", `message: at most ${MAX_MESSAGE_LENGTH} characters`);
  return text || null;
}

/** A publish time from a form or query: epoch ms or an ISO date; must be ahead, within a year. */
export function publishTimeOf(raw: string, now: number): number {
  const trimmed = raw.trim();
  const at = /^\d+$/.test(trimmed)
    ? Number(trimmed)
    : // A datetime-local field has no zone: read it as UTC, as the page says.
      Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(trimmed) ? trimmed : `${trimmed}Z`);
  if (!Number.isFinite(at))
    throw new ApiError(400, "invalid_publish_at", `publishAt: "${raw}" is not a date and time`);
  if (at <= now)
    throw new ApiError(400, "invalid_publish_at", "publishAt: must be in the future (UTC)");
  if (at > now + MAX_SCHEDULE_AHEAD_MS)
    throw new ApiError(400, "invalid_publish_at", "publishAt: at most a year ahead");
  return at;
}

type Change = { author: string; message: string | null };
export type Mode = { kind: "publish" } | { kind: "schedule"; at: number } | { kind: "draft" };

async function logAction(db: Db, version: number, action: string, change: Change, at: number) {
  await db
    .insert(configActions)
    .values({ version, action, author: change.author, message: change.message, at });
}

async function activate(env: Env, version: number): Promise<void> {
  await env.CONFIG.put(CONFIG_POINTER, String(version));
  forgetActiveConfig();
}

/**
 * Records a validated config as a new version (Turso first: it is the audit trail and hands out
 * the number), writes the immutable copy to KV, then, for a publish, flips the pointer. A
 * scheduled version waits for the cron (publishDue); a draft waits for someone to publish it.
 */
export async function recordVersion(
  env: Env,
  db: Db,
  config: PersonalizationConfig,
  change: Change,
  mode: Mode,
): Promise<number> {
  const now = clock.now();
  // The version comes from the system of record; the insert fails on a concurrent publish.
  const [row] = await db
    .select({ next: sql<number>`coalesce(max(${configVersions.version}), 0) + 1` })
    .from(configVersions);
  const version = Number(row?.next ?? 1);
  const stored = { ...config, version };
  await db.insert(configVersions).values({
    version,
    config: stored,
    author: change.author,
    note: change.message,
    createdAt: now,
    publishedAt: mode.kind === "publish" ? now : null,
    scheduledAt: mode.kind === "schedule" ? mode.at : null,
  });
  await env.CONFIG.put(configKey(version), JSON.stringify(stored));
  if (mode.kind === "publish") await activate(env, version);
  await logAction(db, version, mode.kind, change, now);
  return version;
}

/** Serves a recorded version (rollback, or publishing a draft early); 404 when KV lacks it. */
export async function activateVersion(env: Env, db: Db, version: number, change: Change) {
  if ((await env.CONFIG.get(configKey(version))) === null)
    throw new ApiError(404, "unknown_version", `Configuration version ${version} is not in KV`);
  await activate(env, version);
  const now = clock.now();
  await db
    .update(configVersions)
    .set({ publishedAt: now, scheduledAt: null })
    .where(eq(configVersions.version, version));
  await logAction(db, version, "rollback", change, now);
}

/** Takes a version off the schedule (it stays, as a draft); 404 when it is not scheduled. */
export async function cancelSchedule(db: Db, version: number, change: Change) {
  const rows = await db
    .update(configVersions)
    .set({ scheduledAt: null })
    .where(and(eq(configVersions.version, version), isNotNull(configVersions.scheduledAt)))
    .returning({ version: configVersions.version });
  if (!rows.length) throw new ApiError(404, "not_scheduled", `Version ${version} is not scheduled`);
  await logAction(db, version, "cancel", change, clock.now());
}

/** Versions waiting for their publish time, soonest first. */
export const scheduledVersions = (db: Db) =>
  db
    .select({
      version: configVersions.version,
      author: configVersions.author,
      note: configVersions.note,
      scheduledAt: configVersions.scheduledAt,
    })
    .from(configVersions)
    .where(isNotNull(configVersions.scheduledAt))
    .orderBy(asc(configVersions.scheduledAt), asc(configVersions.version));

/** The newest publish/schedule/rollback/cancel actions, with who and why. */
export const recentActions = (db: Db, limit = 20) =>
  db.select().from(configActions).orderBy(desc(configActions.id)).limit(limit);

/**
 * The cron job: every scheduled version whose time has come is made active, in time order, so
 * the pointer ends on the latest one due. Each flip is logged with the version's author.
 */
export async function publishDue(env: Env, db: Db, at: number): Promise<number[]> {
  const due = await db
    .select({
      version: configVersions.version,
      author: configVersions.author,
      scheduledAt: configVersions.scheduledAt,
    })
    .from(configVersions)
    .where(and(isNotNull(configVersions.scheduledAt), lte(configVersions.scheduledAt, at)))
    .orderBy(asc(configVersions.scheduledAt), asc(configVersions.version));
  const published: number[] = [];
  for (const v of due) {
    if ((await env.CONFIG.get(configKey(v.version))) === null) continue;
    // Claimed in Turso first: a cancel that landed in between wins, and so does another run.
    const claimed = await db
      .update(configVersions)
      .set({ publishedAt: at, scheduledAt: null })
      .where(and(eq(configVersions.version, v.version), isNotNull(configVersions.scheduledAt)))
      .returning({ version: configVersions.version });
    if (!claimed.length) continue;
    await activate(env, v.version);
    await logAction(
      db,
      v.version,
      "scheduled_publish",
      { author: v.author, message: `scheduled for ${new Date(v.scheduledAt!).toISOString()}` },
      at,
    );
    published.push(v.version);
  }
  return published;
}
