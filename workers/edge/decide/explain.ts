import type { Condition, PersonalizationConfig, Rule } from "./config-schema.ts";
import {
  candidateOrder,
  decideTraced,
  type CandidateOutcome,
  type DecisionReason,
  type PageDecision,
  type SlotDecision,
} from "./decide.ts";
import { fieldSpec, type FieldType } from "./fields.ts";
import { compileRule, fieldValue, type DecisionInput, type Facts } from "./targeting.ts";

/** What became of one candidate variant of a slot. */
export const EXPLAIN_OUTCOMES = [
  "won",
  "rule_not_matched",
  "lower_priority",
  "frequency_cap",
  "no_consent",
  "experiment_not_running",
  "experiment_no_id",
  "experiment_outside_allocation",
  "experiment_arm",
  "holdout",
  "disabled",
  "not_on_page",
] as const;
export type ExplainOutcome = (typeof EXPLAIN_OUTCOMES)[number];

export type CandidateExplanation = {
  variant: string;
  priority: number;
  outcome: ExplainOutcome;
  /** In words, e.g. `device is desktop, rule wants mobile`. */
  reason: string;
};

export type SlotExplanation = {
  slot: string;
  /** The variant the slot shows, or null when it stays as the shop rendered it. */
  winner: string | null;
  experiment: SlotDecision["experiment"];
  /** Candidates in the order the engine considers them, highest priority first. */
  candidates: CandidateExplanation[];
};

export type DecisionExplanation = {
  reason: DecisionReason;
  decision: PageDecision;
  slots: SlotExplanation[];
};

/**
 * `decide` with its reasons: the same decision (one code path, see decideTraced) and, per slot
 * of the config, the winner and why every candidate won or lost. Pure; for previews and the
 * editor, never for real traffic (it allocates per candidate).
 */
export function explainDecision(
  config: PersonalizationConfig,
  input: DecisionInput,
): DecisionExplanation {
  const traced = new Map<string, Map<string, CandidateOutcome>>();
  const decision = decideTraced(config, input, (slot, variant, outcome) => {
    let bySlot = traced.get(slot);
    if (!bySlot) traced.set(slot, (bySlot = new Map()));
    bySlot.set(variant, outcome);
  });
  const pageType = input.context.pageType;
  const slots: SlotExplanation[] = [];
  for (const [slotId, order] of candidateOrder(config)) {
    const pageTypes = config.slots[slotId]?.pageTypes;
    const onPage = !pageTypes || pageTypes.includes(pageType);
    const won = decision.slots.find((s) => s.slotId === slotId) ?? null;
    const seen = traced.get(slotId) ?? new Map<string, CandidateOutcome>();
    // What ended the loop: an experiment's arm (whatever variant it shows), else the winner.
    const decider =
      [...seen].find(([, o]) => o.kind === "experiment_arm") ??
      [...seen].find(([, o]) => o.kind === "won");
    const candidates = order.map((variant): CandidateExplanation => {
      const priority = config.variants[variant]?.priority ?? 0;
      const at = (outcome: ExplainOutcome, reason: string) => ({
        variant,
        priority,
        outcome,
        reason,
      });
      if (!onPage)
        return at(
          "not_on_page",
          `slot is only on ${pageTypes!.join(", ")} pages; this is a ${pageType} page`,
        );
      if (decision.reason === "disabled")
        return at("disabled", "personalization is switched off (config enabled: false)");
      if (decision.reason === "holdout")
        return at(
          "holdout",
          `visitor ${decision.visitorId} is in the global holdout (${config.holdout.percent}%): nothing is personalized`,
        );
      const outcome = seen.get(variant);
      if (outcome) return at(...describe(outcome, config.variants[variant]?.when));
      if (!decider) return at("lower_priority", "not considered");
      const [by, how] = decider;
      if (how.kind === "experiment_arm")
        return at(
          "lower_priority",
          `not considered: experiment ${how.experimentId} decided the slot first (arm ${how.arm})`,
        );
      const byPriority = config.variants[by]?.priority ?? 0;
      const alsoMatches = compileRule(config.variants[variant]?.when).test(factsOf(seen, input));
      return at(
        "lower_priority",
        `priority ${priority} is below ${by}'s ${byPriority}` +
          (alsoMatches ? " (its rule matches too)" : ""),
      );
    });
    slots.push({
      slot: slotId,
      winner: won?.variantId ?? null,
      experiment: won?.experiment ?? null,
      candidates,
    });
  }
  return { reason: decision.reason, decision, slots };
}

