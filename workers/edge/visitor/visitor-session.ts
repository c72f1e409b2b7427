import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client.ts";
import { isVoidedByWithdrawal } from "../identity/consent.ts";
import { EVENTS_PER_VISITOR, take, type Bucket } from "../ingest/token-bucket.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { pageViewEvent } from "../personalize/page-view.ts";
import { planView, type PlannedView, type ViewRequest } from "../personalize/planned-view.ts";
import { profileKey, readProfile } from "../personalize/profile-store.ts";
import {
  buildProfile,
  emptyProfileState,
  foldEvents,
  nextRefreshAt,
  toProfile,
  type ProfileState,
} from "../profile/index.ts";
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
import { planFlush, type ConsentRow, type SessionRow, type StoredTouchpoint } from "./outbox.ts";
import {
  customerTouchpoints,
  linkedVisitors,
  productLookup,
  PROFILE_MIN_INTERVAL_MS,
  writeProfile,
} from "./profile-sync.ts";
import { eraseVisitorRecords, readVisitorRecords } from "./records.ts";
import { writeFlush } from "./turso-sink.ts";
import { visitorObject } from "./stub.ts";
import * as clock from "../clock.ts";

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
export type FlushResult = { flushed: number; remaining: number };

/**
 * Touchpoints wait this long so one flush carries several pages' worth of them to Turso and
 * the profile's KV copy is rewritten once for them, not per page: the hot path gets the
 * current profile from this object, so only readers of Turso and KV see the delay.
 */
const FLUSH_DELAY_MS = 30_000;
/** How long a page view `view` answered waits to be stored (see deferStore). */
const STORE_AFTER_MS = 10;
const FLUSH_BATCH = 500;
/** Retry backoff while Turso is unreachable: doubling from 1 s, at most 5 minutes apart. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** Flushed touchpoints older than this leave the object's storage (Turso keeps them). */
const LOCAL_RETENTION_MS = 90 * 24 * 3600 * 1000;

const META = {
  journey: "journey",
  /** The events API's per-visitor token bucket. */
  eventsBucket: "events_bucket",
  visitor: "visitor",
  attempts: "flush_attempts",
  /** While Turso is failing, new touchpoints do not bring the next attempt before this (backoff). */
  retryAt: "flush_retry_at",
  erasing: "erasing",
  /** The builder's state and the last touchpoint folded into it. */
  profileState: "profile_state",
  profileSeq: "profile_seq",
  /** When KV last got the profile, whether it is out of date, and when time alone changes it. */
  profileWrittenAt: "profile_written_at",
  profileDirty: "profile_dirty",
  profileRefreshAt: "profile_refresh_at",
  /**
   * A profile KV held before this object met the visitor (seeded, imported from another
   * system): it is served until the object's first KV write replaces it with its own.
   */
  adopted: "adopted_profile",
  /** Own touchpoints changed a customer's merged profile: the other devices should rewrite theirs. */
  notifyPeers: "notify_peers",
  /** The latest withdrawal of personalization consent: choices made before it are void. */
  withdrawnAt: "consent_withdrawn_at",
  /**
   * The tombstone of an erased visitor: when the erasure completed. Nothing is stored for the id
   * afterwards and every consent choice the browser may replay is void (see erase).
   */
  erasedAt: "erased_at",
};

type VisitorFacts = {
  id: string;
  customerId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
};

/**
 * The single writer of one visitor's state. Touchpoints go to the object's SQLite storage
 * first (ordered, idempotent by client event id) and answer the hot path from there; an alarm
 * then carries them to Turso in batches, retrying with backoff while Turso is down. A flush is
 * acknowledged only after Turso committed it, and repeating one is harmless (see outbox.ts),
 * so a restart mid-flush neither loses nor duplicates anything.
 */
