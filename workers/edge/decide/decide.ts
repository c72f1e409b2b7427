import type { PageType } from "../model/context.ts";
import { assignArm, inHoldout, type ArmAssignment } from "./bucketing.ts";
import type {
  ExperimentConfig,
  PersonalizationConfig,
  SlotAction,
  VariantConfig,
} from "./config-schema.ts";
import { PAGE_TYPES } from "./fields.ts";
import {
  compileRule,
  createFacts,
  type CompiledRule,
  type DecisionInput,
  type Facts,
} from "./targeting.ts";

/** The pseudo-experiment that compares personalized visitors with the global holdout. */
export const HOLDOUT_EXPERIMENT = "__holdout";

export type ItemsSpec = NonNullable<VariantConfig["items"]>;

/** What to do at one slot of this page; `render.ts` turns it into HTML. */
export type SlotDecision = {
  slotId: string;
  action: SlotAction;
  /** The attribute a setAttribute slot sets, else null. */
  attribute: string | null;
  variantId: string;
  /** Why, for `data-vt-reason`: e.g. `profile.topMode=methodical | checkout-discount:ten`. */
  reason: string;
  /** The product list the caller resolves before rendering, if the variant shows one. */
  items: ItemsSpec | null;
  experiment: { id: string; arm: string } | null;
};

export type Exposure = { experimentId: string; arm: string };

/**
 * - `disabled`: the kill switch is off.
 * - `holdout`: the visitor is in the global holdout.
 * - `no_consent`: request-only personalization (context and time; no id, profile or session).
 * - `anonymous`: consent but no visitor id yet: no holdout or experiments.
 * - `ok`: full personalization.
 */
export type DecisionReason = "disabled" | "holdout" | "no_consent" | "anonymous" | "ok";

export type PageDecision = {
  personalized: boolean;
  reason: DecisionReason;
  holdout: boolean;
  /** The id the decision used: null without consent, so nothing may be stored or tagged. */
  visitorId: string | null;
  slots: SlotDecision[];
  /** For metrics; always empty for bots. */
  exposures: Exposure[];
};

type CompiledVariant = {
  id: string;
  rule: CompiledRule;
  /** `slot:variant`, the key of `session.impressions`. */
  capKey: string;
  cap: number | null;
  experimentId: string | null;
  experiment: ExperimentConfig | null;
  items: ItemsSpec | null;
};

type CompiledSlot = {
  id: string;
  action: SlotAction;
  attribute: string | null;
  /** Highest priority first, ties by id: the first eligible one wins. */
  candidates: CompiledVariant[];
};

type CompiledConfig = {
  byPage: Record<PageType, CompiledSlot[]>;
  variants: Map<string, CompiledVariant>;
  /** Each slot's candidate variant ids, in the order they are considered. */
  order: Map<string, string[]>;
};

// Keyed by the config object: the Worker keeps one parsed config per published version, so
// compilation happens once per version and isolate, never per request.
const compiledConfigs = new WeakMap<PersonalizationConfig, CompiledConfig>();

function compileConfig(config: PersonalizationConfig): CompiledConfig {
  const cached = compiledConfigs.get(config);
  if (cached) return cached;
  const variants = new Map<string, CompiledVariant>();
  const bySlot = new Map<string, CompiledVariant[]>();
  const ids = Object.keys(config.variants).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const id of ids) {
    const v = config.variants[id]!;
    const compiled: CompiledVariant = {
      id,
      rule: compileRule(v.when),
      capKey: `${v.slot}:${id}`,
      cap: v.frequencyCap?.perSession ?? null,
      experimentId: v.experiment ?? null,
      experiment: v.experiment ? (config.experiments[v.experiment] ?? null) : null,
      items: v.items ?? null,
    };
    variants.set(id, compiled);
    const list = bySlot.get(v.slot) ?? [];
    list.push(compiled);
    bySlot.set(v.slot, list);
  }
  const slots: (CompiledSlot & { pageTypes: readonly PageType[] | undefined })[] = [];
  for (const [id, slot] of Object.entries(config.slots)) {
    const candidates = (bySlot.get(id) ?? []).sort(
      (a, b) => config.variants[b.id]!.priority - config.variants[a.id]!.priority,
    );
    if (!candidates.length) continue;
    slots.push({
      id,
      action: slot.action,
      attribute: slot.attribute ?? null,
      candidates,
      pageTypes: slot.pageTypes,
    });
  }
  const byPage = Object.fromEntries(
    PAGE_TYPES.map((page) => [
      page,
      slots
        .filter((s) => !s.pageTypes || s.pageTypes.includes(page))
        .map(({ pageTypes: _, ...s }) => s),
    ]),
  ) as Record<PageType, CompiledSlot[]>;
  const order = new Map(slots.map((s) => [s.id, s.candidates.map((v) => v.id)]));
  const result = { byPage, variants, order };
  compiledConfigs.set(config, result);
  return result;
}

