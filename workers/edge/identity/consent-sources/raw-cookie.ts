/**
 * The raw value of the first cookie named `name`, exactly as the browser sent it (no
 * URL-decoding: each consent manager's format says how its value is encoded). Surrounding
 * double quotes are dropped (RFC 6265 allows them).
 */
export function rawCookie(cookieHeader: string | null, name: string): string | null {
  if (!cookieHeader) return null;
  for (const pair of cookieHeader.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
      ? value.slice(1, -1)
      : value;
  }
  return null;
}

/** URL-decoded once; null when the encoding is broken. */
export function urlDecoded(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
