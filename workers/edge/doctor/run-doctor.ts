import { Hono, type ExecutionContext } from "hono";
import { z } from "zod";
import * as clock from "../clock.ts";
import { loadActiveConfig } from "../config/config-store.ts";
import { matchPage } from "../context/page-rules.ts";
import {
  encodeConsent,
  resolveConsent,
  decodeConsent,
  isChoiceCurrent,
} from "../identity/consent.ts";
import { COOKIE, readCookie, readSignedCookie } from "../identity/cookies.ts";
import { signValue } from "../identity/signed-value.ts";
import { ApiError, errorResponse } from "../errors.ts";
import { isHtml, requestCacheability, responseCacheability } from "../proxy/cache-policy.ts";
import { decodedResponseHeaders, originRequestHeaders } from "../proxy/headers.ts";
import { CSP_HEADER, servePage, VIA_HEADER } from "../personalize/serve-page.ts";
import { settingsOf } from "../settings.ts";
import { cspFindings } from "./csp-findings.ts";
import { scanPage, type PageScan } from "./inspect-page.ts";
import { cacheFindings, charsetOf, compressionFinding, type DoctorReport } from "./report.ts";

/** What to diagnose: a page on the shop, and optionally the Cookie header a visitor sends. */
export const DoctorInput = z.object({
  url: z.string().min(1, { error: "must be a path like /p/x or an http(s) URL" }).max(2000),
  cookie: z.string().max(8192).optional(),
});
export type DoctorInput = z.infer<typeof DoctorInput>;

/**
 * The test visitor the doctor asks as when no cookie is given: one fixed id, so doctor runs add
 * page views to a single visitor that says what it is, not a new visitor per run.
 */
export const DOCTOR_VISITOR_ID = "vitrine-doctor";

const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36 vitrine-doctor";
const STALE_DEFAULTS = { staleWhileRevalidate: 60, staleIfError: 24 * 3600 };

// The proxy path alone, called in-process: the page goes through exactly what visitors get.
const proxy = new Hono<{ Bindings: Env }>().all("*", servePage);
proxy.onError(errorResponse);

/** The page on the Worker's own host: only a path (and query) is taken from the input. */
export function publicUrlOf(input: string, workerOrigin: string): URL {
  let given: URL;
  try {
    given =
      input.startsWith("/") && !input.startsWith("//")
        ? new URL(input, workerOrigin)
        : new URL(input);
  } catch {
    throw new ApiError(400, "invalid_url", "url: must be a path like /p/x or an http(s) URL");
  }
  if (!/^https?:$/.test(given.protocol))
    throw new ApiError(400, "invalid_url", "url: must be a path like /p/x or an http(s) URL");
  const url = new URL(workerOrigin);
  url.pathname = given.pathname;
  url.search = given.search;
  return url;
}

/**
 * Fetches a page from the origin and through the proxy, and reports what Vitrine sees in it
 * (see report.ts). A page the origin cannot serve is a report with `error`, not a failure.
 */
