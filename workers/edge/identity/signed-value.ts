/**
 * HMAC-SHA256 signed short values for cookies: `value.signature`, the signature base64url
 * without padding (cookie-safe, no percent-encoding). The MAC covers the value alone, exactly as
 * hono's `serializeSigned` does, so values signed by hono (standard base64 with `=`) verify too.
 * Callers check the value's own format, which keeps one cookie's value from passing as another's.
 */

const encoder = new TextEncoder();
const HMAC = { name: "HMAC", hash: "SHA-256" } as const;
const SIGNATURE_BYTES = 32;
/** Cookies hold a few hundred bytes at most; anything longer is not ours. */
const MAX_SIGNED_LENGTH = 4096;

// Importing a key costs more than the HMAC itself; secrets are few (current, maybe a rotated one).
const MAX_CACHED_KEYS = 8;
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), HMAC, false, ["sign"]);
    // A failed import must not stay cached for the isolate's lifetime.
    key.catch(() => keys.delete(secret));
    if (keys.size >= MAX_CACHED_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(secret, key);
  }
  return key;
}

async function mac(value: string, secret: string): Promise<Uint8Array> {
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(value)),
  );
}

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Both alphabets decode: `-_` (ours) and `+/` (hono's).
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET[B64URL.charCodeAt(i)] = i;
SEXTET["+".charCodeAt(0)] = 62;
SEXTET["/".charCodeAt(0)] = 63;

function toBase64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += B64URL[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** Decodes exactly one 32-byte signature (43 chars, optional `=`); anything else is null. */
function decodeSignature(text: string): Uint8Array | null {
  const body = text.length === 44 && text.endsWith("=") ? text.slice(0, 43) : text;
  if (body.length !== 43) return null;
  const out = new Uint8Array(SIGNATURE_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    const v = code < 128 ? SEXTET[code]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < SIGNATURE_BYTES) out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  // 43 chars carry 258 bits: the last 2 must be zero in a canonical encoding.
  return o === SIGNATURE_BYTES && acc === 0 ? out : null;
}

/** Compares in time that depends on the length only, never on where the bytes differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** `value.signature`. Throws on an empty secret: an unsigned identity cookie must never ship. */
export async function signValue(value: string, secret: string): Promise<string> {
  if (!secret) throw new Error("signValue: the secret is empty");
  return `${value}.${toBase64url(await mac(value, secret))}`;
}

/*
 * Returning visitors send the same signed cookies on every page, so strings that verified once
 * are remembered per secret: the HMAC runs once per cookie value and isolate, not per request.
 * Only successes are stored (a forged value costs a full verification every time), and a key
 * is the whole `value.signature` string, so nothing unverified can ever match one.
 */
const MAX_VERIFIED = 10_000;
const verified = new Map<string, Map<string, string>>();

function remember(secret: string, signed: string, value: string): void {
  let bySecret = verified.get(secret);
  if (!bySecret) {
    // A rotated secret's entries go with it.
    if (verified.size >= MAX_CACHED_KEYS) verified.clear();
    verified.set(secret, (bySecret = new Map()));
  }
  // Oldest first out: a bounded cache whose memory stays flat whatever the traffic.
  if (bySecret.size >= MAX_VERIFIED) bySecret.delete(bySecret.keys().next().value!);
  bySecret.set(signed, value);
}

/**
 * The value inside a correctly signed `value.signature`, or null for anything else: missing,
 * malformed, too long, signed with another secret, or tampered with. Never throws.
 */
export async function verifySignedValue(
  signed: string | null | undefined,
  secret: string,
): Promise<string | null> {
  if (!signed || !secret || signed.length > MAX_SIGNED_LENGTH) return null;
  const known = verified.get(secret)?.get(signed);
  if (known !== undefined) return known;
  const dot = signed.lastIndexOf(".");
  if (dot < 0) return null;
  const given = decodeSignature(signed.slice(dot + 1));
  if (!given) return null;
  const value = signed.slice(0, dot);
  try {
    if (!timingSafeEqual(given, await mac(value, secret))) return null;
  } catch {
    return null;
  }
  remember(secret, signed, value);
  return value;
}
