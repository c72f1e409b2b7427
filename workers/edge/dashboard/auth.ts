import type { Context, MiddlewareHandler } from "hono";
import { serialize } from "hono/utils/cookie";
import { sameSecret } from "../api/admin-auth.ts";
import { ApiError } from "../errors.ts";
import { isLocalHttp, readCookie } from "../identity/cookies.ts";
import { signValue, verifySignedValue } from "../identity/signed-value.ts";
import { settingsOf } from "../settings.ts";
import { DASHBOARD_PATH } from "./paths.ts";
import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import { allows, type Principal, type Role } from "../users/roles.ts";
import { sessionIdOf } from "../users/passwords.ts";
import { revokeSession, sessionPrincipal, USER_SESSION_TTL_MS } from "../users/user-sessions.ts";

/**
 * Who may see the dashboard: a named user with a live session (see USER_COOKIE), or, with full
 * access, a request with `Authorization: Bearer <ADMIN_TOKEN>` (scripts, tests) or a browser
 * holding the session cookie the login form sets after the token was typed in. That cookie is
 * HMAC-signed with a key derived from the admin token, so rotating the token ends every token
 * session; it is HttpOnly, SameSite=Strict and scoped to the dashboard.
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

export function clearedSessionCookie(c: Context<{ Bindings: Env }>, name = SESSION_COOKIE): string {
  return serialize(name, "", {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalHttp(new URL(c.req.url)),
    maxAge: 0,
  });
}

/**
 * A named user's session: the cookie carries the random session token, signed with a key
 * derived from COOKIE_SECRET; the sessions table (by the token's hash) says whether it is live.
 */
export const USER_COOKIE = "vt_user";
const USER_VALUE = /^u1\.([A-Za-z0-9_-]{43})$/;
const userKeyOf = (env: Env) => `vitrine-dashboard-user:${settingsOf(env).cookieSecret}`;

export async function userSessionCookie(c: Context<{ Bindings: Env }>, token: string) {
  return serialize(USER_COOKIE, await signValue(`u1.${token}`, userKeyOf(c.env)), {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: !isLocalHttp(new URL(c.req.url)),
    maxAge: USER_SESSION_TTL_MS / 1000,
  });
}

async function userToken(c: Context<{ Bindings: Env }>): Promise<string | null> {
  const raw = readCookie(c.req.header("cookie") ?? null, USER_COOKIE);
  const value = await verifySignedValue(raw, userKeyOf(c.env));
  return value ? (USER_VALUE.exec(value)?.[1] ?? null) : null;
}

/** Logout: the user's session is revoked in Turso, not only forgotten by the browser. */
export async function endUserSession(c: Context<{ Bindings: Env }>): Promise<void> {
  const token = await userToken(c);
  if (token) await revokeSession(createDb(settingsOf(c.env)), await sessionIdOf(token));
}

const principals = new WeakMap<Request, Principal>();

/** Who the current dashboard request acts as (set by `requireLogin`). */
export function principalOf(c: Context): Principal {
  const p = principals.get(c.req.raw);
  if (!p) throw new ApiError(401, "unauthorized", "Log in to the dashboard");
  return p;
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

async function principalFrom(c: Context<{ Bindings: Env }>): Promise<Principal | null> {
  if ((await hasBearer(c)) || (await hasSession(c, clock.now())))
    return { kind: "token", role: "admin" };
  const token = await userToken(c);
  return token ? sessionPrincipal(createDb(settingsOf(c.env)), token) : null;
}

/**
 * Every dashboard route except the login form: the admin token (bearer or its session cookie,
 * full access) or a named user's live session. A browser without either is sent to the login
 * page; anything else gets a JSON 401.
 */
export const requireLogin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const principal = await principalFrom(c);
  if (principal) {
    principals.set(c.req.raw, principal);
    return next();
  }
  const wantsHtml = /text\/html/.test(c.req.header("accept") ?? "");
  if (c.req.method === "GET" && wantsHtml) {
    const url = new URL(c.req.url);
    const target = encodeURIComponent(url.pathname + url.search);
    return c.redirect(`${DASHBOARD_PATH}/login?next=${target}`, 303);
  }
  throw new ApiError(401, "unauthorized", "The dashboard needs a login or the admin token");
};

/** Refuses (403) a logged-in principal whose role does not include `role`. */
export const requireRole =
  (role: Role): MiddlewareHandler<{ Bindings: Env }> =>
  async (c, next) => {
    const principal = principalOf(c);
    if (!allows(principal.role, role))
      throw new ApiError(
        403,
        "forbidden",
        `This needs the ${role} role (you are ${principal.role})`,
      );
    return next();
  };

/** The login form's check: the typed token against ADMIN_TOKEN, in constant time. */
export function sameSecretToken(token: string, env: Env): Promise<boolean> {
  return token ? sameSecret(token, settingsOf(env).adminToken) : Promise.resolve(false);
}
