import type { Context, MiddlewareHandler } from "hono";
import { serialize } from "hono/utils/cookie";
import { sameSecret } from "../api/admin-auth.ts";
import { ApiError } from "../errors.ts";
import { isLocalHttp, readCookie } from "../identity/cookies.ts";
import { signValue, verifySignedValue } from "../identity/signed-value.ts";
import { settingsOf } from "../settings.ts";
import { DASHBOARD_PATH } from "./paths.ts";
import * as clock from "../clock.ts";

/**
 * Who may see the dashboard: a request with `Authorization: Bearer <ADMIN_TOKEN>` (scripts,
 * tests), or a browser holding the session cookie the login form sets after the token was
 * typed in. The cookie is HMAC-signed with a key derived from the admin token, so rotating
 * the token ends every session; it is HttpOnly, SameSite=Strict and scoped to the dashboard.
 */
export const SESSION_COOKIE = "vt_admin";
export const SESSION_TTL_MS = 8 * 3600 * 1000;
const VALUE = /^v1\.(\d{13})$/;

const keyOf = (adminToken: string) => `vitrine-dashboard-session:${adminToken}`;

export async function sessionCookie(c: Context<{ Bindings: Env }>, now: number): Promise<string> {
  const { adminToken } = settingsOf(c.env);
  const value = await signValue(`v1.${now + SESSION_TTL_MS}`, keyOf(adminToken));
  return serialize(SESSION_COOKIE, value, {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalHttp(new URL(c.req.url)),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearedSessionCookie(c: Context<{ Bindings: Env }>): string {
  return serialize(SESSION_COOKIE, "", {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalHttp(new URL(c.req.url)),
    maxAge: 0,
  });
}

async function hasSession(c: Context<{ Bindings: Env }>, now: number): Promise<boolean> {
  const raw = readCookie(c.req.header("cookie") ?? null, SESSION_COOKIE);
  const value = await verifySignedValue(raw, keyOf(settingsOf(c.env).adminToken));
  const expires = value ? VALUE.exec(value)?.[1] : undefined;
  return expires !== undefined && Number(expires) > now;
}

export async function hasBearer(c: Context<{ Bindings: Env }>): Promise<boolean> {
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  return token !== undefined && (await sameSecret(token, settingsOf(c.env).adminToken));
}

/** Only paths inside the dashboard are followed after login (no open redirect). */
export function safeNext(next: string | undefined | null): string {
  if (!next || !next.startsWith(`${DASHBOARD_PATH}`) || next.startsWith("//"))
    return DASHBOARD_PATH;
  return /[\r\n\\]/.test(next) ? DASHBOARD_PATH : next;
}

/**
 * Every dashboard route except the login form. A browser without a session is sent to the
 * login page; anything else gets a JSON 401.
 */
export const requireAdmin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if ((await hasBearer(c)) || (await hasSession(c, clock.now()))) return next();
  const wantsHtml = /text\/html/.test(c.req.header("accept") ?? "");
  if (c.req.method === "GET" && wantsHtml) {
    const url = new URL(c.req.url);
    const target = encodeURIComponent(url.pathname + url.search);
    return c.redirect(`${DASHBOARD_PATH}/login?next=${target}`, 303);
  }
  throw new ApiError(401, "unauthorized", "The dashboard needs the admin token");
};

/** The login form's check: the typed token against ADMIN_TOKEN, in constant time. */
export function sameSecretToken(token: string, env: Env): Promise<boolean> {
  return token ? sameSecret(token, settingsOf(env).adminToken) : Promise.resolve(false);
}
