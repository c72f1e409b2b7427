/**
 * The profile builder: folds a visitor's touchpoints into a small, serializable state and
 * reads the KV profile from it. Pure functions only; the visitor's Durable Object owns the
 * storage (state in its storage, profile in KV).
 */
export {
  buildProfile,
  DEFAULT_PROFILE_OPTIONS,
  giftScore,
  nextRefreshAt,
  SEGMENTS,
  toProfile,
  type ProfileOptions,
  type Segment,
} from "./build.ts";
export { AFFINITY_WEIGHTS, foldEvent, foldEvents, PRICE_WEIGHTS } from "./fold.ts";
export { HALF_LIFE } from "./decay.ts";
export { MODE_RULES, readModes, type ModeReading, type ModeRules } from "./modes.ts";
export { lookupFromItems, noProducts, type ProductFacts, type ProductLookup } from "./products.ts";
export { SIGNALS, type SignalId } from "./signals.ts";
export { CAPS, emptyProfileState, type ProfileState } from "./state.ts";
export { LIFECYCLE_RULES, RFM_RULES, lifecycleOf, rfmOf, valueTierOf } from "./value.ts";
