/**
 * The decision engine: pure functions from a validated configuration and what is known about
 * one request to what each slot of the page shows, and the safe HTML for it.
 */
export { assignArm, bucket, inHoldout, murmur3 } from "./bucketing.ts";
export {
  ConfigSchema,
  parseConfig,
  type Condition,
  type ExperimentConfig,
  type ParseResult,
  type PersonalizationConfig,
  type Rule,
  type SlotConfig,
  type VariantConfig,
} from "./config-schema.ts";
export {
  decide,
  HOLDOUT_EXPERIMENT,
  slotSelectors,
  type DecisionReason,
  type Exposure,
  type ItemsSpec,
  type PageDecision,
  type SlotDecision,
} from "./decide.ts";
export { FIELDS, type FieldName } from "./fields.ts";
export { configJsonSchema } from "./json-schema.ts";
export {
  buildView,
  productCard,
  renderAttribute,
  renderPage,
  renderSlot,
  renderTemplate,
  type ProductCard,
  type ProductSource,
  type RenderedSlot,
  type RenderInput,
  type TemplateView,
} from "./render.ts";
export { compileRule, evaluateRule, type DecisionInput } from "./targeting.ts";
