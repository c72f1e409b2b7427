/**
 * The profile builder: folds a visitor's touchpoints into a small, serializable state and
 * reads the KV profile from it. Pure functions only; the visitor's Durable Object owns the
 * storage. Intended use there:
 *
 *   const products = lookupFromItems(model.items, model.bestsellersByCategory);
 *   state = foldEvents(state ?? emptyProfileState(visitorId), newlyStoredEvents, products);
 *   // store `state` with the touchpoints, then (rate-limited, one KV write per second):
 *   await kv.put(profileKey(visitorId), JSON.stringify(toProfile(state, now)));
 *   // and rewrite it when time alone changes it:
 *   const at = nextRefreshAt(state, now); // alarm
 *
 * `buildProfile(events, products, now, visitorId)` rebuilds from stored touchpoints alone.
 */
export {
  buildProfile,
  DEFAULT_PROFILE_OPTIONS,
  giftScore,
  nextRefreshAt,
  SEGMENTS,
  toProfile,
  WATCH_MIN_VISITS,
  type ProfileOptions,
  type Segment,
} from "./build.ts";
export { HALF_LIFE } from "./decay.ts";
export { AFFINITY_WEIGHTS, foldEvent, foldEvents, PRICE_WEIGHTS } from "./fold.ts";
export { MODE_RULES, readModes, type ModeReading, type ModeRules } from "./modes.ts";
export { lookupFromItems, noProducts, type ProductFacts, type ProductLookup } from "./products.ts";
export { SESSION_TIMEOUT, VISIT } from "./sessions.ts";
export { SIGNALS, type SignalId } from "./signals.ts";
export { CAPS, emptyProfileState, type ProfileState } from "./state.ts";
export {
  LIFECYCLE_RULES,
  lifecycleOf,
  nextLifecycleChange,
  RFM_RULES,
  rfmOf,
  valueTierOf,
} from "./value.ts";
