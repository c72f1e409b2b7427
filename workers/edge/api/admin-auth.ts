import { bearerAuth } from "hono/bearer-auth";
import { settingsOf } from "../settings.ts";

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

/** Every admin route: `Authorization: Bearer <ADMIN_TOKEN>`. */
export const adminAuth = bearerAuth({
  verifyToken: (token, c) => sameSecret(token, settingsOf(c.env as Env).adminToken),
});
