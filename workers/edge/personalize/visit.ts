import type { MerchModel } from "../catalog/lists.ts";
import { loadMerchModel } from "../catalog/model-store.ts";
import { loadActiveConfig, peekActiveConfig, type ActiveConfig } from "../config/config-store.ts";
import { matchPage, type PageMatch } from "../context/page-rules.ts";
import { buildRequestContext, type CfGeo } from "../context/request-context.ts";
import { inHoldout, type DecisionInput } from "../decide/index.ts";
import { detectBot } from "../identity/bots.ts";
import { COOKIE, expiredCookie, readSignedCookies } from "../identity/cookies.ts";
import { isVoidedByWithdrawal, resolveConsent, vitrineChoiceAt } from "../identity/consent.ts";
import { mayMintVisitorId } from "../identity/new-id-limit.ts";
import { verifyPreviewToken, type PreviewCheck } from "../identity/preview-token.ts";
import { resolveIdentity, type Identity } from "../identity/visitor-identity.ts";
import type { Consent, RequestContext } from "../model/context.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import type { Settings } from "../settings.ts";
import { visitorObject } from "../visitor/stub.ts";
import type { VisitorSnapshot } from "../visitor/visitor-session.ts";
import { Deadline, SKIPPED, type Lookup } from "./deadline.ts";
import { pageViewEvent, type Shown } from "./page-view.ts";
import type { PlannedView } from "./planned-view.ts";
import { readProfile } from "./profile-store.ts";
import * as clock from "../clock.ts";

/**
 * One visit to one page, as both the HTML path (serve-page.ts) and the SPA decision API see
 * it: who is asking and the lookups that run within the time budget, then the request context
 * by the config's URL rules. One implementation for both keeps their decisions identical
 * (sticky across client-side navigations and full page loads).
 */
export type Lookups = {
  active: Lookup<ActiveConfig | null>;
  profile: Lookup<Profile | null>;
  session: Lookup<SessionState | null>;
  model: Lookup<MerchModel | null>;
  /**
   * The visitor's object says they withdrew consent after the choice this request carries (a
   * replay of their earlier cookies), or their id was erased: see settleVisit. Only known when
   * the session was looked up.
   */
  withdrawn: boolean;
  /** The page as the visitor's object planned and recorded it (see Visit.pageViewId). */
  planned: PlannedView | null;
};

/** The lookups that are not about the visitor: a page's headers and head wait only for these. */
export type SharedLookups = Pick<Lookups, "active" | "model">;

/** What the request says about the page under a config's URL rules. */
export type SeenPage = { active: ActiveConfig; page: PageMatch; context: RequestContext };

export type Visit = {
  /** The page visited: the request's own URL for HTML, the SPA's route for the API. */
  url: URL;
  cf: (CfGeo & { verifiedBotCategory?: string }) | undefined;
  isBot: boolean;
  now: number;
  consent: Consent;
  /** When the consent choice in the cookie was made, if there is one. */
  consentAt: number | null;
  identity: Identity;
  /**
   * The request would have minted a visitor id past the address's new-id limit: it is served
   * without one (fail open); the SPA API answers 429.
   */
  newIdLimited: boolean;
  /** The variant a valid preview token for the active config version forces (see settleVisit). */
  previewVariant: string | null;
  /** Why the request's preview token forces nothing, for the `x-vitrine-preview` header. */
  previewRefused: string | null;
  /** The preview token as verified, before it is matched with the active config version. */
  preview: PreviewCheck | null;
  /**
   * The page view's id when the visitor's object was asked to plan the page and record the
   * view in the same call: the proxy corrects that record after the page if it must.
   */
  pageViewId: string | null;
  /** The page under the config known when the request came, if it was (see visitInput). */
  seen: SeenPage | null;
  /**
   * The visitor's object (and KV's profile) are asked: their answers come with `lookups`,
   * later than `shared`. Without it the visitor lookups are all skipped.
   */
  visitorData: boolean;
  /** Config and model: settled before `lookups`, which adds the visitor's data to them. */
  shared: Promise<SharedLookups>;
  lookups: Promise<Lookups>;
};

/**
 * Identity, consent and the lookups. When the config is already in memory only what it calls
 * for is looked up (nothing with the kill switch on, no visitor data for the holdout);
 * otherwise everything starts in parallel with it, under one deadline.
 */
