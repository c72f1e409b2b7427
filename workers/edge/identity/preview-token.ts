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

/** `?vt_preview=<variant>.<expires>.<signature>`: lets QA force a variant until it expires. */
export async function createPreviewToken(
  variantId: string,
  expiresAt: number,
  secret: string,
): Promise<string> {
  const payload = `${variantId}.${expiresAt}`;
  const sig = await crypto.subtle.sign(
    "HMAC",
    await key(secret),
    encoder.encode(`preview:${payload}`),
  );
  return `${payload}.${b64url(sig)}`;
}

/** The forced variant id, or null for a missing, expired, malformed or forged token. */
export async function verifyPreviewToken(
  token: string | null,
  now: number,
  secret: string,
): Promise<string | null> {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{20,100})$/.exec(token ?? "");
  if (!m) return null;
  const [, variantId, expires, sig] = m as unknown as [string, string, string, string];
  if (Number(expires) < now) return null;
  const bytes = fromB64url(sig);
  if (!bytes) return null;
  const ok = await crypto.subtle.verify(
    "HMAC",
    await key(secret),
    bytes,
    encoder.encode(`preview:${variantId}.${expires}`),
  );
  return ok ? variantId : null;
}
