/**
 * What the page's Content-Security-Policy lets Vitrine add to it: its stylesheet (a same-origin
 * <link>) and its tracker (a same-origin <script src>). Each is allowed when the policy that
 * governs it permits 'self' (and no 'strict-dynamic' overrides it) or carries a nonce, which
 * then goes on the injected tag too. A hash-only or 'none' policy lets neither in: nothing is
 * injected that the browser would block, and the response says so (x-vitrine-csp).
 */
export type CspAllowance = {
  /** The origin's nonce, to put on every injected tag; null when the policy has none. */
  nonce: string | null;
  style: boolean;
  script: boolean;
};

const NONCE = /^'nonce-([A-Za-z0-9+/=_-]+)'$/i;

/** Every policy in the header (a comma joins several) must allow a tag for it to load. */
export function cspAllowance(header: string | null, publicUrl: URL): CspAllowance {
  const out: CspAllowance = { nonce: null, style: true, script: true };
  if (!header) return out;
  for (const policy of header.split(",")) {
    const directives = parsePolicy(policy);
    const style = governing(directives, ["style-src-elem", "style-src", "default-src"]);
    const script = governing(directives, ["script-src-elem", "script-src", "default-src"]);
    for (const sources of [style, script]) {
      for (const source of sources ?? []) out.nonce ??= NONCE.exec(source)?.[1] ?? null;
    }
    out.style &&= allows(style, publicUrl);
    out.script &&= allows(script, publicUrl);
  }
  return out;
}

/** The value for x-vitrine-csp, or null when nothing had to be left out. */
export function cspReport(allowance: CspAllowance, wanted: { style: boolean; script: boolean }) {
  const blocked = [
    wanted.style && !allowance.style ? "blocked-style" : null,
    wanted.script && !allowance.script ? "blocked-script" : null,
  ].filter(Boolean);
  return blocked.length ? blocked.join(", ") : null;
}

function parsePolicy(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const directive of policy.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    const key = name?.toLowerCase();
    // The first occurrence of a directive wins (CSP3 §2.2.1).
    if (key && !out.has(key)) out.set(key, sources);
  }
  return out;
}

function governing(directives: Map<string, string[]>, order: string[]): string[] | null {
  for (const name of order) {
    const sources = directives.get(name);
    if (sources) return sources;
  }
  return null;
}

function allows(sources: string[] | null, publicUrl: URL): boolean {
  if (!sources) return true;
  const lower = sources.map((s) => s.toLowerCase().replace(/\/$/, ""));
  if (lower.some((s) => NONCE.test(s))) return true;
  if (lower.includes("'strict-dynamic'")) return false;
  // Vitrine's assets are served from the public origin the page came from.
  const own = [publicUrl.origin, publicUrl.host, "'self'", "*"];
  return lower.some((s) => own.includes(s));
}
