const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, k);
  }
  return k;
}

const b64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function fromB64url(text: string): Uint8Array | null {
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

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
  const sig = await crypto.subtle.sign("HMAC", await key(secret), encoder.encode(signed(payload)));
  return `${payload}.${b64url(sig)}`;
}

/** What a preview token allows, or why it allows nothing. */
export type PreviewCheck =
  | { ok: true; variantId: string; configVersion: number }
  | { ok: false; reason: "malformed" | "forged" | "expired" | "too-long" };

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
  const bytes = fromB64url(sig);
  const ok =
    bytes !== null &&
    (await crypto.subtle.verify(
      "HMAC",
      await key(secret),
      bytes,
      encoder.encode(signed(`${variantId}.${version}.${expires}`)),
    ));
  if (!ok) return { ok: false, reason: "forged" };
  if (Number(expires) < now) return { ok: false, reason: "expired" };
  if (Number(expires) - now > PREVIEW_MAX_LIFETIME_MS) return { ok: false, reason: "too-long" };
  return { ok: true, variantId, configVersion: Number(version) };
}
