import type { Profile } from "../model/profile.ts";

/** KV key of a visitor's hot profile copy (written by their Durable Object). */
export { profileKey } from "../kv-keys.ts";
import { profileKey } from "../kv-keys.ts";

/** Reads the hot profile; an unknown visitor or an unreadable value is simply no profile. */
export async function readProfile(kv: KVNamespace, visitorId: string): Promise<Profile | null> {
  const value = await kv.get<Profile>(profileKey(visitorId), "json");
  return value && value.v === 1 ? value : null;
}
