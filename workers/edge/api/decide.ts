import { Hono } from "hono";
import { z } from "zod";
import { PAGE_TYPES } from "../model/context.ts";
import { ApiError, parseInput } from "../errors.ts";
import { NEW_ID_RETRY_AFTER_S } from "../identity/new-id-limit.ts";
import { planForProduct, productIdForPage } from "../personalize/page-plan.ts";
import {
  lookupTiming,
  prepareVisit,
  recordVisit,
  settleVisit,
  visitInput,
  visitMode,
} from "../personalize/visit.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";
import { sameSiteWrites } from "./cross-site.ts";
import { shopCors } from "./shop-cors.ts";

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1-64 letters, digits or _.:-");

/** One client-side navigation of a single-page shop. */
export const DecideRequest = z.strictObject({
  /** The route shown, path and query, as the HTML path would see it. */
  path: z.string().startsWith("/").max(2048),
  /** `document.referrer` on the landing route (channel and campaign); omit afterwards. */
  referrer: z.url().max(2048).nullish(),
  /** What the SPA knows about the route; otherwise the config's URL rules decide. */
  pageType: z.enum(PAGE_TYPES).optional(),
  productId: id.optional(),
  categoryId: id.optional(),
  /** Count this as a page view in the visitor's journey (default); false for a prefetch. */
  record: z.boolean().default(true),
});

export const DecideAnswer = z.object({
  /** `bot`: a crawler gets the request-only page logic and is never identified nor recorded. */
  mode: z.enum(["request-only", "holdout", "personalized", "bot", "off", "no-config"]),
  configVersion: z.number().int().nullable(),
  decisions: z.array(
    z.object({
      slot: z.string(),
      selector: z.string(),
      action: z.string(),
      attribute: z.string().nullable(),
      variant: z.string(),
      reason: z.string(),
      experiment: z.object({ id: z.string(), arm: z.string() }).nullable(),
      /** Rendered and escaped exactly like the HTML path; insert it as HTML. */
      html: z.string(),
    }),
  ),
});
type DecideAnswer = z.infer<typeof DecideAnswer>;

/**
 * Decisions for single-page shops: the same identity, lookups, decision engine and templates
 * as the HTML path, so a visitor keeps their variants and experiment arms across client-side
 * navigations and full page loads alike. The SPA applies the HTML to the slots' selectors.
 * It records a page view (and may mint a visitor id), so another site's posts are refused
 * (see sameSiteWrites) and new ids count against the address's limit.
 */
export const decideApi = new Hono<{ Bindings: Env }>().use("*", shopCors(), sameSiteWrites()).post(
  "/",
  describeRoute({
    summary:
      "Decisions for a single-page shop's route (same as the HTML path; records a page view)",
    tag: "decisions",
    body: DecideRequest,
    responses: {
      200: ["Decisions with their rendered HTML", DecideAnswer],
      400: ["Invalid field", ErrorEnvelope],
      403: ["Posted from another site", ErrorEnvelope],
      429: ["Too many new visitor ids from this address; see Retry-After", ErrorEnvelope],
    },
  }),
  async (c) => {
    const settings = settingsOf(c.env);
    const body = parseInput(
      DecideRequest,
      await c.req.json().catch(() => undefined),
      "invalid_request",
    );
    const request = c.req.raw;
    const prepared = await prepareVisit(request, c.env, settings, {
      pageUrl: new URL(body.path, request.url),
    });
    if (prepared.newIdLimited) {
      c.header("retry-after", String(NEW_ID_RETRY_AFTER_S));
      throw new ApiError(429, "rate_limited", "Too many new visitors from this address", {
        retryAfterS: NEW_ID_RETRY_AFTER_S,
      });
    }
    const lookups = await prepared.lookups;
    // A consent withdrawn since the request's choice makes the visit anonymous.
    const visit = settleVisit(prepared, lookups);
    for (const cookie of visit.identity.setCookies)
      c.header("set-cookie", cookie, { append: true });
    c.header("cache-control", "private, no-store");
    c.header("server-timing", lookupTiming(lookups).join(", "));
    const active = lookups.active.ok ? lookups.active.value : null;
    const answer = (mode: DecideAnswer["mode"], decisions: DecideAnswer["decisions"] = []) =>
      c.json<DecideAnswer>({ mode, configVersion: active?.version ?? null, decisions });
    if (!active) return answer("no-config");
    if (!active.config.enabled) return answer("off");

    const model = lookups.model.ok ? lookups.model.value : null;
    // The route's referrer is the SPA's landing referrer, not this call's (the SPA's own page).
    const headers = new Headers(request.headers);
    if (body.referrer) headers.set("referer", body.referrer);
    else headers.delete("referer");
    const { page, input: seenInput } = visitInput(visit, lookups, active, headers);
    const seen = seenInput.context;
    const productId =
      body.productId ??
      seen.productId ??
      productIdForPage(model, visit.url.pathname, page.productSlug);
    const routed = {
      ...seen,
      pageType: body.pageType ?? seen.pageType,
      categoryId: body.categoryId ?? seen.categoryId,
    };
    const { context, plan } = planForProduct(
      {
        active,
        input: { ...seenInput, context: routed },
        model,
        previewVariant: visit.previewVariant,
      },
      productId,
    );
    const input = { ...seenInput, context };
    const decisions = [...plan.slots.values()].map((rendered) => {
      const decided = plan.decision.slots.find((d) => d.slotId === rendered.slotId);
      return {
        slot: rendered.slotId,
        selector: active.config.slots[rendered.slotId]!.selector,
        action: rendered.action,
        attribute: rendered.attribute?.name ?? null,
        variant: rendered.variantId,
        reason: rendered.reason,
        experiment: decided?.experiment ?? null,
        html: rendered.html,
      };
    });
    if (body.record && input.visitorId && input.consent.personalization && !context.isBot) {
      c.executionCtx.waitUntil(
        recordVisit(
          c.env,
          visit.identity,
          context,
          {
            slots: decisions.map((d) => ({ slotId: d.slot, variantId: d.variant })),
            exposures: plan.decision.exposures,
          },
          visit.consentAt,
        ).catch((err: unknown) =>
          console.error(JSON.stringify({ msg: "recording the visit failed", error: String(err) })),
        ),
      );
    }
    const mode = visit.previewVariant
      ? "personalized"
      : context.isBot
        ? "bot"
        : visitMode(input, active);
    return answer(mode, decisions);
  },
);
