import { IsolateMemo } from "../personalize/memo.ts";
import { RANKINGS_POINTER, rankingsKey } from "../scheduled/publish-rankings.ts";
import type { MerchModel } from "./lists.ts";

// The pointer is re-read every few seconds; a model version is parsed once per isolate.
const pointer = new IsolateMemo<string | null>(5_000);
let loaded: { version: string; model: MerchModel } | null = null;
// A version that is not a model is not fetched and parsed again on every request.
let rejected: string | null = null;

/**
 * The published merchandising model, cached in the isolate by version. A missing or corrupt
 * model, or KV failing, keeps the last good one (null if there never was one), never an error.
 */
export async function loadMerchModel(kv: KVNamespace): Promise<MerchModel | null> {
  const lastGood = loaded?.model ?? null;
  let version: string | null;
  let text: string | null;
  try {
    version = await pointer.get(() => kv.get(RANKINGS_POINTER));
    if (!version) return lastGood;
    if (loaded?.version === version || rejected === version) return lastGood;
    text = await kv.get(rankingsKey(version));
  } catch (err) {
    if (lastGood) return lastGood;
    throw err;
  }
  const model = parseModel(text);
  if (!model) {
    rejected = version;
    console.error(
      JSON.stringify({ msg: "model is malformed; keeping the last good one", version }),
    );
    return lastGood;
  }
  loaded = { version, model };
  return model;
}

function parseModel(text: string | null): MerchModel | null {
  try {
    const model = text === null ? null : (JSON.parse(text) as MerchModel | null);
    const ok =
      model !== null &&
      typeof model === "object" &&
      typeof model.items === "object" &&
      model.items !== null &&
      !Array.isArray(model.items) &&
      Array.isArray(model.bestsellers);
    return ok ? model : null;
  } catch {
    return null;
  }
}

/** For tests and admin actions that just published a model: read the pointer again at once. */
export function forgetMerchModel(): void {
  pointer.clear();
}