/**
 * What happened to one candidate variant while a slot was decided, as the engine saw it. Only
 * produced when a caller traces the decision (decide/explain.ts); real traffic passes no tracer.
 * Candidates the loop never reached lost to a higher-priority one.
 */
export type CandidateOutcome =
  | { kind: "won"; reason: string; experiment: SlotDecision["experiment"] }
  /** Its rule reads profile or session data and the visitor gave no personalization consent. */
  | { kind: "needs_consent" }
  | { kind: "capped"; shown: number; cap: number }
  | { kind: "not_matched"; facts: Facts }
  | { kind: "experiment_not_running"; experimentId: string; status: string | null }
  /** Experiments need a visitor id to bucket on (consent and an id). */
  | { kind: "no_visitor_id"; experimentId: string }
  | { kind: "outside_allocation"; experimentId: string }
  /** The visitor's arm shows another variant, or nothing (`shows` null), or its variant is capped. */
  | {
      kind: "experiment_arm";
      experimentId: string;
      arm: string;
      shows: string | null;
      armCapped: boolean;
    };

/** Receives each candidate's outcome, in the order the engine considers them. */
export type DecisionTracer = (slotId: string, variantId: string, outcome: CandidateOutcome) => void;

/**
 * Decides every slot of one page for one visitor. Pure and cheap: compiled rules, one hash
 * for the holdout and one or two per experiment the page touches.
 *
 * Per slot, the eligible variant with the highest priority wins. Eligible: its rule matches,
 * its frequency cap is not reached and, without consent, its rule reads request data only.
 * A variant of a running experiment is eligible only for visitors in the experiment; their arm
 * then decides what is shown (control: nothing, the exposure is still recorded).
 */
export function decide(config: PersonalizationConfig, input: DecisionInput): PageDecision {
  return decideTraced(config, input, null);
}

/**
 * `decide`, reporting every candidate it considers to `trace`: the one path real traffic and
 * the persona preview's explanations share (see explain.ts).
 */
