import { parseConfig, type PersonalizationConfig } from "../decide/index.ts";
import { IsolateMemo } from "../personalize/memo.ts";

/** KV layout: immutable versions plus one pointer, so a publish or rollback is one write. */
export { CONFIG_POINTER, configKey } from "../kv-keys.ts";
import { CONFIG_POINTER, configKey } from "../kv-keys.ts";

export type ActiveConfig = { version: number; config: PersonalizationConfig };

const pointer = new IsolateMemo<string | null>(5_000);
let current: ActiveConfig | null = null;
// A version that failed validation is not fetched and parsed again every few seconds.
let rejected: number | null = null;

/**
 * The active personalization config, parsed and validated once per version and isolate.
 * A version that is missing or fails validation is not used: the last good one stays active
 * (null only if there never was one).
 */
export async function loadActiveConfig(kv: KVNamespace): Promise<ActiveConfig | null> {
  let version: number;
  let text: string | null;
  try {
    const raw = await pointer.get(() => kv.get(CONFIG_POINTER));
    version = Number(raw);
    if (!raw || !Number.isInteger(version)) return current;
    if (current?.version === version || rejected === version) return current;
    text = await kv.get(configKey(version));
  } catch (err) {
    // KV unreachable: the config this isolate already has is still the best one, and a read
    // error says nothing about the new version (it is tried again next time).
    if (current) return current;
    throw err;
  }
  const parsed = parseConfig(parseJson(text));
  if (!parsed.ok) {
    rejected = version;
    console.error(
      JSON.stringify({ msg: "active config is invalid; keeping the last good one", version }),
    );
    return current;
  }
  current = { version, config: parsed.config };
  return current;
}

/**
 * The active config when this isolate knows it is current (pointer read within the last few
 * seconds), with no I/O: the hot path then decides at once which lookups the page needs.
 * Undefined when only loadActiveConfig can tell.
 */
export function peekActiveConfig(): ActiveConfig | null | undefined {
  const fresh = pointer.peek();
  if (!fresh) return undefined;
  const version = Number(fresh.data);
  if (!fresh.data || !Number.isInteger(version)) return current;
  return current?.version === version || rejected === version ? current : undefined;
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** After a publish or rollback in this isolate, read the pointer again at once. */
export function forgetActiveConfig(): void {
  pointer.clear();
}
