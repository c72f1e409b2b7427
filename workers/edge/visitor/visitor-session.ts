import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client.ts";
import { isVoidedByWithdrawal } from "../identity/consent.ts";
import { EVENTS_PER_VISITOR, take } from "../ingest/token-bucket.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { pageViewEvent } from "../personalize/page-view.ts";
import { planView, type PlannedView, type ViewRequest } from "../personalize/planned-view.ts";
import { readProfile } from "../personalize/profile-store.ts";
import { buildProfile, nextRefreshAt, toProfile } from "../profile/index.ts";
import { settingsOf } from "../settings.ts";
import {
  applyEvent,
  emptyJourney,
  enterSession,
  needsPrices,
  reviseImpressions,
  type JourneyState,
} from "./journey.ts";
import { catalogPrices } from "./catalog-prices.ts";
import { eraseVisitor, exportVisitor } from "./data-rights.ts";
import { DeferredViews } from "./deferred-views.ts";
import { FlushAlarm, nextFlushAt, retryDelay } from "./flush-alarm.ts";
import { ProfileFold, type StoredRow } from "./profile-fold.ts";
import {
  customerTouchpoints,
  linkedVisitors,
  productLookup,
  PROFILE_MIN_INTERVAL_MS,
  writeProfile,
} from "./profile-sync.ts";
import {
  countSession,
  insertTouchpoint,
  latestTouchpoints,
  META,
  migrate,
  SessionStore,
  type VisitorFacts,
} from "./session-storage.ts";
import {
  flushOnce,
  trimLocal,
  unflushed,
  waitingTouchpoints,
  type FlushResult,
} from "./turso-flush.ts";
import { visitorObject } from "./stub.ts";
import * as clock from "../clock.ts";

export type { FlushResult } from "./turso-flush.ts";

/**
 * What the hot path asks the object for: the session, the visitor's own profile as of the last
 * touchpoint (KV's copy trails it by up to a flush) and when they withdrew consent, if they
 * did. No profile for a visitor the object has not met (KV may still know them) and, for a
 * logged-in customer, the merged profile of all their devices as last built.
 */
export type VisitorSnapshot = {
  session: SessionState;
  profile: Profile | null;
  consentWithdrawnAt: number | null;
  /** The id was erased: it is never identified again (see erase). */
  erased?: boolean;
};
/** `view`'s answer: the snapshot, and the page as planned and recorded (null: not planned). */
export type ViewAnswer = VisitorSnapshot & { planned: PlannedView | null };
export type TrackResult = {
  accepted: number;
  duplicates: number;
  session: SessionState;
  /** Nothing was stored: the visitor withdrew consent after the choice the caller holds. */
  withdrawn?: true;
};
export type IngestResult =
  | ({ status: "ok" } & TrackResult)
  | { status: "rate_limited"; retryAfterS: number }
  | { status: "withdrawn" }
  | { status: "erased" };

/**
 * The hot path's snapshot of the visitor: their session, and when they last withdrew consent
 * (null: never), so a replayed consent cookie from before that is void without another call.
 */

/** A consent choice as the consent endpoint recorded it (`at`: the time in its cookie). */
export type ConsentRecord = {
  personalization: boolean;
  analytics: boolean;
  source: string;
  at: number;
};

/**
 * The single writer of one visitor's state. Touchpoints go to the object's SQLite storage
 * first (ordered, idempotent by client event id) and answer the hot path from there; an alarm
 * then carries them to Turso in batches, retrying with backoff while Turso is down. A flush is
 * acknowledged only after Turso committed it, and repeating one is harmless (see outbox.ts),
 * so a restart mid-flush neither loses nor duplicates anything.
 */
