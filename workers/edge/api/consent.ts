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
  decodeConsent,
  encodeConsent,
  isVoidedByWithdrawal,
  resolveConsent,
} from "../identity/consent.ts";
import { settingsOf } from "../settings.ts";
import type { ConsentRow } from "../visitor/outbox.ts";
import { consentInserts } from "../visitor/turso-sink.ts";
import { visitorObject } from "../visitor/stub.ts";

export const ConsentChoice = z.strictObject({
  personalization: z.boolean(),
  analytics: z.boolean(),
});

const truthy = (v: unknown) => v === true || v === "1" || v === "true" || v === "on";

/**
 * The visitor's consent choice: JSON for SPAs and banners, or a plain HTML form (which is
 * redirected back to the page it came from). The choice is a signed first-party cookie; with
 * a known visitor id it is also recorded by the visitor's Durable Object, which writes it to
 * the consent audit log in Turso (retrying while Turso is down) and remembers a withdrawal, so
 * the cookies the visitor had before it cannot resume tracking when replayed.
 */
export const consent = new Hono<{ Bindings: Env }>()
  .get("/", async (c) => {
    const settings = settingsOf(c.env);
    const cookies = await readSignedCookies(c.req.header("cookie") ?? null, settings.cookieSecret);
    let consent = resolveConsent(c.req.raw.headers, cookies.consent, Date.now());
    // A yes from before the visitor's recorded withdrawal (replayed cookies) is no choice.
    if (consent.personalization && cookies.visitor) {
      const stub = visitorObject(c.env, cookies.visitor);
      const at = decodeConsent(cookies.consent)?.at ?? null;
      // The object unreachable: the cookie's word stands, as it did before withdrawals were kept.
      const withdrawnAt = await stub.consentWithdrawnAt().catch(() => null);
      if (isVoidedByWithdrawal(at, withdrawnAt))
        consent = { personalization: false, analytics: false, source: "default" };
    }
    return c.json(consent, 200, { "cache-control": "no-store" });
  })
  .post("/", async (c) => {
    const settings = settingsOf(c.env);
    const isForm = /form/.test(c.req.header("content-type") ?? "");
    let raw: unknown;
    if (isForm) {
      const form = await c.req.parseBody();
      raw = { personalization: truthy(form.personalization), analytics: truthy(form.analytics) };
    } else {
      raw = await c.req.json().catch(() => {
        throw new ApiError(400, "invalid_json", "The body is not valid JSON");
      });
    }
    const choice = parseInput(ConsentChoice, raw, "invalid_consent");
    const now = Date.now();
    const url = new URL(c.req.url);
    const cookies = await readSignedCookies(c.req.header("cookie") ?? null, settings.cookieSecret);
    const headers = new Headers({ "cache-control": "no-store" });
    headers.append(
      "set-cookie",
      await consentCookie(encodeConsent(choice, now), settings.cookieSecret, url),
    );
    // Withdrawing personalization consent ends identification at once.
    if (!choice.personalization) {
      for (const name of [COOKIE.visitor, COOKIE.session])
        headers.append("set-cookie", expiredCookie(name, url));
    }
    // A yes starts identification now, so the choice itself is in the audit log.
    let visitorId = cookies.visitor ?? null;
    if (choice.personalization && !visitorId) {
      visitorId = crypto.randomUUID();
      headers.append("set-cookie", await visitorCookie(visitorId, settings.cookieSecret, url));
    }
    // Without any visitor id there is nobody to audit (nor to remember a withdrawal for): the
    // cookie alone carries the choice, as before.
    if (visitorId) {
      const source = isForm ? "banner" : "api";
      const stub = visitorObject(c.env, visitorId);
      try {
        // Awaited: the withdrawal is in force before the answer says so.
        await stub.recordConsent(visitorId, { ...choice, source, at: now });
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
    return new Response(JSON.stringify({ ...choice, source: "cookie" }), { status: 200, headers });
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