export function decideTraced(
  config: PersonalizationConfig,
  input: DecisionInput,
  trace: DecisionTracer | null,
): PageDecision {
  const consented = input.consent.personalization;
  const visitorId = consented ? input.visitorId : null;
  if (!config.enabled) {
    return {
      personalized: false,
      reason: "disabled",
      holdout: false,
      visitorId,
      slots: [],
      exposures: [],
    };
  }
  const isBot = input.context.isBot;
  const exposures: Exposure[] = [];
  if (visitorId !== null) {
    if (inHoldout(visitorId, config.holdout)) {
      return {
        personalized: false,
        reason: "holdout",
        holdout: true,
        visitorId,
        slots: [],
        exposures: isBot ? [] : [{ experimentId: HOLDOUT_EXPERIMENT, arm: "holdout" }],
      };
    }
    exposures.push({ experimentId: HOLDOUT_EXPERIMENT, arm: "personalized" });
  }

  const compiled = compileConfig(config);
  // Without consent stored data is never read, even if the caller passed it.
  const facts = createFacts(
    consented ? input : { ...input, visitorId: null, profile: null, session: null },
  );
  const impressions = consented ? input.session?.impressions : undefined;
  const shownCount = (v: CompiledVariant) => impressions?.[v.capKey] ?? 0;
  const capped = (v: CompiledVariant) => v.cap !== null && shownCount(v) >= v.cap;
  const slots: SlotDecision[] = [];

  for (const slot of compiled.byPage[input.context.pageType] ?? []) {
    for (const v of slot.candidates) {
      if (!consented && !v.rule.requestOnly) {
        trace?.(slot.id, v.id, { kind: "needs_consent" });
        continue;
      }
      if (v.experimentId === null) {
        if (capped(v)) {
          trace?.(slot.id, v.id, { kind: "capped", shown: shownCount(v), cap: v.cap! });
          continue;
        }
        if (!v.rule.test(facts)) {
          trace?.(slot.id, v.id, { kind: "not_matched", facts });
          continue;
        }
        const reason = v.rule.explain(facts);
        slots.push(slotDecision(slot, v, reason, null));
        trace?.(slot.id, v.id, { kind: "won", reason, experiment: null });
        break;
      }
      if (v.experiment?.status !== "running") {
        const status = v.experiment?.status ?? null;
        trace?.(slot.id, v.id, {
          kind: "experiment_not_running",
          experimentId: v.experimentId,
          status,
        });
        continue;
      }
      if (visitorId === null) {
        trace?.(slot.id, v.id, { kind: "no_visitor_id", experimentId: v.experimentId });
        continue;
      }
      if (!v.rule.test(facts)) {
        trace?.(slot.id, v.id, { kind: "not_matched", facts });
        continue;
      }
      const arm: ArmAssignment | null = assignArm(visitorId, v.experimentId, v.experiment);
      // Outside the allocation: the visitor is not in the experiment; lower variants may apply.
      if (!arm) {
        trace?.(slot.id, v.id, { kind: "outside_allocation", experimentId: v.experimentId });
        continue;
      }
      exposures.push({ experimentId: v.experimentId, arm: arm.id });
      const shown = arm.variant === null ? undefined : compiled.variants.get(arm.variant);
      const experiment = { id: v.experimentId, arm: arm.id };
      // Control, or the arm's own cap reached: the slot stays as the shop rendered it.
      if (shown && !capped(shown)) {
        const reason = `${v.rule.explain(facts)} | ${v.experimentId}:${arm.id}`;
        slots.push(slotDecision(slot, shown, reason, experiment));
        trace?.(slot.id, shown.id, { kind: "won", reason, experiment });
      }
      if (trace && (shown?.id !== v.id || capped(shown)))
        trace(slot.id, v.id, {
          kind: "experiment_arm",
          experimentId: v.experimentId,
          arm: arm.id,
          shows: shown?.id ?? null,
          armCapped: !!shown && capped(shown),
        });
      break;
    }
  }

  return {
    personalized: true,
    reason: !consented ? "no_consent" : visitorId === null ? "anonymous" : "ok",
    holdout: false,
    visitorId,
    slots,
    exposures: isBot ? [] : exposures,
  };
}

function slotDecision(
  slot: CompiledSlot,
  v: CompiledVariant,
  reason: string,
  experiment: SlotDecision["experiment"],
): SlotDecision {
  return {
    slotId: slot.id,
    action: slot.action,
    attribute: slot.attribute,
    variantId: v.id,
    reason,
    items: v.items,
    experiment,
  };
}

/** Each slot's candidate variant ids in the order `decide` considers them (highest priority first). */
export function candidateOrder(
  config: PersonalizationConfig,
): ReadonlyMap<string, readonly string[]> {
  return compileConfig(config).order;
}

/** Every slot's selector: HTMLRewriter needs them before the page (and its type) is known. */
export function slotSelectors(
  config: PersonalizationConfig,
): { slotId: string; selector: string }[] {
  return Object.entries(config.slots).map(([slotId, s]) => ({ slotId, selector: s.selector }));
}
