import { loadActiveConfig } from "../config/config-store.ts";
import type { ConsentConfig } from "../decide/config-schema.ts";

/**
 * Where consent comes from under the active config (its `consent` block), for the APIs that
 * resolve consent outside a page visit. Undefined (Vitrine's banner) when no config can be read:
 * nothing is personalized without a config anyway.
 */
export async function activeConsentConfig(env: Env): Promise<ConsentConfig | undefined> {
  const active = await loadActiveConfig(env.CONFIG).catch(() => null);
  return active?.config.consent;
}
