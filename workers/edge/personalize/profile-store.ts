import type { Profile } from "../model/profile.ts";

/** KV key of a visitor's hot profile copy (written by their Durable Object). */
export const profileKey = (visitorId: string) => `profile:${visitorId}`;

/** Reads the hot profile; an unknown visitor or an unreadable value is simply no profile. */
export async function readProfile(kv: KVNamespace, visitorId: string): Promise<Profile | null> {
  const value = await kv.get<Profile>(profileKey(visitorId), "json");
  return value && value.v === 1 ? value : null;
}
