import { eq, or } from "drizzle-orm";
import { annotations, identities } from "../../../schema/index.ts";
import type { Db } from "../db/client.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile } from "../model/profile.ts";
import { readProfile } from "../personalize/profile-store.ts";
import { eraseVisitorRecords, readVisitorRecords } from "./records.ts";
import { visitorObject } from "./stub.ts";
import * as clock from "../clock.ts";

/**
 * A person as the admin and privacy endpoints see them: one visitor id, or a customer (hashed
 * shop customer id) with every visitor id (device) linked to it by a login.
 */
export type Subject = { customerId: string | null; visitorIds: string[] };

export async function resolveSubject(db: Db, id: string): Promise<Subject> {
  const links = await db
    .select()
    .from(identities)
    .where(or(eq(identities.customerId, id), eq(identities.visitorId, id)));
  const customerId =
    links.find((l) => l.customerId === id)?.customerId ?? links[0]?.customerId ?? null;
  if (!customerId) return { customerId: null, visitorIds: [id] };
  const visitorIds = links.filter((l) => l.customerId === customerId).map((l) => l.visitorId);
  // A visitor whose link was not flushed yet still belongs to the answer.
  if (id !== customerId && !visitorIds.includes(id)) visitorIds.push(id);
  return { customerId, visitorIds };
}

export type Touchpoint = TrackedEvent & { visitorId: string };

/**
 * The single customer view: the journey across all devices in time order (from the visitors'
 * Durable Objects, so the newest touchpoints are there before they reach Turso), profiles,
 * orders, consents and annotations from Turso.
 */
export async function singleCustomerView(env: Env, db: Db, subject: Subject, limit = 500) {
  const [journeys, profiles, records] = await Promise.all([
    Promise.all(subject.visitorIds.map((id) => visitorObject(env, id).touchpoints(limit))),
    Promise.all(subject.visitorIds.map((id) => readProfile(env.PROFILES, id))),
    readVisitorRecords(db, subject.visitorIds),
  ]);
  const timeline: Touchpoint[] = journeys
    .flatMap((events, i) => events.map((e) => ({ ...e, visitorId: subject.visitorIds[i]! })))
    .sort((a, b) => a.at - b.at);
  const notes = subject.customerId
    ? await db.select().from(annotations).where(eq(annotations.subjectId, subject.customerId))
    : [];
  return {
    subject,
    profiles: profiles.filter((p): p is Profile => p !== null),
    timeline: timeline.slice(-limit),
    sessions: records.sessions,
    orders: records.orders,
    consents: records.consents,
    exposures: records.exposures,
    annotations: [...records.annotations, ...notes].sort((a, b) => a.createdAt - b.createdAt),
  };
}

/** Everything held about the subject, from every store, as one JSON document. */
export async function exportSubject(env: Env, db: Db, subject: Subject) {
  const devices = await Promise.all(
    subject.visitorIds.map(async (id) => visitorObject(env, id).exportData()),
  );
  const profiles = await Promise.all(subject.visitorIds.map((id) => readProfile(env.PROFILES, id)));
  const notes = subject.customerId
    ? await db.select().from(annotations).where(eq(annotations.subjectId, subject.customerId))
    : [];
  return {
    exportedAt: new Date(clock.now()).toISOString(),
    subject,
    profiles,
    devices,
    customerAnnotations: notes,
  };
}

/**
 * Erases the subject from every store: each visitor's Durable Object erases its own storage,
 * Turso rows and KV profile (retrying by itself while Turso is down); the customer record goes
 * last. `pending` lists visitors whose erasure will complete when Turso is reachable again.
 */
export async function eraseSubject(env: Env, db: Db, subject: Subject) {
  const results = await Promise.all(
    subject.visitorIds.map((id) => visitorObject(env, id).erase(id)),
  );
  const pending = subject.visitorIds.filter((_, i) => results[i]!.status === "pending");
  let rows = results.reduce((n, r) => n + r.rows, 0);
  if (subject.customerId) rows += await eraseVisitorRecords(db, [], subject.customerId);
  return { status: pending.length ? "pending" : "erased", rows, pending } as const;
}
