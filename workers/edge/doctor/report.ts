/**
 * What `npm run doctor` and the dashboard's doctor page report about one shop page: plain data,
 * built in the Worker (see run-doctor.ts) and rendered by format-report.ts or doctor.tsx.
 */
import type { CspFindings } from "./csp-findings.ts";

/** One slot of the active config and how many elements its selector matched on the page. */
export type SlotFinding = {
  slotId: string;
  selector: string;
  /** Whether the config places this slot on pages of this type (its `pageTypes`). */
  forPageType: boolean;
  /** Elements matched by HTMLRewriter, as the proxy matches them; null: invalid selector. */
  matches: number | null;
};

/** A variant the page showed through the Worker (its `data-vt-*` attributes). */
export type ShownVariant = { slotId: string; variantId: string; reason: string };

export type DoctorReport = {
  /** The public URL diagnosed (on the Worker's host). */
  url: string;
  config: { version: number; enabled: boolean } | null;
  page: {
    pageType: string;
    productSlug: string | null;
    categoryId: string | null;
  };
  origin: {
    status: number;
    contentType: string | null;
    /** The origin's Content-Encoding, as it sent it to the Worker. */
    contentEncoding: string | null;
    /** Where a redirect goes (already on the public host). */
    location: string | null;
    /** The page's size in characters, after decoding. */
    chars: number;
  };
  product: {
    jsonLd: { productId: string | null; sku: string | null; name: string | null } | null;
    /** The first `productID` or `sku` in a schema.org Product item scope (context/microdata.ts). */
    microdata: { productId: string } | null;
  };
  slots: SlotFinding[];
  charset: { value: string | null; source: "header" | "meta" | null };
  compression: Finding;
  csp: CspFindings;
  cache: { request: Finding; response: Finding };
  consent: {
    /** What was read: `cookie`, `gpc` (also DNT) or `default` (no valid choice). */
    source: string;
    personalization: boolean;
    analytics: boolean;
    note: string | null;
  };
  injected: {
    /** Who asked: the caller's cookie, or a consenting test visitor. */
    visitor: "cookie" | "consenting-test-visitor";
    status: number;
    /** The x-vitrine header: what Vitrine did with the page. */
    mode: string | null;
    /** The x-vitrine-csp header: what the page's CSP kept out. */
    cspBlocked: string | null;
    stylesheet: boolean;
    tracker: boolean;
    variants: ShownVariant[];
  } | null;
  /** Set when the Worker could not fetch the page itself. */
  error: string | null;
};

/** A yes/no line with the reason. */
export type Finding = { ok: boolean; detail: string };

/** Encodings the Workers runtime decodes itself (the proxy asks the origin for no others). */
const DECODED = ["gzip", "br"];

/** Whether the origin's Content-Encoding lets Vitrine read (and so personalize) the page. */
export function compressionFinding(encoding: string | null): Finding {
  const value = encoding?.trim().toLowerCase() ?? "";
  if (!value || value === "identity") return { ok: true, detail: "none (identity)" };
  if (DECODED.includes(value))
    return { ok: true, detail: `${value} (the runtime decodes it; visitors get it re-compressed)` };
  return {
    ok: false,
    detail: `${value}: the runtime cannot decode it, so the page passes through unpersonalized`,
  };
}

/** The page's charset: the Content-Type parameter wins over a `<meta>` declaration. */
export function charsetOf(
  contentType: string | null,
  metaCharset: string | null,
): DoctorReport["charset"] {
  const header = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  if (header) return { value: header.toLowerCase(), source: "header" };
  if (metaCharset) return { value: metaCharset.trim().toLowerCase(), source: "meta" };
  return { value: null, source: null };
}

const REQUEST_REASONS: Record<string, string> = {
  method: "only GET and HEAD are cached",
  authorization: "the request carries Authorization",
  cookie: "the request carries a cookie that may change the page (not Vitrine's or analytics')",
  "override-header": "the request carries a header that may make the origin render another URL",
  "request-no-cache": "the request asks for no-cache or no-store",
};

const RESPONSE_REASONS: Record<string, string> = {
  status: "only 200 responses are shared",
  "not-html": "not HTML",
  "set-cookie": "the origin sets a cookie on it",
  encoded: "an encoding the runtime cannot decode",
  vary: "it varies on a request header other than Accept-Encoding",
  private: "Cache-Control: private",
  "no-store": "Cache-Control: no-store",
  "no-cache": "Cache-Control: no-cache",
  "no-ttl": "no max-age or s-maxage above 0",
};

type Cacheability = { cacheable: true; ttl?: number } | { cacheable: false; reason: string };

/** The cache policy's verdicts (proxy/cache-policy.ts) in words. */
export function cacheFindings(
  request: Cacheability,
  response: Cacheability,
): DoctorReport["cache"] {
  const words = (c: Cacheability, reasons: Record<string, string>, yes: string): Finding =>
    c.cacheable
      ? { ok: true, detail: yes }
      : { ok: false, detail: `${c.reason}: ${reasons[c.reason] ?? "see proxy/cache-policy.ts"}` };
  return {
    request: words(request, REQUEST_REASONS, "may use the shared copy"),
    response: words(
      response,
      RESPONSE_REASONS,
      response.cacheable && response.ttl !== undefined
        ? `shared for ${response.ttl}s`
        : "may be shared",
    ),
  };
}

/** Whether the shared anonymous copy serves this page: both the request and the response allow it. */
export const isCacheable = (report: DoctorReport): boolean =>
  report.cache.request.ok && report.cache.response.ok;
