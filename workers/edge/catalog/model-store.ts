import { IsolateMemo } from "../personalize/memo.ts";
import { RANKINGS_POINTER, rankingsKey } from "../scheduled/publish-rankings.ts";
import type { MerchModel } from "./lists.ts";

// The pointer is re-read every few seconds; a model version is parsed once per isolate.
const pointer = new IsolateMemo<string | null>(5_000);
let loaded: { version: string; model: MerchModel } | null = null;

/**
 * The published merchandising model, cached in the isolate by version. A missing or corrupt
 * model yields null (modules that need products are then skipped), never an error.
 */
export async function loadMerchModel(kv: KVNamespace): Promise<MerchModel | null> {
  const version = await pointer.get(() => kv.get(RANKINGS_POINTER));
  if (!version) return null;
  if (loaded?.version === version) return loaded.model;
  const model = await kv.get<MerchModel>(rankingsKey(version), "json").catch(() => null);
  if (!model || typeof model.items !== "object" || !Array.isArray(model.bestsellers)) return null;
  loaded = { version, model };
  return model;
}

/** For tests and admin actions that just published a model. */
export function forgetMerchModel(): void {
  pointer.clear();
  loaded = null;
}
