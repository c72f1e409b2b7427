import { IsolateMemo } from "../personalize/memo.ts";
import type { RecoModel } from "../recommend/model.ts";
import { MODEL_POINTER, readModel } from "../scheduled/publish-model.ts";
import { RANKINGS_POINTER, rankingsKey } from "../scheduled/publish-rankings.ts";
import type { MerchModel } from "./lists.ts";

// Pointers are re-read every few seconds; a version is fetched and decoded once per isolate.
const pointers = new IsolateMemo<[string | null, string | null]>(5_000);
let merch: { version: string; model: MerchModel } | null = null;
let reco: { version: string; model: RecoModel | null; retryAt: number } | null = null;
let combined: MerchModel | null = null;

// A recommendation model that failed to load is retried after this long, not on every request.
const RETRY_MS = 60_000;

/**
 * The published merchandising model (rankings + product cards) with the recommendation model
 * attached as `reco`, each cached in the isolate by version. A missing or corrupt rankings
 * model yields null (modules that need products are skipped); a missing or corrupt
 * recommendation model yields `reco: null` (lists fall back to popularity). Never an error.
 */
export async function loadMerchModel(
  kv: KVNamespace,
  now = Date.now(),
): Promise<MerchModel | null> {
  const [merchVersion, recoVersion] = await pointers.get(() =>
    Promise.all([kv.get(RANKINGS_POINTER), kv.get(MODEL_POINTER)]).catch(
      () => [null, null] as [null, null],
    ),
  );
  if (!merchVersion) return null;
  const [m, r] = await Promise.all([
    merch?.version === merchVersion ? merch.model : loadRankings(kv, merchVersion),
    recoVersion ? loadReco(kv, recoVersion, now) : null,
  ]);
  if (!m) return null;
  if (merch?.model !== m) merch = { version: merchVersion, model: m };
  if (!combined || combined.version !== m.version || combined.reco !== r)
    combined = { ...m, reco: r };
  return combined;
}

async function loadRankings(kv: KVNamespace, version: string): Promise<MerchModel | null> {
  const model = await kv.get<MerchModel>(rankingsKey(version), "json").catch(() => null);
  if (!model || typeof model.items !== "object" || !Array.isArray(model.bestsellers)) return null;
  return model;
}

async function loadReco(kv: KVNamespace, version: string, now: number): Promise<RecoModel | null> {
  if (reco?.version === version && (reco.model || now < reco.retryAt)) return reco.model;
  const model = await readModel(kv, version);
  reco = { version, model, retryAt: now + RETRY_MS };
  return model;
}

/** For tests and admin actions that just published a model. */
export function forgetMerchModel(): void {
  pointers.clear();
  merch = null;
  reco = null;
  combined = null;
}