export async function prepareVisit(
  request: Request,
  env: Env,
  settings: Settings,
  { pageUrl = new URL(request.url), pageView = false }: { pageUrl?: URL; pageView?: boolean } = {},
): Promise<Visit> {
  const now = clock.now();
  const cf = request.cf as Visit["cf"];
  const deadline = new Deadline(settings.budgetMs, now);
  // Nearly always in memory; when it is not, its load starts before anything else.
  const known = peekActiveConfig();
  const active: Promise<Lookup<ActiveConfig | null>> =
    known !== undefined
      ? Promise.resolve({ ok: true, value: known, ms: 0 })
      : deadline.run(() => loadActiveConfig(env.CONFIG));

  const bot = detectBot(request.headers, cf);
  const cookieHeader = request.headers.get("cookie");
  const verified = await readSignedCookies(cookieHeader, settings.cookieSecret);
  // Consent may come from the shop's consent manager (the config's `consent`): a config not in
  // memory yet is awaited for it (within the deadline); without any, Vitrine's banner rules.
  const consentConfig = (known !== undefined ? known : await active.then(configOf))?.config.consent;
  const consent = resolveConsent(request.headers, verified.consent, now, consentConfig);
  const consentAt = vitrineChoiceAt(verified.consent, consentConfig);
  const resolved = await resolveIdentity({
    cookieHeader,
    verified,
    url: new URL(request.url),
    secret: settings.cookieSecret,
    consent,
    isBot: bot.isBot,
    now,
  });
  // Each new id is a Durable Object and stored page views: one per-address budget for all.
  const newIdLimited = resolved.isNewVisitor && !(await mayMintVisitorId(env, request.headers));
  const identity: Identity = newIdLimited ? { ...ANONYMOUS, setCookies: [] } : resolved;
  const { visitorId, sessionId } = identity;
  const enabled = known === undefined || (known !== null && known.config.enabled);
  // Profile and session only for an identified visitor who will be personalized: not with the
  // kill switch on and not in the holdout (the decision engine ignores them there anyway).
  const visitorData =
    enabled &&
    visitorId !== null &&
    sessionId !== null &&
    (known == null || !inHoldout(visitorId, known.config.holdout));
  const token = pageUrl.searchParams.get("vt_preview");
  // A page whose config is known is planned by the visitor's object, which records the view in
  // the same call: one round trip per page. Not for previews (QA forces variants here), nor for
  // pages the URL rules do not type (only the page's JSON-LD may say which product they show).
  // Only for the proxy's pages: the SPA API reads the route's referrer, not this request's.
  const seen =
    pageView && known ? seePage(pageUrl, request.headers, cf, bot.isBot, now, known) : null;
  const inObject =
    pageView &&
    visitorData &&
    consent.personalization &&
    !token &&
    seen?.context.pageType !== "other"
      ? seen
      : null;
  const pageViewId = inObject ? crypto.randomUUID() : null;
  // The visitor's object answers with the session and the profile as of their last click; KV's
  // copy is read only when the object has no profile (or fails) and time is left.
  const snapshot:
    Promise<Lookup<VisitorSnapshot & { planned?: PlannedView | null }>> | Lookup<null> =
    !visitorData
      ? SKIPPED
      : inObject && pageViewId
        ? deadline.run(() =>
            visitorObject(env, visitorId).view({
              visitorId,
              sessionId,
              now,
              consentAt,
              eventId: pageViewId,
              configVersion: inObject.active.version,
              context: inObject.context,
              consent,
              pathname: pageUrl.pathname,
              productSlug: inObject.page.productSlug,
            }),
          )
        : deadline.run(() => visitorObject(env, visitorId).state(sessionId, now));
  const looked = Promise.resolve(snapshot);
  const session = looked.then((r) => (r.ok ? { ...r, value: r.value.session } : r));
  const profile = looked.then((r): Promise<Lookup<Profile | null>> | Lookup<Profile | null> =>
    r.ok && r.value.profile
      ? { ...r, value: r.value.profile }
      : visitorData
        ? deadline.run(() => readProfile(env.PROFILES, visitorId))
        : SKIPPED,
  );
  const shared = Promise.all([
    active,
    enabled ? deadline.run(() => loadMerchModel(env.MODELS)) : SKIPPED,
  ]).then(([active, model]): SharedLookups => ({ active, model }));
  const lookups = Promise.all([shared, profile, session, looked]).then(
    ([{ active, model }, profile, session, snapshot]): Lookups => {
      // The snapshot carries the visitor's withdrawal, so this costs no extra call.
      // An erased id stays erased, whatever consent the request carries (see VisitorSession.erase).
      const withdrawn =
        snapshot.ok &&
        (snapshot.value.erased === true ||
          isVoidedByWithdrawal(consentAt, snapshot.value.consentWithdrawnAt));
      const planned = snapshot.ok ? (snapshot.value.planned ?? null) : null;
      return withdrawn
        ? { active, profile: SKIPPED, session: SKIPPED, model, withdrawn, planned: null }
        : { active, profile, session, model, withdrawn, planned };
    },
  );

  const preview = token ? await verifyPreviewToken(token, now, settings.cookieSecret) : null;
  return {
    url: pageUrl,
    cf,
    isBot: bot.isBot,
    now,
    consent,
    consentAt,
    identity,
    newIdLimited,
    previewVariant: null,
    previewRefused: null,
    preview,
    pageViewId,
    seen,
    visitorData,
    shared,
    lookups,
  };
}

