import { signValue, verifySignedValue } from "./signed-value.ts";

/** The longest a preview token may be valid for: a leaked link stops working within a day. */
export const PREVIEW_MAX_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * `?vt_preview=<variant>.<config version>.<expires>.<signature>`: lets QA force a variant of
 * one config version until it expires (at most PREVIEW_MAX_LIFETIME_MS ahead).
 */
export async function createPreviewToken(
  variantId: string,
  configVersion: number,
  expiresAt: number,
  secret: string,
): Promise<string> {
  const payload = `${variantId}.${configVersion}.${expiresAt}`;
  return (await signValue(signed(payload), secret)).slice(signed("").length);
}

/** What a preview token allows, or why it allows nothing. */
export type PreviewCheck =
  | { ok: true; variantId: string; configVersion: number }
  | { ok: false; reason: "malformed" | "forged" | "expired" | "too-long" };

// The MAC covers a preview-only prefix: no other signed value can pass as a token.
const signed = (payload: string) => `preview:v2:${payload}`;

/**
 * Checks a token's shape, signature and expiry; a token valid for longer than
 * PREVIEW_MAX_LIFETIME_MS from `now` is refused. The config version is the caller's to compare
 * with the active one.
 */
export async function verifyPreviewToken(
  token: string | null,
  now: number,
  secret: string,
): Promise<PreviewCheck> {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{20,100})$/.exec(
    token ?? "",
  );
  if (!m) return { ok: false, reason: "malformed" };
  const [, variantId, version, expires, sig] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const payload = signed(`${variantId}.${version}.${expires}`);
  if ((await verifySignedValue(`${payload}.${sig}`, secret)) !== payload)
    return { ok: false, reason: "forged" };
  if (Number(expires) < now) return { ok: false, reason: "expired" };
  if (Number(expires) - now > PREVIEW_MAX_LIFETIME_MS) return { ok: false, reason: "too-long" };
  return { ok: true, variantId, configVersion: Number(version) };
}
