import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../db/client.ts";
import { ApiError, parseInput } from "../errors.ts";
import {
  COOKIE,
  consentCookie,
  expiredCookie,
  readSignedCookies,
  visitorCookie,
} from "../identity/cookies.ts";
import {
  encodeConsent,
  isVoidedByWithdrawal,
  privacySignal,
  resolveConsent,
  settleChoice,
  SIGNAL_HEADER,
  usesShopConsent,
  vitrineChoiceAt,
} from "../identity/consent.ts";
import { activeConsentConfig } from "../identity/consent-config.ts";
import { CONSENT_STATE_SOURCES } from "../model/context.ts";
import { mayMintVisitorId, NEW_ID_RETRY_AFTER_S } from "../identity/new-id-limit.ts";
import { settingsOf } from "../settings.ts";
import type { ConsentRow } from "../visitor/outbox.ts";
import { consentInserts } from "../visitor/turso-sink.ts";
import { visitorObject } from "../visitor/stub.ts";
import { sameSiteWrites } from "./cross-site.ts";
import { describeRoute, ErrorEnvelope, type RouteDoc } from "./route-docs.ts";
import { shopCors } from "./shop-cors.ts";
import * as clock from "../clock.ts";

export const ConsentChoice = z.strictObject({
  personalization: z.boolean(),
  analytics: z.boolean(),
});

const truthy = (v: unknown) => v === true || v === "1" || v === "true" || v === "on";

/** The consent in force; fields beyond these (e.g. a privacy signal's override) may be added. */
const ConsentState = z.looseObject({
  ...ConsentChoice.shape,
  source: z.enum(CONSENT_STATE_SOURCES),
});
const CONSENT_GET_DOC: RouteDoc = {
  summary: "The consent in force for this browser",
  tag: "privacy",
  responses: { 200: ["Consent", ConsentState] },
};
const CONSENT_POST_DOC: RouteDoc = {
  summary: "Record the visitor's choice (JSON, or a form that redirects back)",
  tag: "privacy",
  body: ConsentChoice,
  responses: {
    200: ["Recorded", ConsentState],
    303: ["Form: back to the page"],
    400: ["Invalid choice", ErrorEnvelope],
    403: ["Posted from another site", ErrorEnvelope],
    409: ["The shop's consent manager records choices, not this API", ErrorEnvelope],
    429: ["Too many new visitor ids from this address; see Retry-After", ErrorEnvelope],
  },
};

/**
 * The visitor's consent choice: JSON for SPAs and banners, or a plain HTML form (which is
 * redirected back to the page it came from). The choice is a signed first-party cookie; with
 * a known visitor id it is also recorded by the visitor's Durable Object, which writes it to
 * the consent audit log in Turso (retrying while Turso is down) and remembers a withdrawal, so
 * the cookies the visitor had before it cannot resume tracking when replayed.
 *
 * A privacy signal (Sec-GPC, DNT) wins over the choice on every request, so under one the
 * answer is the consent that applies, with `overriddenBy` naming the header and `requested`
 * the choice, and no cookie claims more (see settleChoice). Only this site and the shop's
 * SHOP_ORIGINS may post a choice (see sameSiteWrites).
 *
 * When the config takes consent from the shop's consent manager (`consent.from` other than
 * "vitrine"), GET reports that manager's answer and POST is refused with 409: the choice is
 * made, and changed, in the manager's own banner (docs/consent-managers.md).
 */