const configOf = (r: Lookup<ActiveConfig | null>): ActiveConfig | null => (r.ok ? r.value : null);

/** The page and request context under a config's URL rules (see SeenPage). */
export function seePage(
  url: URL,
  headers: Headers,
  cf: Visit["cf"],
  isBot: boolean,
  now: number,
  active: ActiveConfig,
): SeenPage {
  const page = matchPage(url.pathname, active.config.pageRules);
  return { active, page, context: buildRequestContext({ url, headers, cf, page, isBot, now }) };
}

/**
 * The visit as its lookups leave it. When the visitor withdrew consent after the choice this
 * request carries, that choice is void: the visit is request-only and anonymous, and the ids
 * the browser sent are expired, as for a tampered consent cookie.
 */
export function settleVisit(visit: Visit, lookups: Lookups): Visit {
  const previewed = settlePreview(visit, lookups.active);
  if (!lookups.withdrawn) return previewed;
  return {
    ...previewed,
    pageViewId: null,
    consent: { personalization: false, analytics: false, source: "default" },
    identity: {
      ...ANONYMOUS,
      setCookies: [COOKIE.visitor, COOKIE.session].map((name) => expiredCookie(name, visit.url)),
    },
  };
}

const ANONYMOUS = { visitorId: null, sessionId: null, isNewVisitor: false, isNewSession: false };

/**
 * A preview token forces its variant only under the config version it was made for: once
 * another version is active, the variant may mean something else or nothing at all.
 */
export function settlePreview(visit: Visit, active: Lookup<ActiveConfig | null>): Visit {
  const { preview } = visit;
  if (!preview) return { ...visit, previewVariant: null, previewRefused: null };
  if (!preview.ok) return { ...visit, previewVariant: null, previewRefused: preview.reason };
  const version = active.ok ? (active.value?.version ?? null) : null;
  if (version !== preview.configVersion)
    return {
      ...visit,
      previewVariant: null,
      previewRefused: `config-version; token=${preview.configVersion}; active=${version ?? "none"}`,
    };
  return { ...visit, previewVariant: preview.variantId, previewRefused: null };
}

/**
 * What the request says about the page under the active config's URL rules: device, geo,
 * channel (from `headers`' referrer), page type. The decision input with the looked-up data.
 */
export function visitInput(
  visit: Visit,
  lookups: Pick<Lookups, "profile" | "session">,
  active: ActiveConfig,
  headers: Headers,
): { page: PageMatch; input: DecisionInput } {
  const { page, context } =
    visit.seen?.active === active
      ? visit.seen
      : seePage(visit.url, headers, visit.cf, visit.isBot, visit.now, active);
  return {
    page,
    input: {
      context,
      consent: visit.consent,
      visitorId: visit.identity.visitorId,
      profile: lookups.profile.ok ? lookups.profile.value : null,
      session: lookups.session.ok ? lookups.session.value : null,
    },
  };
}

export type VisitMode = "request-only" | "holdout" | "personalized";

/** What personalization this visit gets under the active config. */
export function visitMode(input: DecisionInput, active: ActiveConfig): VisitMode {
  if (!input.consent.personalization) return "request-only";
  return input.visitorId && inHoldout(input.visitorId, active.config.holdout)
    ? "holdout"
    : "personalized";
}

/**
 * `Server-Timing` entries for the lookups. A page's headers go out before the visitor's data
 * comes (see servePage): those lookups, when asked, are `deferred` there.
 */
export function lookupTiming(lookups: SharedLookups & Partial<Lookups>): string[] {
  return (["active", "profile", "session", "model"] as const).map((name) => {
    const label = name === "active" ? "config" : name;
    const r = lookups[name];
    if (!r) return `${label};desc="deferred"`;
    return `${label};dur=${r.ms}${r.ok ? "" : `;desc="${r.reason}"`}`;
  });
}

/**
 * The page view, what it showed and to which experiment arms, into the visitor's journey. The
 * object stores nothing when `consentAt` predates the visitor's withdrawal (see track). With
 * `pageViewId` (the object planned and recorded the page) the record is corrected instead.
 */
export async function recordVisit(
  env: Env,
  identity: Identity,
  ctx: RequestContext,
  shown: Shown,
  consentAt: number | null = null,
  pageViewId: string | null = null,
): Promise<void> {
  const { visitorId, sessionId } = identity;
  if (!visitorId || !sessionId) return;
  const object = visitorObject(env, visitorId);
  if (pageViewId) {
    await object.recordView(visitorId, pageViewEvent(pageViewId, sessionId, ctx, shown), consentAt);
    return;
  }
  await object.track(
    visitorId,
    [pageViewEvent(crypto.randomUUID(), sessionId, ctx, shown)],
    consentAt,
  );
}
