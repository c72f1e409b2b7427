import { cspAllowance } from "../rewrite/csp.ts";

/** What one kind of injected tag meets in the page's CSP. */
export type CspTagFinding = {
  allowed: boolean;
  /** The directive that governs it (`script-src`...), null when no directive does. */
  directive: string | null;
  /** Why it is allowed or blocked, in words. */
  why: string;
};

export type CspFindings = {
  /** The raw Content-Security-Policy header; null when the page has none. */
  header: string | null;
  nonce: boolean;
  /** The stylesheet (`<link rel=stylesheet>` to the Worker's modules.css). */
  style: CspTagFinding;
  /** The tracker (`<script src>` to the Worker's tracker.js). */
  script: CspTagFinding;
};

const NONCE = /^'nonce-[A-Za-z0-9+/=_-]+'$/i;
const HASH = /^'sha(256|384|512)-/i;

/**
 * The page's CSP against Vitrine's two injected tags, with the same verdict the proxy applies
 * (rewrite/csp.ts) and the reason behind it: a nonce, 'self', 'strict-dynamic', hash-only...
 */
export function cspFindings(header: string | null, publicUrl: URL): CspFindings {
  const allowance = cspAllowance(header, publicUrl);
  const policies = (header ?? "").split(",").filter((p) => p.trim());
  return {
    header,
    nonce: allowance.nonce !== null,
    style: describe(
      policies,
      ["style-src-elem", "style-src", "default-src"],
      allowance.style,
      publicUrl,
    ),
    script: describe(
      policies,
      ["script-src-elem", "script-src", "default-src"],
      allowance.script,
      publicUrl,
    ),
  };
}

function describe(
  policies: string[],
  order: string[],
  allowed: boolean,
  publicUrl: URL,
): CspTagFinding {
  if (policies.length === 0) return { allowed, directive: null, why: "no CSP" };
  const reasons: string[] = [];
  let governing: string | null = null;
  for (const policy of policies) {
    const found = governingDirective(policy, order);
    if (!found) continue;
    governing ??= found.name;
    reasons.push(`${found.name}: ${verdict(found.sources, publicUrl)}`);
  }
  if (!governing) return { allowed, directive: null, why: `no ${order.join("/")} directive` };
  return { allowed, directive: governing, why: reasons.join("; ") };
}

function governingDirective(
  policy: string,
  order: string[],
): { name: string; sources: string[] } | null {
  const seen = new Map<string, string[]>();
  for (const directive of policy.split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    const key = name?.toLowerCase();
    if (key && !seen.has(key)) seen.set(key, sources);
  }
  for (const name of order) {
    const sources = seen.get(name);
    if (sources) return { name, sources };
  }
  return null;
}

function verdict(sources: string[], publicUrl: URL): string {
  const lower = sources.map((s) => s.toLowerCase().replace(/\/$/, ""));
  if (lower.some((s) => NONCE.test(s))) return "a nonce, which Vitrine copies onto its tag";
  if (lower.includes("'strict-dynamic'"))
    return "'strict-dynamic' without a nonce ignores 'self' and hosts: blocked";
  const own = [publicUrl.origin, publicUrl.host, "'self'", "*"];
  const match = lower.find((s) => own.includes(s));
  if (match) return `allows ${match}`;
  if (lower.length === 0 || lower.includes("'none'")) return "'none': blocked";
  if (lower.every((s) => HASH.test(s) || s.startsWith("'unsafe-")))
    return "hash-only: an injected tag has no matching hash, blocked";
  return `neither 'self' nor ${publicUrl.host} is listed: blocked`;
}
