import type { Consent, RequestContext } from "../model/context.ts";
import { BUYER_MODES, type Profile, type SessionState } from "../model/profile.ts";
import type { Condition, Rule } from "./config-schema.ts";
import { fieldSpec, parseDateValue, type DateValue, type FieldName } from "./fields.ts";

/** Everything a decision may look at. Profile and session are null when unknown or not allowed. */
export type DecisionInput = {
  context: RequestContext;
  consent: Consent;
  visitorId: string | null;
  profile: Profile | null;
  session: SessionState | null;
};

/**
 * Per-request facts rules read. Built once per decision; the visitor's local date and weekday
 * are derived lazily, only if a rule asks.
 */
export type Facts = {
  context: RequestContext;
  consent: Consent;
  profile: Profile | null;
  session: SessionState | null;
  local: { date: string; dayOfWeek: number } | null;
};

export function createFacts(input: DecisionInput): Facts {
  return {
    context: input.context,
    consent: input.consent,
    profile: input.profile,
    session: input.session,
    local: null,
  };
}

const HOUR = 3_600_000;

/**
 * The visitor's local calendar date and ISO weekday (1 = Monday). The context carries only the
 * local hour, so the UTC offset is inferred from it (whole hours in -12..+11; half-hour zones
 * are off by 30 minutes around midnight, which date rules can live with).
 */
export function localDate(f: Facts): { date: string; dayOfWeek: number } {
  if (f.local) return f.local;
  const { now, localHour } = f.context;
  const utcHour = new Date(now).getUTCHours();
  const offset = Number.isInteger(localHour) ? ((localHour - utcHour + 36) % 24) - 12 : 0;
  const local = new Date(now + offset * HOUR);
  f.local = { date: local.toISOString().slice(0, 10), dayOfWeek: local.getUTCDay() || 7 };
  return f.local;
}

type Getter = (f: Facts) => unknown;

const buyerModeGetters = Object.fromEntries(
  BUYER_MODES.map((mode) => [
    `profile.buyerModes.${mode}`,
    (f: Facts) => f.profile?.buyerModes[mode],
  ]),
);

/** How each field reads its value; `undefined`/`null` mean "missing". */
const GETTERS = {
  "profile.topMode": (f) => f.profile?.topMode,
  ...buyerModeGetters,
  "profile.segments": (f) => f.profile?.segments,
  "profile.lifecycle": (f) => f.profile?.lifecycle,
  "profile.valueTier": (f) => f.profile?.valueTier,
  "profile.visitCount": (f) => f.profile?.visitCount,
  "profile.orderCount": (f) => f.profile?.orderCount,
  "profile.visits30d": (f) => f.profile?.visits30d,
  "profile.totalSpentCents": (f) => f.profile?.totalSpentCents,
  "profile.giftScore": (f) => f.profile?.giftScore,
  "profile.rfm.r": (f) => f.profile?.rfm?.r,
  "profile.rfm.f": (f) => f.profile?.rfm?.f,
  "profile.rfm.m": (f) => f.profile?.rfm?.m,
  "profile.preferredDevice": (f) => f.profile?.preferredDevice,
  "profile.preferredChannel": (f) => f.profile?.preferredChannel,
  "profile.daypart": (f) => f.profile?.daypart,
  "session.journeyStage": (f) => f.session?.journeyStage,
  "session.pageViews": (f) => f.session?.pageViews,
  "session.cart.valueCents": (f) => f.session?.cart.valueCents,
  "session.cart.lines": (f) => f.session?.cart.lines.length,
  "session.cartChangedWithinMs": (f) => {
    const at = f.session?.cart.changedAt;
    return at == null ? undefined : Math.max(0, f.context.now - at);
  },
  "context.device": (f) => f.context.device,
  "context.country": (f) => f.context.country,
  "context.channel": (f) => f.context.channel,
  "context.campaign": (f) => f.context.campaign,
  "context.referrerHost": (f) => f.context.referrerHost,
  "context.pageType": (f) => f.context.pageType,
  "context.categoryId": (f) => f.context.categoryId,
  "context.productId": (f) => f.context.productId,
  "context.localHour": (f) => f.context.localHour,
  "time.dayOfWeek": (f) => localDate(f).dayOfWeek,
  "time.date": (f) => localDate(f).date,
  "consent.personalization": (f) => f.consent.personalization,
  "consent.analytics": (f) => f.consent.analytics,
  "consent.source": (f) => f.consent.source,
} as Record<FieldName, Getter>;

/** The value a rule's field reads from the facts (undefined/null: missing); for explanations. */
export const fieldValue = (field: FieldName, f: Facts): unknown => GETTERS[field](f);

/** A rule compiled to closures: evaluating it allocates nothing. */
export type CompiledRule = {
  test(f: Facts): boolean;
  /** Why it matched, e.g. `profile.topMode=methodical`; only meaningful after `test` is true. */
  explain(f: Facts): string;
  /** The rule as written, e.g. `session.pageViews gte 3`. */
  text: string;
  /** True when the rule reads only request data (context, time, consent). */
  requestOnly: boolean;
};

