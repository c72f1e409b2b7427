/**
 * Password hashing with WebCrypto only (the same code runs in workerd and in Node's CLI):
 * PBKDF2-SHA256, a random 16-byte salt per user, 100,000 iterations (workerd refuses more).
 * Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64url, so the cost is per hash.
 */
export const PBKDF2_ITERATIONS = 100_000;
const PREFIX = "pbkdf2-sha256";
const encoder = new TextEncoder();

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function fromB64url(text: string): Uint8Array | null {
  try {
    const bin = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** A new salted hash of `password`, in the stored format. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${PREFIX}$${PBKDF2_ITERATIONS}$${b64url(salt)}$${b64url(hash)}`;
}

/** Whether `password` matches a stored hash; false for anything malformed. Constant-time compare. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [prefix, rounds, saltText, hashText] = stored.split("$");
  const iterations = Number(rounds);
  if (prefix !== PREFIX || !Number.isInteger(iterations) || iterations < 1) return false;
  if (iterations > PBKDF2_ITERATIONS) return false;
  const salt = fromB64url(saltText ?? "");
  const expected = fromB64url(hashText ?? "");
  if (!salt || !expected || expected.length !== 32) return false;
  const actual = await derive(password, salt, iterations);
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!;
  return diff === 0;
}

/** A random password to hand out once (128 bits, base64url). */
export const oneTimePassword = (): string => b64url(crypto.getRandomValues(new Uint8Array(16)));

/** A random 256-bit session token (base64url) and the SHA-256 hex stored in its place. */
export async function newSessionToken(): Promise<{ token: string; id: string }> {
  const token = b64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, id: await sessionIdOf(token) };
}

/** The stored id of a session token: SHA-256, hex. */
export async function sessionIdOf(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
