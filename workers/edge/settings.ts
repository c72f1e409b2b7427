import { z } from "zod";

/** The URL space the Worker keeps for itself on the shop's hostname. */
export const API_PREFIX = "/__vitrine";

const SettingsSchema = z.object({
  ORIGIN_URL: z.url({ protocol: /^https?$/ }),
  PERSONALIZATION_BUDGET_MS: z.coerce.number().int().min(1).max(1000).default(50),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(395),
  // Cloudflare's own proxy gives up on an origin's headers after 100 s (error 524).
  ORIGIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(100_000).default(10_000),
  TURSO_URL: z
    .string()
    .regex(/^(libsql|https?):\/\//, "must be a libsql://, https:// or http:// URL"),
  TURSO_AUTH_TOKEN: z.string().default(""),
  COOKIE_SECRET: z.string().min(16, "must be at least 16 characters"),
  ADMIN_TOKEN: z.string().min(8, "must be at least 8 characters"),
  /** Other origins of the shop (e.g. an SPA on another subdomain) allowed to call the API. */
  SHOP_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin))),
});

export type Settings = Readonly<{
  origin: URL;
  budgetMs: number;
  eventRetentionDays: number;
  /** How long to wait for the origin's response headers (not its body) before giving up. */
  originTimeoutMs: number;
  tursoUrl: string;
  tursoAuthToken: string;
  cookieSecret: string;
  adminToken: string;
  shopOrigins: readonly string[];
}>;

/** A deployment mistake (missing secret, malformed var), reported with the field names. */
export class SettingsError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid Worker settings: ${issues.join("; ")}`);
  }
}

// Env objects are stable per isolate, so validation runs once, not per request.
const cache = new WeakMap<object, Settings>();

/** Validates the Worker's vars and secrets; throws SettingsError naming every bad field. */
export function settingsOf(env: Env): Settings {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`),
    );
  }
  const v = parsed.data;
  const settings: Settings = Object.freeze({
    origin: new URL(v.ORIGIN_URL),
    budgetMs: v.PERSONALIZATION_BUDGET_MS,
    eventRetentionDays: v.EVENT_RETENTION_DAYS,
    originTimeoutMs: v.ORIGIN_TIMEOUT_MS,
    tursoUrl: v.TURSO_URL,
    tursoAuthToken: v.TURSO_AUTH_TOKEN,
    cookieSecret: v.COOKIE_SECRET,
    adminToken: v.ADMIN_TOKEN,
    shopOrigins: Object.freeze(v.SHOP_ORIGINS),
  });
  cache.set(env, settings);
  return settings;
}
