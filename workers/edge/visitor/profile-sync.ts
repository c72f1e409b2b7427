import { eq } from "drizzle-orm";
import { identities } from "../../../schema/index.ts";
import { loadMerchModel } from "../catalog/model-store.ts";
import type { Db } from "../db/client.ts";
import type { TrackedEvent } from "../model/events.ts";
import type { Profile } from "../model/profile.ts";
import { profileKey } from "../personalize/profile-store.ts";
import { lookupFromItems, noProducts, type ProductLookup } from "../profile/index.ts";
import { visitorObject } from "./stub.ts";

/** Workers KV accepts one write per second per key; profiles are written at most this often. */
export const PROFILE_MIN_INTERVAL_MS = 1_000;
/** A profile nobody refreshes for this long (the visitor's cookie lifetime) leaves KV by itself. */
const PROFILE_TTL_S = 400 * 24 * 3600;
/** Touchpoints per device read for a customer's merged profile. */
const MERGE_LIMIT = 5_000;

/** Product facts for the builder from the published model; none (events only) without one. */
export async function productLookup(models: KVNamespace): Promise<ProductLookup> {
  const model = await loadMerchModel(models);
  return model ? lookupFromItems(model.items, model.bestsellersByCategory) : noProducts;
}

/** The other visitor ids (devices) linked to a customer by a login. */
export async function linkedVisitors(db: Db, customerId: string, self: string): Promise<string[]> {
  const rows = await db.select().from(identities).where(eq(identities.customerId, customerId));
  return rows.map((r) => r.visitorId).filter((id) => id !== self);
}

/**
 * A customer's touchpoints across devices in time order, each real-world event once: ids are
 * random per event, except those derived from the shop's own ids (`purchase-<order>`,
 * `login-<customer>`), which two devices can both report for the same order or login.
 */
export async function customerTouchpoints(
  env: Env,
  others: string[],
  own: TrackedEvent[],
): Promise<TrackedEvent[]> {
  const theirs = await Promise.all(
    others.map((id) => visitorObject(env, id).touchpoints(MERGE_LIMIT)),
  );
  const byId = new Map<string, TrackedEvent>();
  for (const e of [own, ...theirs].flat()) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.at - b.at);
}

export function writeProfile(kv: KVNamespace, profile: Profile): Promise<void> {
  return kv.put(profileKey(profile.visitorId), JSON.stringify(profile), {
    expirationTtl: PROFILE_TTL_S,
  });
}