export class VisitorSession extends DurableObject<Env> {
  private readonly local: SessionStore;
  private readonly alarmSlot: FlushAlarm;
  /** The visitor's profile as folded from their touchpoints (see profile-fold.ts). */
  private readonly fold: ProfileFold;
  private journey: JourneyState | null = null;
  /** The flush in progress, so an erasure can wait for it instead of racing it. */
  private flushing: Promise<FlushResult> | null = null;
  /** The profile last written to KV, also written to Turso with the next flush. */
  private profile: Profile | null = null;
  /** Page views `view` answered and not stored yet (see deferred-views.ts). */
  private readonly views = new DeferredViews((visitorId, event) =>
    this.store(visitorId, [event], clock.now()),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    clock.useClockOf(env as { CLOCK_OFFSET_MS?: string });
    this.local = new SessionStore(ctx.storage.sql);
    this.alarmSlot = new FlushAlarm(ctx.storage);
    this.fold = new ProfileFold(this.local);
    // Idempotent schema setup before the first call, so no call sees a missing table. A
    // restart (eviction, a deploy, an alarm cut off mid-flush) must never strand touchpoints:
    // whatever is still pending gets an alarm again.
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.local.sql);
      if (unflushed(this.local) > 0) await this.scheduleFlush(clock.now());
    });
  }

  /** What the hot path needs (see VisitorSnapshot); a new session id starts a new session. */
  async state(sessionId: string, now: number): Promise<VisitorSnapshot> {
    await this.views.storePending();
    const session = enterSession(this.load(sessionId, now), sessionId, now).session;
    const consentWithdrawnAt = this.local.withdrawnAt();
    const facts = this.local.facts();
    if (this.local.meta(META.erasedAt) !== null)
      return { session, profile: null, consentWithdrawnAt, erased: true };
    if (!facts) return { session, profile: null, consentWithdrawnAt };
    const adopted = this.local.meta(META.adopted);
    if (adopted) return { session, profile: JSON.parse(adopted) as Profile, consentWithdrawnAt };
    // After a restart, touchpoints stored since the last flush are folded again first.
    if (!this.fold.loaded) await this.foldForNextPage();
    const profile = facts.customerId ? this.profile : this.fold.current(facts.id, now);
    return { session, profile, consentWithdrawnAt };
  }

  /**
   * The proxy's one call per page: the snapshot as `state` gives it, and the page planned here,
   * where profile and session are, and recorded as a page view with what it will show (right
   * after the answer, see deferred-views.ts). The proxy then calls again only when the page
   * showed something else (see recordView): one round trip instead of two, and a call costs
   * CPU whatever it does. Without a profile here (a visitor this object has not met, a customer
   * whose merged profile is not built yet) the proxy plans with KV's copy itself.
   */
  async view(req: ViewRequest): Promise<ViewAnswer> {
    await this.views.storePending();
    const snapshot = await this.state(req.sessionId, req.now);
    const voided = isVoidedByWithdrawal(req.consentAt, snapshot.consentWithdrawnAt);
    if (voided || !snapshot.profile || this.local.meta(META.erasing))
      return { ...snapshot, planned: null };
    let planned: PlannedView | null = null;
    try {
      planned = await planView(this.env, req, snapshot.profile, snapshot.session);
    } catch (err) {
      console.warn(JSON.stringify({ msg: "planning the page failed", error: String(err) }));
    }
    if (planned) {
      const shown = { slots: [...planned.slots.values()], exposures: planned.exposures };
      this.views.defer(
        req.visitorId,
        pageViewEvent(planned.eventId, req.sessionId, planned.context, shown),
      );
    }
    return { ...snapshot, planned };
  }

  /**
   * The page view as the proxy saw it once the page was out. It corrects the one `view`
   * recorded when the page showed other slots than planned (a slot's element missing, the
   * visitor gone mid-page), the session's impressions following; without one (`view` could
   * not plan, or did not answer in time) it is recorded now. See track for `consentAt`.
   */
  async recordView(
    visitorId: string,
    event: TrackedEvent,
    consentAt: number | null = null,
  ): Promise<void> {
    await this.views.storePending();
    if (isVoidedByWithdrawal(consentAt, this.local.withdrawnAt()) || this.local.meta(META.erasing))
      return;
    const row = this.local.sql
      .exec<{ body: string }>("SELECT body FROM touchpoints WHERE event_id = ?", event.id)
      .toArray()[0];
    if (!row) {
      await this.store(visitorId, [event], clock.now());
      return;
    }
    const before = JSON.parse(row.body) as TrackedEvent;
    const after: TrackedEvent = {
      ...before,
      data: {
        ...before.data,
        slots: event.data.slots ?? [],
        exposures: event.data.exposures ?? [],
      },
    };
    // Sent (again) with the next flush: Turso takes a repeated event's payload (turso-sink.ts).
    this.local.sql.exec(
      "UPDATE touchpoints SET body = ?, resend = resend + 1 WHERE event_id = ?",
      JSON.stringify(after),
      event.id,
    );
    if (!this.local.meta(META.resendPending)) this.local.setMeta(META.resendPending, "1");
    this.save(reviseImpressions(this.load(event.sessionId ?? "unknown", event.at), before, after));
    await this.scheduleFlush(clock.now());
  }

  /**
   * Touchpoints the proxy itself observed (page views): trusted, not rate limited. `consentAt`
   * is the time of the consent choice the request carried: one older than a withdrawal stores
   * nothing (absent: the caller vouches for the consent).
   */
  async track(
    visitorId: string,
    events: TrackedEvent[],
    consentAt: number | null = null,
  ): Promise<TrackResult> {
    await this.views.storePending();
    if (isVoidedByWithdrawal(consentAt, this.local.withdrawnAt())) {
      const session = this.load(events[0]?.sessionId ?? "unknown", clock.now()).session;
      return { accepted: 0, duplicates: 0, session, withdrawn: true };
    }
    return this.store(visitorId, events, clock.now());
  }

  /** Touchpoints from the events API: rate limited per visitor (a token bucket); see track. */
  async ingest(
    visitorId: string,
    events: TrackedEvent[],
    now: number,
    consentAt: number | null = null,
  ): Promise<IngestResult> {
    await this.views.storePending();
    if (this.local.meta(META.erasedAt) !== null) return { status: "erased" };
    if (isVoidedByWithdrawal(consentAt, this.local.withdrawnAt())) return { status: "withdrawn" };
    // Kept in storage, so the limit holds when the object leaves memory and comes back.
    const verdict = take(this.local.storedBucket(), events.length, now, EVENTS_PER_VISITOR);
    this.local.setMeta(META.eventsBucket, JSON.stringify(verdict.bucket));
    if (!verdict.allowed) return { status: "rate_limited", retryAfterS: verdict.retryAfterS };
    return { status: "ok", ...(await this.store(visitorId, events, now)) };
  }

  /** What voids the ids a browser holds, for the consent endpoint: a withdrawal, or erasure. */
  async idStanding(): Promise<{ withdrawnAt: number | null; erased: boolean }> {
    await this.views.storePending();
    return {
      withdrawnAt: this.local.withdrawnAt(),
      erased: this.local.meta(META.erasedAt) !== null,
    };
  }

  /**
   * Records a consent choice: kept here until the alarm has written it to Turso's audit log
   * (retrying while Turso is down, see flush), and a withdrawal of personalization voids every
   * choice made before it (see track, ingest, state). Returns once the choice is durable, or
   * "erased" when the id was erased (nothing is recorded for it any more).
   */
  async recordConsent(
    visitorId: string,
    choice: ConsentRecord,
  ): Promise<"recorded" | "erasing" | "erased"> {
    await this.views.storePending();
    if (this.local.meta(META.erasedAt) !== null) return "erased";
    // An erasure in progress removes the consent log too; nothing new is accepted meanwhile.
    if (this.local.meta(META.erasing)) return "erasing";
    this.local.sql.exec(
      "INSERT INTO consents (visitor_id, personalization, analytics, source, at) VALUES (?, ?, ?, ?, ?)",
      visitorId,
      choice.personalization ? 1 : 0,
      choice.analytics ? 1 : 0,
      choice.source,
      choice.at,
    );
    if (!choice.personalization && choice.at > (this.local.withdrawnAt() ?? -Infinity))
      this.local.setMeta(META.withdrawnAt, String(choice.at));
    await this.scheduleFlush(clock.now());
    return "recorded";
  }

  /** The latest touchpoints in journey order (oldest first), for the customer view and export. */
  async touchpoints(limit = 500): Promise<TrackedEvent[]> {
    await this.views.storePending();
    return latestTouchpoints(this.local.sql, limit);
  }

  /** How many touchpoints still wait for Turso (for tests, health and the admin view). */
  async pending(): Promise<number> {
    await this.views.storePending();
    return waitingTouchpoints(this.local);
  }

  override async alarm(): Promise<void> {
    await this.views.storePending();
    this.alarmSlot.fired();
    if (this.local.meta(META.erasing)) {
      await this.erase();
      return;
    }
    const now = clock.now();
    // The profile does not depend on Turso: KV gets it even while the flush is failing.
    try {
      await this.syncProfile(now);
    } catch (err) {
      console.warn(JSON.stringify({ msg: "profile update failed", error: String(err) }));
    }
    try {
      const { remaining } = await this.flush();
      this.local.setMeta(META.attempts, null);
      this.local.setMeta(META.retryAt, null);
      if (remaining) await this.alarmSlot.schedule(clock.now() + 100);
      trimLocal(this.local, clock.now());
    } catch (err) {
      // Turso unreachable or refusing: keep everything and try again later.
      const attempts = Number(this.local.meta(META.attempts) ?? 0) + 1;
      this.local.setMeta(META.attempts, String(attempts));
      const delay = retryDelay(attempts);
      console.warn(
        JSON.stringify({ msg: "flush failed, retrying", attempts, delay, error: String(err) }),
      );
      this.local.setMeta(META.retryAt, String(clock.now() + delay));
      await this.alarmSlot.schedule(clock.now() + delay);
    }
  }

  /** Another device of the same customer changed the merged profile: rewrite ours soon. */
  async refreshProfile(): Promise<void> {
    await this.views.storePending();
    if (!this.local.facts()) return;
    this.local.setMeta(META.profileDirty, "1");
    await this.scheduleFlush(clock.now());
  }

  /**
   * Folds new touchpoints into the builder's state and, when the profile changed (or time
   * alone changed it), writes it to KV: at most once per PROFILE_MIN_INTERVAL_MS, KV's per-key
   * write rate. A logged-in customer gets the profile of all their devices together.
   */
  private async syncProfile(now: number): Promise<void> {
    const facts = this.local.facts();
    if (!facts) return;
    const products = await productLookup(this.env.MODELS);
    const state = this.fold.foldNew(facts, products, true);
    const due = now >= Number(this.local.meta(META.profileRefreshAt) ?? Infinity);
    if (!due && !this.local.meta(META.profileDirty) && this.profile) return;

    const writtenAt = Number(this.local.meta(META.profileWrittenAt) ?? 0);
    if (now - writtenAt < PROFILE_MIN_INTERVAL_MS) {
      this.local.setMeta(META.profileDirty, "1");
      await this.alarmSlot.schedule(writtenAt + PROFILE_MIN_INTERVAL_MS);
      return;
    }
    const profile = facts.customerId
      ? await this.customerProfile(facts.id, facts.customerId, products, now).catch(() =>
          toProfile(state, now),
        )
      : toProfile(state, now);
    await writeProfile(this.env.PROFILES, profile);
    this.profile = profile;
    this.local.setMeta(META.adopted, null);
    this.local.setMeta(META.profileWrittenAt, String(now));
    this.local.setMeta(META.profileDirty, null);
    const refreshAt = nextRefreshAt(state, now);
    this.local.setMeta(META.profileRefreshAt, refreshAt === null ? null : String(refreshAt));
    if (refreshAt !== null) await this.alarmSlot.schedule(refreshAt);
  }

  /** Builds the merged profile of all the customer's devices; tells them once ours changed. */
  private async customerProfile(
    visitorId: string,
    customerId: string,
    products: Awaited<ReturnType<typeof productLookup>>,
    now: number,
  ): Promise<Profile> {
    const others = await linkedVisitors(createDb(settingsOf(this.env)), customerId, visitorId);
    if (this.local.meta(META.notifyPeers)) {
      this.local.setMeta(META.notifyPeers, null);
      await Promise.all(others.map((id) => visitorObject(this.env, id).refreshProfile()));
    }
    if (!others.length) return toProfile(this.fold.of(visitorId).state, now);
    const events = await customerTouchpoints(this.env, others, await this.touchpoints(5_000));
    return buildProfile(events, products, now, visitorId);
  }

  /** Keeps the profile KV already has for a visitor met for the first time (see META.adopted). */
  private async adoptProfile(visitorId: string): Promise<void> {
    try {
      const existing = await readProfile(this.env.PROFILES, visitorId);
      if (existing) this.local.setMeta(META.adopted, JSON.stringify(existing));
    } catch (err) {
      console.warn(
        JSON.stringify({ msg: "reading the existing profile failed", error: String(err) }),
      );
    }
  }

  /**
   * The profile is current for the visitor's next page: folding takes microseconds per event.
   * A failure here only leaves the fold to the alarm.
   */
  private async foldForNextPage(stored?: readonly StoredRow[]): Promise<void> {
    const facts = this.local.facts();
    if (!facts) return;
    try {
      this.fold.foldNew(facts, await productLookup(this.env.MODELS), false, stored);
    } catch (err) {
      console.warn(JSON.stringify({ msg: "profile fold failed", error: String(err) }));
    }
  }

  /** The next alarm after new touchpoints: soon, but not before a pending retry's backoff. */
  private scheduleFlush(now: number): Promise<void> {
    const retryAt = Number(this.local.meta(META.retryAt) ?? 0);
    return this.alarmSlot.schedule(nextFlushAt(now, Math.random(), retryAt));
  }

  /** Sends unflushed touchpoints to Turso now (the alarm does this on its own). */
  async flush(): Promise<FlushResult> {
    await this.views.storePending();
    this.flushing ??= flushOnce(this.env, this.local, this.local.facts(), this.profile).finally(
      () => (this.flushing = null),
    );
    return this.flushing;
  }

  /** Everything this object holds about the visitor, with what Turso holds, for an access request. */
  async exportData(): Promise<Record<string, unknown>> {
    await this.views.storePending();
    return exportVisitor(this.env, this.local, this.load("export", clock.now()));
  }

  /** Erases the visitor everywhere, leaving a tombstone (see data-rights.ts). */
  async erase(visitorId?: string): Promise<{ status: "erased" | "pending"; rows: number }> {
    await this.views.storePending();
    const id = this.local.facts()?.id ?? visitorId ?? null;
    return eraseVisitor(
      {
        env: this.env,
        storage: this.ctx.storage,
        store: this.local,
        alarm: this.alarmSlot,
        flushing: this.flushing,
        forget: () => {
          this.local.forget();
          this.journey = null;
          this.profile = null;
          this.fold.forget();
        },
      },
      id,
    );
  }

  private async store(
    visitorId: string,
    events: TrackedEvent[],
    now: number,
  ): Promise<TrackResult> {
    const sessionId = events[0]?.sessionId ?? "unknown";
    const at = events[0]?.at ?? now;
    // Cart adds without a price (and lines still unpriced) take the catalog's. Looked up before
    // the journey is read for folding: other calls may run while KV answers.
    const priceOf = needsPrices(this.load(sessionId, at), events)
      ? await catalogPrices(this.env.MODELS)
      : undefined;
    let journey = this.load(sessionId, at);
    if (this.local.meta(META.erasing) || this.local.meta(META.erasedAt) !== null)
      return { accepted: 0, duplicates: events.length, session: journey.session };
    const stored: StoredRow[] = [];
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      const seq = insertTouchpoint(this.local.sql, event, now);
      if (seq === undefined) continue;
      stored.push({ seq, event });
      journey = applyEvent(journey, event, priceOf);
      countSession(this.local.sql, event);
    }
    if (stored.length) {
      this.save(journey);
      if (!this.local.facts()) await this.adoptProfile(visitorId);
      this.noteVisitor(visitorId, events);
      await this.scheduleFlush(now);
      await this.foldForNextPage(stored);
    }
    const accepted = stored.length;
    return { accepted, duplicates: events.length - accepted, session: journey.session };
  }

  private noteVisitor(visitorId: string, events: TrackedEvent[]): void {
    const known = this.local.facts();
    const times = events.map((e) => e.at);
    const login = events.findLast((e) => e.type === "login");
    const facts: VisitorFacts = {
      id: known?.id ?? visitorId,
      customerId:
        (login && typeof login.data.customer === "string" ? login.data.customer : null) ??
        known?.customerId ??
        null,
      firstSeenAt: Math.min(known?.firstSeenAt ?? Infinity, ...times),
      lastSeenAt: Math.max(known?.lastSeenAt ?? 0, ...times),
    };
    this.local.setMeta(META.visitor, JSON.stringify(facts));
  }

  private load(sessionId: string, now: number): JourneyState {
    if (this.journey) return this.journey;
    const row = this.local.meta(META.journey);
    this.journey = row ? (JSON.parse(row) as JourneyState) : emptyJourney(sessionId, now);
    return this.journey;
  }

  private save(journey: JourneyState): void {
    this.journey = journey;
    this.local.setMeta(META.journey, JSON.stringify(journey));
  }
}