export async function runDoctor(
  env: Env,
  ctx: ExecutionContext,
  workerOrigin: string,
  input: DoctorInput,
): Promise<DoctorReport> {
  const settings = settingsOf(env);
  const url = publicUrlOf(input.url, workerOrigin);
  const active = await loadActiveConfig(env.CONFIG);
  const config = active?.config ?? null;
  const page = matchPage(url.pathname, config?.pageRules);
  const cookie = input.cookie?.trim() || null;
  const visitorHeaders = new Headers({ "user-agent": BROWSER_UA, accept: "text/html" });
  if (cookie) visitorHeaders.set("cookie", cookie);

  const report: DoctorReport = {
    url: url.toString(),
    config: active ? { version: active.version, enabled: active.config.enabled } : null,
    page,
    origin: { status: 0, contentType: null, contentEncoding: null, location: null, chars: 0 },
    product: { jsonLd: null, microdata: null },
    slots: [],
    charset: { value: null, source: null },
    compression: compressionFinding(null),
    csp: cspFindings(null, url),
    cache: cacheFindings(requestCacheability("GET", visitorHeaders), { cacheable: true }),
    consent: await consentRead(visitorHeaders, settings.cookieSecret),
    injected: null,
    error: null,
  };

  const selectors = Object.entries(config?.slots ?? {}).map(([slotId, slot]) => ({
    slotId,
    selector: slot.selector,
  }));
  let origin: Response;
  try {
    origin = await fetchOrigin(url, visitorHeaders, settings.origin, settings.originTimeoutMs);
  } catch (err) {
    report.error = `the origin did not answer: ${err instanceof Error ? err.message : String(err)}`;
    return report;
  }
  const headers = origin.headers;
  const encoding = headers.get("content-encoding");
  report.origin = {
    status: origin.status,
    contentType: headers.get("content-type"),
    contentEncoding: encoding,
    location: headers.get("location"),
    chars: 0,
  };
  report.compression = compressionFinding(encoding);
  report.csp = cspFindings(headers.get("content-security-policy"), url);
  report.cache.response = cacheFindings(
    { cacheable: true },
    responseCacheability(
      origin.status,
      decodedResponseHeaders(new Headers(headers)),
      STALE_DEFAULTS,
    ),
  ).response;

  const readable = isHtml(headers.get("content-type")) && compressionFinding(encoding).ok;
  const scan: PageScan | null = readable ? await scanPage(origin, selectors) : null;
  if (!readable) await origin.body?.cancel();
  if (scan) {
    report.origin.chars = scan.chars;
    report.charset = charsetOf(headers.get("content-type"), scan.metaCharset);
    const ld = scan.jsonLd;
    report.product = {
      jsonLd: ld ? { productId: ld.productId, sku: ld.sku, name: ld.name } : null,
      microdata: scan.microdataId ? { productId: scan.microdataId } : null,
    };
  } else {
    report.charset = charsetOf(headers.get("content-type"), null);
  }
  report.slots = selectors.map(({ slotId, selector }) => {
    const slot = config!.slots[slotId]!;
    return {
      slotId,
      selector,
      forPageType: !slot.pageTypes || slot.pageTypes.includes(page.pageType),
      matches: scan ? (scan.matches.get(slotId) ?? 0) : 0,
    };
  });

  report.injected = await throughProxy(env, ctx, url, cookie, settings.cookieSecret);
  return report;
}

/** The origin's answer as the proxy asks for it (same forwarding headers and encodings). */
async function fetchOrigin(
  url: URL,
  visitor: Headers,
  originUrl: URL,
  timeoutMs: number,
): Promise<Response> {
  const target = new URL(originUrl);
  target.pathname = url.pathname;
  target.search = url.search;
  const headers = originRequestHeaders(visitor, {
    ip: null,
    host: url.host,
    proto: url.protocol === "https:" ? "https" : "http",
  });
  return fetch(target, { headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
}

async function consentRead(headers: Headers, secret: string): Promise<DoctorReport["consent"]> {
  const cookie = headers.get("cookie");
  const verified = await readSignedCookie(cookie, COOKIE.consent, secret);
  const now = clock.now();
  const consent = resolveConsent(headers, verified, now);
  const raw = readCookie(cookie, COOKIE.consent);
  const choice = decodeConsent(verified);
  const note = !cookie
    ? "no cookie given (--cookie): a first visit, before any consent choice"
    : raw === null
      ? `no ${COOKIE.consent} cookie: no consent choice yet`
      : verified === null
        ? `${COOKIE.consent} does not verify (signed with another COOKIE_SECRET, or altered)`
        : choice && !isChoiceCurrent(choice.at, now)
          ? `${COOKIE.consent} is older than the consent lifetime: the banner asks again`
          : null;
  return { ...consent, note };
}

/** The page through the proxy, as the caller's cookie or a consenting test visitor gets it. */
async function throughProxy(
  env: Env,
  ctx: ExecutionContext,
  url: URL,
  cookie: string | null,
  secret: string,
): Promise<DoctorReport["injected"]> {
  const visitorCookie =
    cookie ??
    [
      `${COOKIE.consent}=${await signValue(encodeConsent({ personalization: true, analytics: true }, clock.now()), secret)}`,
      `${COOKIE.visitor}=${await signValue(DOCTOR_VISITOR_ID, secret)}`,
    ].join("; ");
  const request = new Request(url, {
    headers: { "user-agent": BROWSER_UA, accept: "text/html", cookie: visitorCookie },
  });
  const res = await proxy.fetch(request, env, ctx);
  const scan = isHtml(res.headers.get("content-type"))
    ? await scanPage(res, [])
    : (await res.body?.cancel(), null);
  return {
    visitor: cookie ? "cookie" : "consenting-test-visitor",
    status: res.status,
    mode: res.headers.get(VIA_HEADER),
    cspBlocked: res.headers.get(CSP_HEADER),
    stylesheet: scan?.stylesheet ?? false,
    tracker: scan?.tracker ?? false,
    variants: scan?.variants ?? [],
  };
}
