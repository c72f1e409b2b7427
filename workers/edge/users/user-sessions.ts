import { and, eq, isNull } from "drizzle-orm";
import { users, userSessions } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import type { UsersDb as Db } from "./user-db.ts";
import { newSessionToken, sessionIdOf, verifyPassword } from "./passwords.ts";
import type { Principal } from "./roles.ts";

export const USER_SESSION_TTL_MS = 8 * 3600 * 1000;
/** How long an isolate trusts a session it looked up: a revocation elsewhere lands within this. */
export const SESSION_CACHE_MS = 30_000;

type Cached = { principal: Extract<Principal, { kind: "user" }>; expiresAt: number; at: number };
const cache = new Map<string, Cached>();
const MAX_CACHED = 1000;

/** Drops cached sessions (one id, or every session of a user) so this isolate re-reads them. */
export function forgetSessions(match: { sessionId?: string; userId?: string }): void {
  for (const [id, entry] of cache) {
    if (id === match.sessionId || entry.principal.userId === match.userId) cache.delete(id);
  }
}

/**
 * The user behind email+password, or null (unknown email, wrong password, disabled user).
 * An unknown email still costs one hash so response time does not say which emails exist.
 */
export async function checkPassword(db: Db, email: string, password: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  const ok = await verifyPassword(
    password,
    user?.passwordHash ?? "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$" + "A".repeat(43),
  );
  return ok && user && user.disabledAt === null ? user : null;
}

/** Starts a session for a user; returns the token for the cookie (only its hash is stored). */
export async function startSession(db: Db, userId: string, userAgent: string | null) {
  const { token, id } = await newSessionToken();
  const now = clock.now();
  await db.insert(userSessions).values({
    id,
    userId,
    createdAt: now,
    expiresAt: now + USER_SESSION_TTL_MS,
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  return { token, expiresAt: now + USER_SESSION_TTL_MS };
}

/**
 * The principal of a live session token: not revoked, not expired, user not disabled. Looked up
 * in Turso at most every SESSION_CACHE_MS per isolate.
 */
export async function sessionPrincipal(db: Db, token: string): Promise<Principal | null> {
  const id = await sessionIdOf(token);
  const now = clock.now();
  const hit = cache.get(id);
  if (hit && now - hit.at < SESSION_CACHE_MS && now >= hit.at) {
    return hit.expiresAt > now ? hit.principal : null;
  }
  cache.delete(id);
  const [row] = await db
    .select({
      expiresAt: userSessions.expiresAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, id), isNull(userSessions.revokedAt), isNull(users.disabledAt)))
    .limit(1);
  if (!row || row.expiresAt <= now) return null;
  const principal = {
    kind: "user" as const,
    sessionId: id,
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
  };
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(id, { principal, expiresAt: row.expiresAt, at: now });
  return principal;
}

/** Ends one session (logout, or an admin revoking it); true when it was live. */
export async function revokeSession(db: Db, sessionId: string): Promise<boolean> {
  forgetSessions({ sessionId });
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: clock.now() })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.length > 0;
}