export class VisitorSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private journey: JourneyState | null = null;
  /** The flush in progress, so an erasure can wait for it instead of racing it. */
  private flushing: Promise<FlushResult> | null = null;
  /** The profile last written to KV, also written to Turso with the next flush. */
  private profile: Profile | null = null;
  /**
   * Meta values as stored: this object is their only writer, so reads after the first come
   * from memory (the hot path reads several per call).
   */
  private readonly metaCache = new Map<string, string | null>();
  private parsedFacts: { raw: string; facts: VisitorFacts } | null = null;
  /**
   * The builder's state and the last touchpoint folded into it. Folded at every touchpoint in
   * memory, stored with the next flush: after a restart the stored pair is folded forward again.
   */
  private builder: { state: ProfileState; seq: number; saved: boolean } | null = null;
  /** The profile the hot path was last given, per fold and minute (time alone changes it). */
  private served: { key: string; profile: Profile } | null = null;
  /** The alarm's time as last set or read here (undefined: not read yet): one read per object. */
  private alarmAt: number | null | undefined = undefined;
  /**
   * Page views `view` answered and not stored yet (see deferStore), in order, and the storing
   * of those taken up. Every entry point first awaits `storePending()`, so nothing reads,
   * flushes or erases around a pending one (and store, which stores them, must not call an
   * entry point).
   */
  private pendingViews: { visitorId: string; event: TrackedEvent }[] = [];
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;
  private storing: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    clock.useClockOf(env as { CLOCK_OFFSET_MS?: string });
    this.sql = ctx.storage.sql;
    // Idempotent schema setup before the first call, so no call sees a missing table. A
    // restart (eviction, a deploy, an alarm cut off mid-flush) must never strand touchpoints:
    // whatever is still pending gets an alarm again.
    void ctx.blockConcurrencyWhile(async () => {
      this.migrate();
      if (this.unflushed() > 0) await this.scheduleFlush(clock.now());
    });
  }

  private migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS touchpoints (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      session_id TEXT,
      type TEXT NOT NULL,
      at INTEGER NOT NULL,
      body TEXT NOT NULL,
      flushed INTEGER NOT NULL DEFAULT 0,
      received_at INTEGER NOT NULL DEFAULT 0
    )`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS touchpoints_unflushed ON touchpoints (flushed, seq)");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      started_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      page_views INTEGER NOT NULL DEFAULT 0,
      channel TEXT, campaign TEXT, referrer TEXT, device TEXT, country TEXT, landing_path TEXT,
      version INTEGER NOT NULL DEFAULT 1,
      flushed_version INTEGER NOT NULL DEFAULT 0
    )`);
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    // Consent choices wait here for Turso's audit log, like touchpoints do.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS consents (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      visitor_id TEXT NOT NULL,
      personalization INTEGER NOT NULL,
      analytics INTEGER NOT NULL,
      source TEXT NOT NULL,
      at INTEGER NOT NULL,
      flushed INTEGER NOT NULL DEFAULT 0
    )`);
  }

  /** What the hot path needs (see VisitorSnapshot); a new session id starts a new session. */
  async state(sessionId: string, now: number): Promise<VisitorSnapshot> {
    await this.storePending();
    const session = enterSession(this.load(sessionId, now), sessionId, now).session;
    const consentWithdrawnAt = this.withdrawnAt();
    const facts = this.facts();
    if (this.meta(META.erasedAt) !== null)
      return { session, profile: null, consentWithdrawnAt, erased: true };
    if (!facts) return { session, profile: null, consentWithdrawnAt };
    const adopted = this.meta(META.adopted);
    if (adopted) return { session, profile: JSON.parse(adopted) as Profile, consentWithdrawnAt };
    // After a restart, touchpoints stored since the last flush are folded again first.
    if (!this.builder) await this.foldForNextPage();
    const profile = facts.customerId ? this.profile : this.currentProfile(facts.id, now);
    return { session, profile, consentWithdrawnAt };
  }

  /**
   * The proxy's one call per page: the snapshot as `state` gives it, and the page planned here,
   * where profile and session are, and recorded as a page view with what it will show (right
   * after the answer, see deferStore). The proxy then calls again only when the page showed
   * something else (see recordView): one round trip instead of two (on the local runtime a call
   * costs ~0.6 ms of CPU, whatever it does). Without a profile here (a visitor this object has
   * not met, a customer whose merged profile is not built yet) the proxy plans with KV's copy
   * itself, as before.
   */
  async view(req: ViewRequest): Promise<ViewAnswer> {
    await this.storePending();
    const snapshot = await this.state(req.sessionId, req.now);
    const voided = isVoidedByWithdrawal(req.consentAt, snapshot.consentWithdrawnAt);
    if (voided || !snapshot.profile || this.meta(META.erasing))
      return { ...snapshot, planned: null };
    let planned: PlannedView | null = null;
    try {
      planned = await planView(this.env, req, snapshot.profile, snapshot.session);
    } catch (err) {
      console.warn(JSON.stringify({ msg: "planning the page failed", error: String(err) }));
    }
    if (planned) {
      const shown = { slots: [...planned.slots.values()], exposures: planned.exposures };
      this.deferStore(
        req.visitorId,
        pageViewEvent(planned.eventId, req.sessionId, planned.context, shown),
      );
    }
    return { ...snapshot, planned };
  }

  /**
   * Stores the page view `view` planned once its answer is out: STORE_AFTER_MS later, or at
   * once when another call comes first. Stored before answering, the answer (and the visitor's
   * page with it) would wait for the write to be confirmed: the output gate holds what an
   * object sends until its writes are durable (Cloudflare's storage API docs), a disk sync
   * locally and a replicated commit on Cloudflare, and this page needs neither. Locally the
   * call's p50 went from 2-3 to 1-2 ms at 50 pages/s (alternating runs). Not at the next turn
   * either: locally the object shares the Worker's thread, and a write made then ran while the
   * page streamed out (a returning visitor's last byte p50 came 1.15 ms later, interleaved runs).
   * The cost: a restart in that time loses the page view (the proxy's correction, when the page
   * differed, stores it again).
   */
  private deferStore(visitorId: string, event: TrackedEvent): void {
    this.pendingViews.push({ visitorId, event });
    this.pendingTimer ??= setTimeout(() => void this.storePending(), STORE_AFTER_MS);
  }

  /** Stores the pending page views now; resolves once they (and any taken up before) are. */
  private storePending(): Promise<void> {
    if (this.pendingTimer !== null) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    const views = this.pendingViews.splice(0);
    if (views.length)
      this.storing = this.storing.then(async () => {
        for (const { visitorId, event } of views) {
          try {
            await this.store(visitorId, [event], clock.now());
          } catch (err) {
            console.error(
              JSON.stringify({ msg: "storing a page view failed", error: String(err) }),
            );
          }
        }
      });
    return this.storing;
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
    await this.storePending();
    if (isVoidedByWithdrawal(consentAt, this.withdrawnAt()) || this.meta(META.erasing)) return;
    const row = this.sql
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
    this.sql.exec(
      "UPDATE touchpoints SET body = ?, flushed = 0 WHERE event_id = ?",
      JSON.stringify(after),
      event.id,
    );
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
    await this.storePending();
    if (isVoidedByWithdrawal(consentAt, this.withdrawnAt())) {
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
    await this.storePending();
    if (this.meta(META.erasedAt) !== null) return { status: "erased" };
    if (isVoidedByWithdrawal(consentAt, this.withdrawnAt())) return { status: "withdrawn" };
    // Kept in storage, so the limit holds when the object leaves memory and comes back.
    const verdict = take(this.storedBucket(), events.length, now, EVENTS_PER_VISITOR);
    this.setMeta(META.eventsBucket, JSON.stringify(verdict.bucket));
    if (!verdict.allowed) return { status: "rate_limited", retryAfterS: verdict.retryAfterS };
    return { status: "ok", ...(await this.store(visitorId, events, now)) };
  }

  /** When the visitor last withdrew consent (null: never). */
  async consentWithdrawnAt(): Promise<number | null> {
    await this.storePending();
    return this.withdrawnAt();
  }

  /** What voids the ids a browser holds, for the consent endpoint: a withdrawal, or erasure. */
  async idStanding(): Promise<{ withdrawnAt: number | null; erased: boolean }> {
    await this.storePending();
    return { withdrawnAt: this.withdrawnAt(), erased: this.meta(META.erasedAt) !== null };
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
    await this.storePending();
    if (this.meta(META.erasedAt) !== null) return "erased";
    // An erasure in progress removes the consent log too; nothing new is accepted meanwhile.
    if (this.meta(META.erasing)) return "erasing";
    this.sql.exec(
      "INSERT INTO consents (visitor_id, personalization, analytics, source, at) VALUES (?, ?, ?, ?, ?)",
      visitorId,
      choice.personalization ? 1 : 0,
      choice.analytics ? 1 : 0,
      choice.source,
      choice.at,
    );
    if (!choice.personalization && choice.at > (this.withdrawnAt() ?? -Infinity))
      this.setMeta(META.withdrawnAt, String(choice.at));
    await this.scheduleFlush(clock.now());
    return "recorded";
  }

  /** The latest touchpoints in journey order (oldest first), for the customer view and export. */
  async touchpoints(limit = 500): Promise<TrackedEvent[]> {
    await this.storePending();
    return this.sql
      .exec<{ body: string }>(
        "SELECT body FROM (SELECT body, at, seq FROM touchpoints ORDER BY at DESC, seq DESC LIMIT ?) ORDER BY at, seq",
        limit,
      )
      .toArray()
      .map((row) => JSON.parse(row.body) as TrackedEvent);
  }

  /** How many touchpoints still wait for Turso (for tests, health and the admin view). */
  async pending(): Promise<number> {
    await this.storePending();
    return this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM touchpoints WHERE flushed = 0")
      .one().n;
  }

  /** Touchpoints and consent choices still waiting for Turso. */
  private unflushed(): number {
    return this.sql
      .exec<{ n: number }>(
        "SELECT (SELECT count(*) FROM touchpoints WHERE flushed = 0) + (SELECT count(*) FROM consents WHERE flushed = 0) AS n",
      )
      .one().n;
  }

  override async alarm(): Promise<void> {
    await this.storePending();
    this.alarmAt = null; // this one has fired
    if (this.meta(META.erasing)) {
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
      this.setMeta(META.attempts, null);
      this.setMeta(META.retryAt, null);
      if (remaining) await this.scheduleAt(clock.now() + 100);
      this.trimLocal(clock.now());
    } catch (err) {
      // Turso unreachable or refusing: keep everything and try again later.
      const attempts = Number(this.meta(META.attempts) ?? 0) + 1;
      this.setMeta(META.attempts, String(attempts));
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
      console.warn(
        JSON.stringify({ msg: "flush failed, retrying", attempts, delay, error: String(err) }),
      );
      this.setMeta(META.retryAt, String(clock.now() + delay));
      await this.scheduleAt(clock.now() + delay);
    }
  }

  /** Another device of the same customer changed the merged profile: rewrite ours soon. */
  async refreshProfile(): Promise<void> {
    await this.storePending();
    if (!this.facts()) return;
    this.setMeta(META.profileDirty, "1");
    await this.scheduleFlush(clock.now());
  }

  /**
   * Folds new touchpoints into the builder's state and, when the profile changed (or time
   * alone changed it), writes it to KV: at most once per PROFILE_MIN_INTERVAL_MS, KV's per-key
   * write rate. A logged-in customer gets the profile of all their devices together.
   */
  private async syncProfile(now: number): Promise<void> {
    const facts = this.facts();
    if (!facts) return;
    const products = await productLookup(this.env.MODELS);
    const state = this.foldNew(facts, products, true);
    const due = now >= Number(this.meta(META.profileRefreshAt) ?? Infinity);
    if (!due && !this.meta(META.profileDirty) && this.profile) return;

    const writtenAt = Number(this.meta(META.profileWrittenAt) ?? 0);
    if (now - writtenAt < PROFILE_MIN_INTERVAL_MS) {
      this.setMeta(META.profileDirty, "1");
      await this.scheduleAt(writtenAt + PROFILE_MIN_INTERVAL_MS);
      return;
    }
    const profile = facts.customerId
      ? await this.customerProfile(facts.id, facts.customerId, products, now).catch(() =>
          toProfile(state, now),
        )
      : toProfile(state, now);
    await writeProfile(this.env.PROFILES, profile);
    this.profile = profile;
    this.setMeta(META.adopted, null);
    this.setMeta(META.profileWrittenAt, String(now));
    this.setMeta(META.profileDirty, null);
    const refreshAt = nextRefreshAt(state, now);
    this.setMeta(META.profileRefreshAt, refreshAt === null ? null : String(refreshAt));
    if (refreshAt !== null) await this.scheduleAt(refreshAt);
  }

  /** Builds the merged profile of all the customer's devices; tells them once ours changed. */
  private async customerProfile(
    visitorId: string,
    customerId: string,
    products: Awaited<ReturnType<typeof productLookup>>,
    now: number,
  ): Promise<Profile> {
    const others = await linkedVisitors(createDb(settingsOf(this.env)), customerId, visitorId);
    if (this.meta(META.notifyPeers)) {
      this.setMeta(META.notifyPeers, null);
      await Promise.all(others.map((id) => visitorObject(this.env, id).refreshProfile()));
    }
    if (!others.length) return toProfile(this.builderOf(visitorId).state, now);
    const events = await customerTouchpoints(this.env, others, await this.touchpoints(5_000));
    return buildProfile(events, products, now, visitorId);
  }

  private builderOf(visitorId: string): { state: ProfileState; seq: number } {
    if (this.builder?.state.visitorId === visitorId) return this.builder;
    const raw = this.meta(META.profileState);
    this.builder = {
      state: raw ? (JSON.parse(raw) as ProfileState) : emptyProfileState(visitorId),
      seq: Number(this.meta(META.profileSeq) ?? 0),
      saved: true,
    };
    return this.builder;
  }

  private currentProfile(visitorId: string, now: number): Profile {
    const { state, seq } = this.builderOf(visitorId);
    const key = `${seq}:${Math.floor(now / 60_000)}`;
    if (this.served?.key !== key) this.served = { key, profile: toProfile(state, now) };
    return this.served.profile;
  }

  /**
   * Folds touchpoints stored since the last fold; the watermark makes each count once. A fold
   * marks the KV copy out of date (and, for a customer, the other devices' merged profiles).
   * `store`: also write the state and watermark to storage (the flush does).
   */
  private foldNew(
    facts: VisitorFacts,
    products: Awaited<ReturnType<typeof productLookup>>,
    store: boolean,
    /** Rows just stored, in seq order: folded without reading them back when nothing is between. */
    stored?: readonly StoredRow[],
  ): ProfileState {
    const builder = this.builderOf(facts.id);
    const rows: readonly StoredRow[] =
      stored && follows(builder.seq, stored)
        ? stored
        : this.sql
            .exec<{ seq: number; body: string }>(
              "SELECT seq, body FROM touchpoints WHERE seq > ? ORDER BY seq",
              builder.seq,
            )
            .toArray()
            .map((r) => ({ seq: r.seq, event: JSON.parse(r.body) as TrackedEvent }));
    if (rows.length) {
      this.builder = {
        state: foldEvents(
          builder.state,
          rows.map((r) => r.event),
          products,
        ),
        seq: rows.at(-1)!.seq,
        saved: false,
      };
      if (!this.meta(META.profileDirty)) this.setMeta(META.profileDirty, "1");
      if (facts.customerId && !this.meta(META.notifyPeers)) this.setMeta(META.notifyPeers, "1");
    }
    const current = this.builder!;
    if (store && !current.saved) {
      this.setMeta(META.profileState, JSON.stringify(current.state));
      this.setMeta(META.profileSeq, String(current.seq));
      current.saved = true;
    }
    return current.state;
  }

  /** Keeps the profile KV already has for a visitor met for the first time (see META.adopted). */
  private async adoptProfile(visitorId: string): Promise<void> {
    try {
      const existing = await readProfile(this.env.PROFILES, visitorId);
      if (existing) this.setMeta(META.adopted, JSON.stringify(existing));
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
    const facts = this.facts();
    if (!facts) return;
    try {
      this.foldNew(facts, await productLookup(this.env.MODELS), false, stored);
    } catch (err) {
      console.warn(JSON.stringify({ msg: "profile fold failed", error: String(err) }));
    }
  }

  /** The next alarm after new touchpoints: soon, but not before a pending retry's backoff. */
  private scheduleFlush(now: number): Promise<void> {
    // Jittered (0.5x to 1.5x): visitors who arrive together (a campaign, a deploy) do not all
    // flush to Turso in the same second.
    const delay = FLUSH_DELAY_MS * (0.5 + Math.random());
    return this.scheduleAt(Math.max(now + delay, Number(this.meta(META.retryAt) ?? 0)));
  }

  /** Alarms are single per object: keep the earliest of what is wanted. */
  private async scheduleAt(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  /** Sends unflushed touchpoints to Turso now (the alarm does this on its own). */
  async flush(): Promise<FlushResult> {
    await this.storePending();
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Everything this object holds about the visitor, with what Turso holds, for an access request. */
  async exportData(): Promise<Record<string, unknown>> {
    await this.storePending();
    const facts = this.facts();
    const withdrawal = this.meta(META.withdrawnAt);
    const stored = {
      journey: this.load("export", clock.now()),
      touchpoints: await this.touchpoints(10_000),
      sessions: this.sql.exec("SELECT * FROM sessions ORDER BY started_at").toArray(),
      consents: this.sql
        .exec("SELECT personalization, analytics, source, at, flushed FROM consents ORDER BY seq")
        .toArray(),
      // The visitor's own withdrawal (an erasure's tombstone is no data about them).
      consentWithdrawnAt: withdrawal === null ? null : Number(withdrawal),
    };
    const turso = facts
      ? await readVisitorRecords(createDb(settingsOf(this.env)), [facts.id])
      : null;
    return { visitor: facts, deviceStorage: stored, systemOfRecord: turso };
  }

  /**
   * Erases the visitor everywhere: Turso rows, the KV profile, then this object's storage.
   * The intent is stored first, so a Turso outage only delays the erasure (the alarm retries);
   * meanwhile nothing new is accepted. What stays is a tombstone (the erasure time, under this
   * object's pseudonymous id): the browser's old cookies, replayed, identify nobody and store
   * nothing.
   */
  async erase(visitorId?: string): Promise<{ status: "erased" | "pending"; rows: number }> {
    await this.storePending();
    const id = this.facts()?.id ?? visitorId ?? null;
    this.setMeta(META.erasing, id ?? "unknown");
    await this.flushing?.catch(() => undefined);
    try {
      const rows = id ? await eraseVisitorRecords(createDb(settingsOf(this.env)), [id], null) : 0;
      if (id) await this.env.PROFILES.delete(profileKey(id));
      await this.ctx.storage.deleteAlarm();
      this.alarmAt = null;
      await this.ctx.storage.deleteAll();
      this.metaCache.clear();
      this.parsedFacts = null;
      this.journey = null;
      this.profile = null;
      this.builder = null;
      this.served = null;
      this.migrate();
      this.setMeta(META.erasedAt, String(clock.now()));
      return { status: "erased", rows };
    } catch (err) {
      console.warn(JSON.stringify({ msg: "erasure pending", error: String(err) }));
      const retryAt = clock.now() + RETRY_BASE_MS * 5;
      await this.ctx.storage.setAlarm(retryAt);
      this.alarmAt = retryAt;
      return { status: "pending", rows: 0 };
    }
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
    if (this.meta(META.erasing) || this.meta(META.erasedAt) !== null)
      return { accepted: 0, duplicates: events.length, session: journey.session };
    const stored: StoredRow[] = [];
    for (const event of [...events].sort((a, b) => a.at - b.at)) {
      // RETURNING tells whether the row is new; rowsWritten also counts index work on conflicts.
      const row = this.sql
        .exec<{ seq: number }>(
          "INSERT INTO touchpoints (event_id, session_id, type, at, body, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING RETURNING seq",
          event.id,
          event.sessionId,
          event.type,
          event.at,
          JSON.stringify(event),
          now,
        )
        .toArray()[0];
      if (!row) continue;
      stored.push({ seq: row.seq, event });
      journey = applyEvent(journey, event, priceOf);
      this.countSession(event);
    }
    if (stored.length) {
      this.save(journey);
      if (!this.facts()) await this.adoptProfile(visitorId);
      this.noteVisitor(visitorId, events);
      await this.scheduleFlush(now);
      await this.foldForNextPage(stored);
    }
    const accepted = stored.length;
    return { accepted, duplicates: events.length - accepted, session: journey.session };
  }

  private async flushOnce(): Promise<FlushResult> {
    const facts = this.facts();
    const consentRows = this.sql
      .exec<ConsentTableRow>(
        "SELECT seq, visitor_id, personalization, analytics, source, at FROM consents WHERE flushed = 0 ORDER BY seq LIMIT ?",
        FLUSH_BATCH,
      )
      .toArray();
    const consents: ConsentRow[] = consentRows.map((r) => ({
      visitorId: r.visitor_id,
      personalization: r.personalization === 1,
      analytics: r.analytics === 1,
      source: r.source,
      createdAt: r.at,
    }));
    const lastConsent = consentRows.at(-1)?.seq ?? 0;
    if (!facts) {
      // Only consent choices so far (the visitor chose before any touchpoint arrived).
      if (!consents.length) return { flushed: 0, remaining: 0 };
      const plan = planFlush({ visitor: null, touchpoints: [], sessions: [], consents });
      await writeFlush(createDb(settingsOf(this.env)), plan);
      this.sql.exec("UPDATE consents SET flushed = 1 WHERE flushed = 0 AND seq <= ?", lastConsent);
      return { flushed: 0, remaining: this.unflushed() };
    }
    const rows = this.sql
      .exec<{ seq: number; body: string; received_at: number }>(
        "SELECT seq, body, received_at FROM touchpoints WHERE flushed = 0 ORDER BY seq LIMIT ?",
        FLUSH_BATCH,
      )
      .toArray();
    const sessions = this.sql
      .exec<SessionTableRow>("SELECT * FROM sessions WHERE version > flushed_version")
      .toArray();
    if (!rows.length && !sessions.length && !consents.length) return { flushed: 0, remaining: 0 };
    const touchpoints: StoredTouchpoint[] = rows.map((r) => ({
      event: JSON.parse(r.body) as TrackedEvent,
      receivedAt: r.received_at || clock.now(),
    }));
    const visitCount = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions").one().n;
    const plan = planFlush({
      visitor: { ...facts, visitCount, updatedAt: clock.now(), profile: this.profile },
      touchpoints,
      sessions: sessions.map((s) => sessionRow(facts.id, s)),
      consents,
    });
    await writeFlush(createDb(settingsOf(this.env)), plan);
    // Acknowledge only what was sent: rows and sessions that changed meanwhile stay pending.
    const lastSeq = rows.at(-1)?.seq ?? 0;
    this.sql.exec("UPDATE touchpoints SET flushed = 1 WHERE flushed = 0 AND seq <= ?", lastSeq);
    for (const s of sessions)
      this.sql.exec("UPDATE sessions SET flushed_version = ? WHERE id = ?", s.version, s.id);
    this.sql.exec("UPDATE consents SET flushed = 1 WHERE flushed = 0 AND seq <= ?", lastConsent);
    return { flushed: rows.length, remaining: this.unflushed() };
  }

  /** Running totals per session, so Turso gets absolute counts (repeatable writes). */
  private countSession(event: TrackedEvent): void {
    if (!event.sessionId) return;
    const data = event.data;
    const text = (v: unknown) => (typeof v === "string" && v ? v : null);
    this.sql.exec(
      `INSERT INTO sessions (id, started_at, last_seen_at, page_views, channel, campaign, referrer, device, country, landing_path)
       VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
       ON CONFLICT(id) DO UPDATE SET
         started_at = min(started_at, ?2), last_seen_at = max(last_seen_at, ?2),
         page_views = page_views + ?3,
         channel = coalesce(channel, ?4), campaign = coalesce(campaign, ?5),
         referrer = coalesce(referrer, ?6), device = coalesce(device, ?7),
         country = coalesce(country, ?8), landing_path = coalesce(landing_path, ?9),
         version = version + 1`,
      event.sessionId,
      event.at,
      event.type === "page_view" ? 1 : 0,
      event.channel,
      text(data.campaign),
      text(data.referrerHost),
      event.device,
      text(data.country),
      event.type === "page_view" ? event.path : null,
    );
  }

  private noteVisitor(visitorId: string, events: TrackedEvent[]): void {
    const known = this.facts();
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
    this.setMeta(META.visitor, JSON.stringify(facts));
  }

  private trimLocal(now: number): void {
    this.sql.exec("DELETE FROM touchpoints WHERE flushed = 1 AND at < ?", now - LOCAL_RETENTION_MS);
  }

  /** The latest withdrawal; an erasure counts as one (every choice before it is void). */
  private withdrawnAt(): number | null {
    const raw = this.meta(META.erasedAt) ?? this.meta(META.withdrawnAt);
    return raw === null ? null : Number(raw);
  }

  private facts(): VisitorFacts | null {
    const raw = this.meta(META.visitor);
    if (raw !== this.parsedFacts?.raw)
      this.parsedFacts = raw ? { raw, facts: JSON.parse(raw) as VisitorFacts } : null;
    return this.parsedFacts?.facts ?? null;
  }

  private meta(key: string): string | null {
    if (this.metaCache.has(key)) return this.metaCache.get(key)!;
    const value =
      this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]
        ?.value ?? null;
    this.metaCache.set(key, value);
    return value;
  }

  private storedBucket(): Bucket | null {
    const raw = this.meta(META.eventsBucket);
    if (raw === null) return null;
    const b = JSON.parse(raw) as Partial<Bucket>;
    return Number.isFinite(b.tokens) && Number.isFinite(b.at) ? (b as Bucket) : null;
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    else
      this.sql.exec(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        key,
        value,
      );
    this.metaCache.set(key, value);
  }

  private load(sessionId: string, now: number): JourneyState {
    if (this.journey) return this.journey;
    const row = this.meta(META.journey);
    this.journey = row ? (JSON.parse(row) as JourneyState) : emptyJourney(sessionId, now);
    return this.journey;
  }

  private save(journey: JourneyState): void {
    this.journey = journey;
    this.setMeta(META.journey, JSON.stringify(journey));
  }
}

type StoredRow = { seq: number; event: TrackedEvent };

/** `rows` are exactly the touchpoints after `seq`: consecutive, starting right after it. */
function follows(seq: number, rows: readonly StoredRow[]): boolean {
  return rows.length > 0 && rows.every((r, i) => r.seq === seq + 1 + i);
}

type ConsentTableRow = {
  seq: number;
  visitor_id: string;
  personalization: number;
  analytics: number;
  source: string;
  at: number;
};

type SessionTableRow = {
  id: string;
  started_at: number;
  last_seen_at: number;
  page_views: number;
  channel: string | null;
  campaign: string | null;
  referrer: string | null;
  device: string | null;
  country: string | null;
  landing_path: string | null;
  version: number;
  flushed_version: number;
};

function sessionRow(visitorId: string, s: SessionTableRow): SessionRow {
  return {
    id: s.id,
    visitorId,
    startedAt: s.started_at,
    lastSeenAt: s.last_seen_at,
    channel: s.channel ?? "direct",
    campaign: s.campaign,
    referrer: s.referrer,
    device: s.device ?? "desktop",
    country: s.country,
    landingPath: s.landing_path ?? "/",
    pageViews: s.page_views,
  };
}