export const consent = new Hono<{ Bindings: Env }>()
  .use("*", shopCors(), sameSiteWrites())
  .get("/", describeRoute(CONSENT_GET_DOC), async (c) => {
    const settings = settingsOf(c.env);
    const cookies = await readSignedCookies(c.req.header("cookie") ?? null, settings.cookieSecret);
    const config = await activeConsentConfig(c.env);
    let consent = resolveConsent(c.req.raw.headers, cookies.consent, clock.now(), config);
    c.header("cache-control", "no-store");
    // A yes from before the visitor's recorded withdrawal (replayed cookies), or for an erased
    // id, is no choice, and the ids go: a page whose headers left before the visitor's object
    // said so asks here (see servePage).
    if (consent.personalization && cookies.visitor) {
      const stub = visitorObject(c.env, cookies.visitor);
      const at = vitrineChoiceAt(cookies.consent, config);
      // The object unreachable: the cookie's word stands.
      const standing = await stub.idStanding().catch(() => null);
      if (standing && (standing.erased || isVoidedByWithdrawal(at, standing.withdrawnAt))) {
        consent = { personalization: false, analytics: false, source: "default" };
        const url = new URL(c.req.url);
        for (const name of [COOKIE.visitor, COOKIE.session])
          c.header("set-cookie", expiredCookie(name, url), { append: true });
      }
    }
    const signal = privacySignal(c.req.raw.headers);
    const answer = signal ? { ...consent, overriddenBy: SIGNAL_HEADER[signal] } : consent;
    return c.json(answer, 200);
  })
  .post("/", describeRoute(CONSENT_POST_DOC), async (c) => {
    const settings = settingsOf(c.env);
    const config = await activeConsentConfig(c.env);
    if (usesShopConsent(config))
      throw new ApiError(
        409,
        "consent_managed_by_cmp",
        `This shop's consent manager (${config.from}) records consent choices: change them there`,
        { consentManager: config.from },
      );
    const isForm = /form/.test(c.req.header("content-type") ?? "");
    let raw: unknown;
    if (isForm) {
      // A form the platform cannot read (a multipart body without its boundary, say) is bad input.
      const form = await c.req.parseBody().catch(() => {
        throw new ApiError(400, "invalid_form", "The body is not a readable form", {
          field: "body",
        });
      });
      raw = { personalization: truthy(form.personalization), analytics: truthy(form.analytics) };
    } else {
      raw = await c.req.json().catch(() => {
        throw new ApiError(400, "invalid_json", "The body is not valid JSON");
      });
    }
    const requested = parseInput(ConsentChoice, raw, "invalid_consent");
    const { applied, stored, overriddenBy } = settleChoice(
      requested,
      privacySignal(c.req.raw.headers),
    );
    const now = clock.now();
    const url = new URL(c.req.url);
    const cookies = await readSignedCookies(c.req.header("cookie") ?? null, settings.cookieSecret);
    // A yes without an id mints one below: under the per-address new-id limit, like pages.
    if (
      stored?.personalization &&
      !cookies.visitor &&
      !(await mayMintVisitorId(c.env, c.req.raw.headers))
    ) {
      c.header("retry-after", String(NEW_ID_RETRY_AFTER_S));
      throw new ApiError(429, "rate_limited", "Too many new visitors from this address", {
        retryAfterS: NEW_ID_RETRY_AFTER_S,
      });
    }
    const headers = new Headers({ "cache-control": "no-store" });
    if (stored)
      headers.append(
        "set-cookie",
        await consentCookie(encodeConsent(stored, now), settings.cookieSecret, url),
      );
    // No personalization ends identification at once.
    if (!applied.personalization) {
      for (const name of [COOKIE.visitor, COOKIE.session])
        headers.append("set-cookie", expiredCookie(name, url));
    }
    // A yes starts identification now, so the choice itself is in the audit log.
    let visitorId = cookies.visitor ?? null;
    if (stored?.personalization && !visitorId) {
      visitorId = crypto.randomUUID();
      headers.append("set-cookie", await visitorCookie(visitorId, settings.cookieSecret, url));
    }
    // Without any visitor id there is nobody to audit (nor to remember a withdrawal for): the
    // cookie alone carries the choice. A choice not stored is not audited either.
    if (stored && visitorId) {
      const choice = stored;
      const source = isForm ? "banner" : "api";
      const stub = visitorObject(c.env, visitorId);
      try {
        // Awaited: the withdrawal is in force before the answer says so.
        const recorded = await stub.recordConsent(visitorId, { ...choice, source, at: now });
        // An erased id is never identified again: the browser's copy goes (a yes mints a new
        // one on its next page).
        if (recorded === "erased")
          for (const name of [COOKIE.visitor, COOKIE.session])
            headers.append("set-cookie", expiredCookie(name, url));
        // Into Turso now if it is up; otherwise the object's alarm retries until it is.
        c.executionCtx.waitUntil(
          stub.flush().then(
            () => undefined,
            // Expected while Turso is down: the object keeps the choice and retries.
            (err: unknown) =>
              console.warn(JSON.stringify({ msg: "consent audit deferred", error: String(err) })),
          ),
        );
      } catch (err) {
        // The object unreachable: write the audit row directly, once at most (see consentInserts).
        logAuditFailure("consent not recorded by the visitor object", err);
        const row: ConsentRow = { visitorId, ...choice, source, createdAt: now };
        const db = createDb(settings);
        c.executionCtx.waitUntil(
          db.batch([consentInserts(db, [row])[0]!]).then(
            () => undefined,
            (err: unknown) => logAuditFailure("consent audit write failed", err),
          ),
        );
      }
    }
    if (isForm) {
      headers.set("location", sameSiteReturn(c.req.header("referer"), url));
      return new Response(null, { status: 303, headers });
    }
    headers.set("content-type", "application/json");
    const answer = overriddenBy
      ? { ...applied, source: "gpc", overriddenBy, requested }
      : { ...applied, source: "cookie" };
    return new Response(JSON.stringify(answer), { status: 200, headers });
  });

/** Back to the page the form was on, but never to another site (no open redirect). */
function sameSiteReturn(referer: string | undefined, here: URL): string {
  try {
    const back = new URL(referer ?? "/", here);
    const path = back.pathname + back.search;
    // `//other.example/` is a path here but another site once it is a Location.
    return back.origin === here.origin && !/^\/[/\\]/.test(path) ? path : "/";
  } catch {
    return "/";
  }
}

function logAuditFailure(msg: string, err: unknown): void {
  console.error(JSON.stringify({ msg, error: String(err) }));
}