/** The facts the engine decided on (consent-filtered), from a traced rule miss if any. */
function factsOf(seen: Map<string, CandidateOutcome>, input: DecisionInput): Facts {
  for (const o of seen.values()) if (o.kind === "not_matched") return o.facts;
  const consented = input.consent.personalization;
  return {
    context: input.context,
    consent: input.consent,
    profile: consented ? input.profile : null,
    session: consented ? input.session : null,
    local: null,
  };
}

function describe(o: CandidateOutcome, rule: Rule | undefined): [ExplainOutcome, string] {
  switch (o.kind) {
    case "won":
      return [
        "won",
        `rule matched: ${o.reason.split(" | ")[0]}` +
          (o.experiment ? `; experiment ${o.experiment.id}, arm ${o.experiment.arm}` : ""),
      ];
    case "not_matched":
      return ["rule_not_matched", rule ? whyNot(rule, o.facts) : "rule did not match"];
    case "capped":
      return [
        "frequency_cap",
        `frequency cap reached: shown ${o.shown} time${o.shown === 1 ? "" : "s"} this session, cap ${o.cap}`,
      ];
    case "needs_consent":
      return [
        "no_consent",
        "no personalization consent, and its rule reads profile or session data",
      ];
    case "experiment_not_running":
      return [
        "experiment_not_running",
        o.status === null
          ? `experiment ${o.experimentId} is not defined`
          : `experiment ${o.experimentId} is ${o.status}, not running`,
      ];
    case "no_visitor_id":
      return [
        "experiment_no_id",
        `experiment ${o.experimentId} needs a visitor id (consent and a visitor cookie)`,
      ];
    case "outside_allocation":
      return [
        "experiment_outside_allocation",
        `visitor is outside experiment ${o.experimentId}'s allocation`,
      ];
    case "experiment_arm":
      return [
        "experiment_arm",
        o.shows === null
          ? `experiment ${o.experimentId} put the visitor in arm ${o.arm}, the control: the slot keeps the shop's content`
          : o.armCapped
            ? `experiment ${o.experimentId} put the visitor in arm ${o.arm}, whose variant ${o.shows} reached its frequency cap`
            : `experiment ${o.experimentId} put the visitor in arm ${o.arm}, which shows ${o.shows}`,
      ];
  }
}

/** The first condition of `rule` that fails on `f`, in words. */
export function whyNot(rule: Rule, f: Facts): string {
  if ("all" in rule) {
    const failing = rule.all.find((r) => !compileRule(r).test(f));
    return failing ? whyNot(failing, f) : "all conditions hold";
  }
  if ("any" in rule) {
    if (rule.any.length === 0) return "an empty any-group matches nothing";
    return `none of: ${rule.any.map((r) => whyNot(r, f)).join("; ")}`;
  }
  if ("not" in rule) return `${compileRule(rule.not).text} holds, rule wants it not to`;
  return conditionMiss(rule, f);
}

function conditionMiss(c: Condition, f: Facts): string {
  const type = fieldSpec(c.field).type;
  const v = fieldValue(c.field, f);
  const name = label(c.field);
  const actual = v == null ? "unknown" : show(v);
  if (c.op === "exists")
    return c.value === false
      ? `${name} is ${actual}, rule wants it absent`
      : `${name} is unknown, rule wants it present`;
  return `${name} is ${actual}, rule wants ${wanted(c, type)}`;
}

function wanted(c: Condition, type: FieldType): string {
  const value = show(c.value);
  switch (c.op) {
    case "eq":
      return value;
    case "neq":
      return `anything but ${value}`;
    case "in":
      return type === "set" ? `any of ${value}` : `one of ${value}`;
    case "nin":
      return `none of ${value}`;
    case "gt":
      return `more than ${value}`;
    case "gte":
      return `at least ${value}`;
    case "lt":
      return `less than ${value}`;
    case "lte":
      return `at most ${value}`;
    case "contains":
      return type === "set" ? `it to include ${value}` : `it to contain "${value}"`;
    default:
      return `${c.op} ${value}`;
  }
}

/** `context.device` -> `device`: the field's name without its source. */
const label = (field: string) => field.replace(/^(context|profile|session|time)\./, "");

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length ? `[${v.join(", ")}]` : "none";
  return String(v);
}
