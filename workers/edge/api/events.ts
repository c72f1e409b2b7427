import { Hono } from "hono";
import { z } from "zod";
import { bodyLimit } from "hono/body-limit";
import { detectDevice } from "../context/device.ts";
import { ApiError, parseInput } from "../errors.ts";
import { detectBot, type CfBotSignals } from "../identity/bots.ts";
import { COOKIE, expiredCookie, readSignedCookies } from "../identity/cookies.ts";
import { resolveConsent, vitrineChoiceAt } from "../identity/consent.ts";
import { activeConsentConfig } from "../identity/consent-config.ts";
import { resolveIdentity } from "../identity/visitor-identity.ts";
import { EventBatch, INGEST_LIMITS, toTrackedEvent } from "../ingest/event-schema.ts";
import { JOURNEY_STAGES } from "../model/profile.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";
import { shopCors } from "./shop-cors.ts";
import { sameSiteWrites } from "./cross-site.ts";
import { visitorObject } from "../visitor/stub.ts";
import * as clock from "../clock.ts";

const EventsAnswer = z.object({
  stored: z.boolean(),
  reason: z.enum(["no_consent", "bot", "erased"]).optional(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  journeyStage: z.enum(JOURNEY_STAGES).optional(),
});

/**
 * The events API for the injected tracker and for SPAs. Accepts `{ events: [...] }` as JSON in
 * any content type, so `navigator.sendBeacon` can post it as text/plain without a CORS
 * preflight. Events are stored only for a consenting, non-bot visitor; otherwise the answer is
 * still 202 (a beacon cannot act on errors) and says why nothing was stored. Another site's
 * posts are refused (see sameSiteWrites).
 */
export const eventsApi = new Hono<{ Bindings: Env }>().use("*", shopCors(), sameSiteWrites()).post(
  "/",
  describeRoute({
    summary: "Report a batch of touchpoints (JSON in any content type, sendBeacon-friendly)",
    tag: "events",
    body: EventBatch,
    responses: {
      202: ["Accepted (stored only with consent, never for bots)", EventsAnswer],
      400: ["A field is invalid; `details.field` names it", ErrorEnvelope],
      403: ["Posted from another site", ErrorEnvelope],
      413: ["Body over 64 KiB", ErrorEnvelope],
      429: ["Rate limited; see Retry-After", ErrorEnvelope],
    },
  }),
  bodyLimit({
    maxSize: INGEST_LIMITS.bodyBytes,
    onError: () => {
      throw new ApiError(
        413,
        "payload_too_large",
        `The body exceeds ${INGEST_LIMITS.bodyBytes} bytes`,
      );
    },
  }),
  async (c) => {
    const settings = settingsOf(c.env);
    const now = clock.now();
    const headers = c.req.raw.headers;
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON");
    }
    const batch = parseInput(EventBatch, body, "invalid_event");

    const bot = detectBot(headers, c.req.raw.cf as CfBotSignals | undefined);
    const cookieHeader = headers.get("cookie");
    const verified = await readSignedCookies(cookieHeader, settings.cookieSecret);
    const consentConfig = await activeConsentConfig(c.env);
    const consent = resolveConsent(headers, verified.consent, now, consentConfig);
    const url = new URL(c.req.url);
    const identity = await resolveIdentity({
      cookieHeader,
      verified,
      url,
      secret: settings.cookieSecret,
      consent,
      now,
      isBot: bot.isBot,
    });
    // A known visitor is limited exactly by their Durable Object; one who would get a new id
    // is limited by address, so minting an id per request cannot dodge the visitor limit.
    if (identity.isNewVisitor) {
      const ip = headers.get("cf-connecting-ip") ?? "unknown";
      if (!(await c.env.EVENTS_BY_IP.limit({ key: ip })).success)
        throw new ApiError(429, "rate_limited", "Too many new visitors from this address", {
          retryAfterS: 60,
        });
    }
    c.header("cache-control", "no-store");
    const notStored = (reason: "bot" | "no_consent" | "erased") =>
      c.json({ stored: false, reason, accepted: 0, duplicates: 0 }, 202);
    if (!identity.visitorId || !identity.sessionId) {
      for (const cookie of identity.setCookies) c.header("set-cookie", cookie, { append: true });
      return notStored(bot.isBot ? "bot" : "no_consent");
    }

    const facts = { sessionId: identity.sessionId, device: detectDevice(headers), now };
    const events = batch.events.map((e) => toTrackedEvent(e, facts));
    const stub = visitorObject(c.env, identity.visitorId);
    // The object refuses a consent choice older than the visitor's withdrawal (replayed cookies).
    const consentAt = vitrineChoiceAt(verified.consent, consentConfig);
    const result = await stub.ingest(identity.visitorId, events, now, consentAt);
    if (result.status === "withdrawn" || result.status === "erased") {
      // As with a tampered consent cookie: no ids, and the ones sent are expired.
      for (const name of [COOKIE.visitor, COOKIE.session])
        c.header("set-cookie", expiredCookie(name, url), { append: true });
      return notStored(result.status === "erased" ? "erased" : "no_consent");
    }
    for (const cookie of identity.setCookies) c.header("set-cookie", cookie, { append: true });
    if (result.status === "rate_limited") {
      c.header("retry-after", String(result.retryAfterS));
      throw new ApiError(429, "rate_limited", "Too many events for this visitor", {
        retryAfterS: result.retryAfterS,
      });
    }
    return c.json(
      {
        stored: true,
        accepted: result.accepted,
        duplicates: result.duplicates,
        journeyStage: result.session.journeyStage,
      },
      202,
    );
  },
);
