import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import { profileKey } from "../personalize/profile-store.ts";
import { settingsOf } from "../settings.ts";
import { RETRY_BASE_MS, type FlushAlarm } from "./flush-alarm.ts";
import type { JourneyState } from "./journey.ts";
import { eraseVisitorRecords, readVisitorRecords } from "./records.ts";
import { latestTouchpoints, META, migrate, type SessionStore } from "./session-storage.ts";

/**
 * Everything the object holds about the visitor (`journey`: its journey state), with what
 * Turso holds, for an access request.
 */
export async function exportVisitor(
  env: Env,
  store: SessionStore,
  journey: JourneyState,
): Promise<Record<string, unknown>> {
  const facts = store.facts();
  const withdrawal = store.meta(META.withdrawnAt);
  const stored = {
    journey,
    touchpoints: latestTouchpoints(store.sql, 10_000),
    sessions: store.sql.exec("SELECT * FROM sessions ORDER BY started_at").toArray(),
    consents: store.sql
      .exec("SELECT personalization, analytics, source, at, flushed FROM consents ORDER BY seq")
      .toArray(),
    // The visitor's own withdrawal (an erasure's tombstone is no data about them).
    consentWithdrawnAt: withdrawal === null ? null : Number(withdrawal),
  };
  const turso = facts ? await readVisitorRecords(createDb(settingsOf(env)), [facts.id]) : null;
  return { visitor: facts, deviceStorage: stored, systemOfRecord: turso };
}

/** The object an erasure empties. */
export type ErasedObject = {
  env: Env;
  storage: DurableObjectStorage;
  store: SessionStore;
  alarm: FlushAlarm;
  /** The flush in progress, if any: the erasure waits for it instead of racing it. */
  flushing: Promise<unknown> | null;
  /** Drops what the object keeps in memory about the visitor (its storage is empty now). */
  forget(): void;
};

/**
 * Erases the visitor `id` (null: not known) everywhere: Turso rows, the KV profile, then the
 * object's storage. The intent is stored first, so a Turso outage only delays the erasure (the
 * alarm retries); meanwhile nothing new is accepted. What stays is a tombstone (the erasure
 * time, under the object's pseudonymous id): the browser's old cookies, replayed, identify
 * nobody and store nothing.
 */
export async function eraseVisitor(
  object: ErasedObject,
  id: string | null,
): Promise<{ status: "erased" | "pending"; rows: number }> {
  const { env, storage, store, alarm } = object;
  store.setMeta(META.erasing, id ?? "unknown");
  await object.flushing?.catch(() => undefined);
  try {
    const rows = id ? await eraseVisitorRecords(createDb(settingsOf(env)), [id], null) : 0;
    if (id) await env.PROFILES.delete(profileKey(id));
    await alarm.delete();
    await storage.deleteAll();
    object.forget();
    migrate(store.sql);
    store.setMeta(META.erasedAt, String(clock.now()));
    return { status: "erased", rows };
  } catch (err) {
    console.warn(JSON.stringify({ msg: "erasure pending", error: String(err) }));
    await alarm.replace(clock.now() + RETRY_BASE_MS * 5);
    return { status: "pending", rows: 0 };
  }
}
