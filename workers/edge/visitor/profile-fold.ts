import type { TrackedEvent } from "../model/events.ts";
import type { Profile } from "../model/profile.ts";
import {
  emptyProfileState,
  foldEvents,
  toProfile,
  type ProductLookup,
  type ProfileState,
} from "../profile/index.ts";
import { META, type SessionStore, type VisitorFacts } from "./session-storage.ts";

/** A touchpoint as stored, with its place in the object's order. */
export type StoredRow = { seq: number; event: TrackedEvent };

/**
 * The visitor's profile builder. Its state and the last touchpoint folded into it are folded at
 * every touchpoint in memory and stored with the next flush: after a restart the stored pair is
 * folded forward again.
 */
export class ProfileFold {
  private builder: { state: ProfileState; seq: number; saved: boolean } | null = null;
  /** The profile the hot path was last given, per fold and minute (time alone changes it). */
  private served: { key: string; profile: Profile } | null = null;

  constructor(private readonly local: SessionStore) {}

  /** Whether the builder is in memory (after a restart it is not until the first fold). */
  get loaded(): boolean {
    return this.builder !== null;
  }

  /** Drops the builder and the served profile (the storage was emptied). */
  forget(): void {
    this.builder = null;
    this.served = null;
  }

  /** The builder for `visitorId`, as stored when not in memory yet. */
  of(visitorId: string): { state: ProfileState; seq: number } {
    if (this.builder?.state.visitorId === visitorId) return this.builder;
    const raw = this.local.meta(META.profileState);
    this.builder = {
      state: raw ? (JSON.parse(raw) as ProfileState) : emptyProfileState(visitorId),
      seq: Number(this.local.meta(META.profileSeq) ?? 0),
      saved: true,
    };
    return this.builder;
  }

  /** The profile as of the last fold, built again when a fold or a minute passed. */
  current(visitorId: string, now: number): Profile {
    const { state, seq } = this.of(visitorId);
    const key = `${seq}:${Math.floor(now / 60_000)}`;
    if (this.served?.key !== key) this.served = { key, profile: toProfile(state, now) };
    return this.served.profile;
  }

  /**
   * Folds touchpoints stored since the last fold; the watermark makes each count once. A fold
   * marks the KV copy out of date (and, for a customer, the other devices' merged profiles).
   * `store`: also write the state and watermark to storage (the flush does).
   */
  foldNew(
    facts: VisitorFacts,
    products: ProductLookup,
    store: boolean,
    /** Rows just stored, in seq order: folded without reading them back when nothing is between. */
    stored?: readonly StoredRow[],
  ): ProfileState {
    const builder = this.of(facts.id);
    const rows: readonly StoredRow[] =
      stored && follows(builder.seq, stored)
        ? stored
        : this.local.sql
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
      if (!this.local.meta(META.profileDirty)) this.local.setMeta(META.profileDirty, "1");
      if (facts.customerId && !this.local.meta(META.notifyPeers))
        this.local.setMeta(META.notifyPeers, "1");
    }
    const current = this.builder!;
    if (store && !current.saved) {
      this.local.setMeta(META.profileState, JSON.stringify(current.state));
      this.local.setMeta(META.profileSeq, String(current.seq));
      current.saved = true;
    }
    return current.state;
  }
}

/** `rows` are exactly the touchpoints after `seq`: consecutive, starting right after it. */
function follows(seq: number, rows: readonly StoredRow[]): boolean {
  return rows.length > 0 && rows.every((r, i) => r.seq === seq + 1 + i);
}