const MAX_REASON = 160;
const ALWAYS: CompiledRule = {
  test: () => true,
  explain: () => "always",
  text: "always",
  requestOnly: true,
};

const cache = new WeakMap<Rule, CompiledRule>();

/** Compiles a validated rule; compiled rules are cached per rule object. */
export function compileRule(rule: Rule | undefined): CompiledRule {
  if (!rule) return ALWAYS;
  let compiled = cache.get(rule);
  if (!compiled) {
    compiled = compile(rule);
    cache.set(rule, compiled);
  }
  return compiled;
}

/** One-off evaluation (tests, previews); the decision engine uses compiled rules. */
export function evaluateRule(
  rule: Rule | undefined,
  input: DecisionInput,
): { matched: boolean; reason: string } {
  const compiled = compileRule(rule);
  const facts = createFacts(input);
  const matched = compiled.test(facts);
  return { matched, reason: matched ? compiled.explain(facts) : "" };
}

function compile(rule: Rule): CompiledRule {
  if ("all" in rule) {
    if (rule.all.length === 0) return ALWAYS;
    const parts = rule.all.map(compile);
    return {
      test: (f) => parts.every((p) => p.test(f)),
      explain: (f) => cap(parts.map((p) => p.explain(f)).join(" & ")),
      text: `(${parts.map((p) => p.text).join(" & ")})`,
      requestOnly: parts.every((p) => p.requestOnly),
    };
  }
  if ("any" in rule) {
    const parts = rule.any.map(compile);
    return {
      test: (f) => parts.some((p) => p.test(f)),
      explain: (f) => parts.find((p) => p.test(f))?.explain(f) ?? "",
      text: `(${parts.map((p) => p.text).join(" | ")})`,
      requestOnly: parts.every((p) => p.requestOnly),
    };
  }
  if ("not" in rule) {
    const inner = compile(rule.not);
    const text = `not ${inner.text}`;
    return {
      test: (f) => !inner.test(f),
      explain: () => cap(text),
      text,
      requestOnly: inner.requestOnly,
    };
  }
  return compileCondition(rule);
}

function compileCondition(c: Condition): CompiledRule {
  const get = GETTERS[c.field];
  const spec = fieldSpec(c.field);
  const text = `${c.field} ${c.op}${c.value === undefined ? "" : ` ${show(c.value)}`}`;
  const requestOnly = spec.scope === "request";
  const matches = compileTest(c, spec.type);
  const test = (f: Facts) => {
    const v = get(f);
    if (c.op === "exists") return (v != null) === (c.value !== false);
    return v != null && matches(v, f);
  };
  const explain = (f: Facts): string => {
    const v = get(f);
    if (c.op === "exists") return `${c.field} ${v != null ? "present" : "missing"}`;
    if (spec.type === "set") return cap(`${c.field} has ${show(c.value)}`);
    if (c.op === "eq" || c.op === "in") return cap(`${c.field}=${show(v)}`);
    return cap(`${c.field}=${show(v)} (${c.op} ${show(c.value)})`);
  };
  return { test, explain, text, requestOnly };
}

/** The comparison for a present value; validation guarantees value types match the field. */
function compileTest(
  c: Condition,
  type: ReturnType<typeof fieldSpec>["type"],
): (v: unknown, f: Facts) => boolean {
  const { op, value } = c;
  if (type === "date") {
    const target = parseDateValue(String(value)) as DateValue;
    const order = (v: unknown, f: Facts): number =>
      target.kind === "date"
        ? compareStrings(v as string, target.date)
        : Math.sign(f.context.now - target.ms);
    return (v, f) => compareOp(op, order(v, f));
  }
  if (type === "set") {
    if (op === "contains") return (v) => (v as string[]).includes(value as string);
    const wanted = new Set(value as string[]);
    const any = (v: unknown) => (v as string[]).some((s) => wanted.has(s));
    return op === "in" ? any : (v) => !any(v);
  }
  if (op === "in" || op === "nin") {
    const wanted = new Set<unknown>(value as unknown[]);
    return op === "in" ? (v) => wanted.has(v) : (v) => !wanted.has(v);
  }
  if (op === "contains") return (v) => String(v).includes(value as string);
  if (op === "eq") return (v) => v === value;
  if (op === "neq") return (v) => v !== value;
  return (v) => typeof v === "number" && compareOp(op, Math.sign(v - (value as number)));
}

function compareOp(op: Condition["op"], order: number): boolean {
  switch (op) {
    case "eq":
      return order === 0;
    case "neq":
      return order !== 0;
    case "gt":
      return order > 0;
    case "gte":
      return order >= 0;
    case "lt":
      return order < 0;
    case "lte":
      return order <= 0;
    default:
      return false;
  }
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function show(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(",")}]`;
  return String(v);
}

const cap = (s: string) => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s);
