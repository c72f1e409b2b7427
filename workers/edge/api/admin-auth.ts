import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { securedBy } from "./route-docs.ts";

const encoder = new TextEncoder();

/** Compares secrets in constant time (per length) so response timing does not leak them. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

const HOW = "send `Authorization: Bearer <ADMIN_TOKEN>`";

/** Why a request is not an admin's, in words a caller can act on; null when it is. */
async function adminRefusal(
  authorization: string | undefined,
  adminToken: string,
): Promise<{ message: string; challenge: string } | null> {
  if (authorization === undefined)
    return { message: `Missing admin token: ${HOW}`, challenge: 'Bearer realm="vitrine-admin"' };
  const token = /^Bearer +(.+)$/i.exec(authorization.trim())?.[1];
  if (!token)
    return {
      message: `Malformed Authorization header: ${HOW}`,
      challenge: 'Bearer realm="vitrine-admin", error="invalid_request"',
    };
  if (await sameSecret(token, adminToken)) return null;
  return {
    message: `Wrong admin token: ${HOW} (the Worker's ADMIN_TOKEN secret)`,
    challenge: 'Bearer realm="vitrine-admin", error="invalid_token"',
  };
}

const requireAdminToken: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const refusal = await adminRefusal(c.req.header("authorization"), settingsOf(c.env).adminToken);
  if (!refusal) return next();
  c.header("www-authenticate", refusal.challenge);
  throw new ApiError(401, "unauthorized", refusal.message);
};

/**
 * Every admin route: `Authorization: Bearer <ADMIN_TOKEN>`. A refusal is a 401 in the API's
 * JSON error envelope (code `unauthorized`) saying what was wrong and what to send.
 */
export const adminAuth = securedBy(
  {
    name: "adminToken",
    definition: { type: "http", scheme: "bearer", description: "The Worker's ADMIN_TOKEN" },
  },
  requireAdminToken,
);
