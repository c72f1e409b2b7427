import { IsolateMemo } from "../personalize/memo.ts";
import type { RecoModel } from "../recommend/model.ts";
import { MODEL_POINTER, readModel } from "../scheduled/publish-model.ts";
import { RANKINGS_POINTER, rankingsKey } from "../scheduled/publish-rankings.ts";
import type { MerchModel } from "./lists.ts";
import * as clock from "../clock.ts";

// Pointers are re-read every few seconds; a version is fetched and decoded once per isolate.
const pointers = new IsolateMemo<[string | null, string | null]>(5_000);
let merch: { version: string; model: MerchModel } | null = null;
// A rankings version that is not a model is not fetched and parsed again on every request.
let rejected: string | null = null;
let reco: { version: string; model: RecoModel | null; ok: boolean; retryAt: number } | null = null;
let lastGoodReco: RecoModel | null = null;
// The rankings with the recommendation model attached, rebuilt only when either changes.
let combined: { from: MerchModel; model: MerchModel } | null = null;
const lastGood = () => combined?.model ?? merch?.model ?? null;

// A recommendation model that failed to load is retried after this long, not on every request.
const RETRY_MS = 60_000;

/**
 * The published merchandising model (rankings + product cards) with the recommendation model
 * attached as `reco`, each cached in the isolate by version. A missing or malformed rankings
 * model, or KV failing, keeps the last good one (null if there never was one); so does a
 * missing or corrupt recommendation model (`reco: null` when there was none: lists fall back
 * to popularity).
 */
export async function loadMerchModel(
  kv: KVNamespace,
  now = clock.now(),
): Promise<MerchModel | null> {
  let merchVersion: string | null;
  let recoVersion: string | null;
  let rankings: MerchModel | null;
  try {
    [merchVersion, recoVersion] = await pointers.get(() =>
      Promise.all([kv.get(RANKINGS_POINTER), kv.get(MODEL_POINTER)]),
    );
    if (!merchVersion) return lastGood();
    rankings =
      merch?.version === merchVersion || rejected === merchVersion
        ? (merch?.model ?? null)
        : await loadRankings(kv, merchVersion);
  } catch (err) {
    // KV unreachable: the model this isolate already has is still the best one.
    const fallback = lastGood();
    if (fallback) return fallback;
    throw err;
  }
  if (!rankings) return lastGood();
  if (merch?.model !== rankings) merch = { version: merchVersion, model: rankings };
  const r = recoVersion ? await loadReco(kv, recoVersion, now) : null;
  if (combined?.from !== rankings || combined.model.reco !== r)
    combined = { from: rankings, model: { ...rankings, reco: r } };
  return combined.model;
}

/** The rankings model of a version; a malformed one is remembered as rejected. */
async function loadRankings(kv: KVNamespace, version: string): Promise<MerchModel | null> {
  const model = parseModel(await kv.get(rankingsKey(version)));
  if (!model) {
    rejected = version;
    console.error(
      JSON.stringify({ msg: "model is malformed; keeping the last good one", version }),
    );
  }
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

/**
 * The recommendation model of `version`. One that is missing or fails to decode is logged and
 * the last good model of this isolate keeps serving (popularity when there never was one);
 * the version is tried again after RETRY_MS.
 */
async function loadReco(kv: KVNamespace, version: string, now: number): Promise<RecoModel | null> {
  if (reco?.version === version && (reco.ok || now < reco.retryAt)) return reco.model;
  let error: unknown = null;
  const model = await readModel(kv, version).catch((err: unknown) => ((error = err), null));
  if (model) lastGoodReco = model;
  else
    console.error(
      JSON.stringify({
        msg: "recommendation model unreadable; keeping the last good one",
        version,
        lastGood: lastGoodReco?.version ?? null,
        error: error === null ? "missing or damaged" : String(error),
      }),
    );
  reco = { version, model: model ?? lastGoodReco, ok: model !== null, retryAt: now + RETRY_MS };
  return reco.model;
}

/**
 * For tests and admin actions that just published or rolled back: read the pointers again at
 * once. The last good rankings stay as the fallback.
 */
export function forgetMerchModel(): void {
  pointers.clear();
  reco = null;
  lastGoodReco = null;
  combined = null;
}
