import { CHANNELS, CONSENT_STATE_SOURCES, DEVICE_CLASSES, PAGE_TYPES } from "../model/context.ts";
import {
  BUYER_MODES,
  DAYPARTS,
  JOURNEY_STAGES,
  LIFECYCLES,
  VALUE_TIERS,
} from "../model/profile.ts";

// The model's runtime lists, re-exported where rules are validated.
export { CHANNELS, DEVICE_CLASSES, PAGE_TYPES } from "../model/context.ts";
export { LIFECYCLES, VALUE_TIERS } from "../model/profile.ts";

/** How a field's value compares; decides which operators and values a condition may use. */
export type FieldType = "enum" | "string" | "number" | "boolean" | "set" | "date";

/**
 * Where a field's value comes from. `request` fields are known from the request alone, so
 * they stay usable without personalization consent; `profile`/`session` need stored data.
 */
export type FieldScope = "request" | "profile" | "session";

export type FieldSpec = {
  type: FieldType;
  scope: FieldScope;
  /** Allowed values of an `enum` field. */
  values?: readonly string[];
  doc: string;
};

const buyerModeFields = Object.fromEntries(
  BUYER_MODES.map((mode) => [
    `profile.buyerModes.${mode}`,
    { type: "number", scope: "profile", doc: `Score of the ${mode} buyer mode, 0-1` },
  ]),
) as Record<`profile.buyerModes.${(typeof BUYER_MODES)[number]}`, FieldSpec>;

/** Every field a targeting condition may name. */
export const FIELDS = {
  "profile.topMode": {
    type: "enum",
    scope: "profile",
    values: BUYER_MODES,
    doc: "Dominant buyer mode",
  },
  ...buyerModeFields,
  "profile.segments": { type: "set", scope: "profile", doc: "Segments, e.g. gift_buyer" },
  "profile.lifecycle": { type: "enum", scope: "profile", values: LIFECYCLES, doc: "Lifecycle" },
  "profile.valueTier": { type: "enum", scope: "profile", values: VALUE_TIERS, doc: "Value tier" },
  "profile.visitCount": { type: "number", scope: "profile", doc: "Visits so far" },
  "profile.orderCount": { type: "number", scope: "profile", doc: "Orders so far" },
  "profile.visits30d": { type: "number", scope: "profile", doc: "Visits in the last 30 days" },
  "profile.totalSpentCents": { type: "number", scope: "profile", doc: "Lifetime spend in cents" },
  "profile.giftScore": {
    type: "number",
    scope: "profile",
    doc: "0-1: how likely they buy for someone else",
  },
  "profile.rfm.r": { type: "number", scope: "profile", doc: "RFM recency score, 1-5" },
  "profile.rfm.f": { type: "number", scope: "profile", doc: "RFM frequency score, 1-5" },
  "profile.rfm.m": { type: "number", scope: "profile", doc: "RFM monetary score, 1-5" },
  "profile.preferredDevice": {
    type: "enum",
    scope: "profile",
    values: DEVICE_CLASSES,
    doc: "Device of most visits",
  },
  "profile.preferredChannel": {
    type: "enum",
    scope: "profile",
    values: CHANNELS,
    doc: "Channel of most visits",
  },
  "profile.daypart": {
    type: "enum",
    scope: "profile",
    values: DAYPARTS,
    doc: "When in their local day they are usually active",
  },
  "session.journeyStage": {
    type: "enum",
    scope: "session",
    values: JOURNEY_STAGES,
    doc: "Journey stage",
  },
  "session.pageViews": { type: "number", scope: "session", doc: "Page views this session" },
  "session.cart.valueCents": { type: "number", scope: "session", doc: "Cart value in cents" },
  "session.cart.lines": { type: "number", scope: "session", doc: "Number of cart lines" },
  "session.cartChangedWithinMs": {
    type: "number",
    scope: "session",
    doc: "Milliseconds since the cart last changed (use lte); missing if it never changed",
  },
  "context.device": { type: "enum", scope: "request", values: DEVICE_CLASSES, doc: "Device" },
  "context.country": { type: "string", scope: "request", doc: "ISO country code" },
  "context.channel": { type: "enum", scope: "request", values: CHANNELS, doc: "Channel" },
  "context.campaign": { type: "string", scope: "request", doc: "utm_campaign" },
  "context.referrerHost": { type: "string", scope: "request", doc: "Referrer host" },
  "context.pageType": { type: "enum", scope: "request", values: PAGE_TYPES, doc: "Page type" },
  "context.categoryId": { type: "string", scope: "request", doc: "Category of the page" },
  "context.productId": { type: "string", scope: "request", doc: "Product of the page" },
  "context.localHour": { type: "number", scope: "request", doc: "Visitor's local hour, 0-23" },
  "time.dayOfWeek": {
    type: "number",
    scope: "request",
    doc: "Visitor's local ISO day of week: 1 = Monday ... 7 = Sunday",
  },
  "time.date": {
    type: "date",
    scope: "request",
    doc: "YYYY-MM-DD compares the visitor's local date; an ISO date-time with offset compares the instant",
  },
  "consent.personalization": { type: "boolean", scope: "request", doc: "Consent given" },
  "consent.analytics": { type: "boolean", scope: "request", doc: "Analytics consent given" },
  "consent.source": {
    type: "enum",
    scope: "request",
    values: CONSENT_STATE_SOURCES,
    doc: "Where the consent state comes from: a choice in Vitrine's banner (cookie), the GPC signal, no choice yet (default: show Vitrine's banner), the shop's consent manager (cmp), or no answer from it yet (cmp-pending)",
  },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as [FieldName, ...FieldName[]];

export const OPS = [
  "eq",
  "neq",
  "in",
  "nin",
  "gt",
  "gte",
  "lt",
  "lte",
  "contains",
  "exists",
] as const;
export type Op = (typeof OPS)[number];

/** Operators that make sense per field type (`contains` on a set is membership). */
export const OPS_BY_TYPE: Record<FieldType, readonly Op[]> = {
  enum: ["eq", "neq", "in", "nin", "exists"],
  string: ["eq", "neq", "in", "nin", "contains", "exists"],
  number: ["eq", "neq", "in", "nin", "gt", "gte", "lt", "lte", "exists"],
  boolean: ["eq", "neq", "exists"],
  set: ["contains", "in", "nin", "exists"],
  date: ["eq", "neq", "gt", "gte", "lt", "lte", "exists"],
};

export const fieldSpec = (name: FieldName): FieldSpec => FIELDS[name];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A `time.date` value: a local calendar date, or an instant (epoch ms). */
export type DateValue = { kind: "date"; date: string } | { kind: "instant"; ms: number };

export function parseDateValue(value: string): DateValue | null {
  if (DATE_RE.test(value)) {
    return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? null : { kind: "date", date: value };
  }
  // An offset is required: a bare local time would mean the server's zone, not the visitor's.
  if (DATE_TIME_RE.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : { kind: "instant", ms };
  }
  return null;
}

/**
 * Why a condition's value is wrong for its field and operator, or null when it is fine.
 * Shared by the config validator; the evaluator trusts validated configs.
 */
export function checkConditionValue(field: FieldName, op: Op, value: unknown): string | null {
  const spec = fieldSpec(field);
  if (!OPS_BY_TYPE[spec.type].includes(op)) {
    return `operator "${op}" does not apply to ${field} (${spec.type}); use one of ${OPS_BY_TYPE[spec.type].join(", ")}`;
  }
  if (op === "exists") {
    return value === undefined || typeof value === "boolean"
      ? null
      : "exists takes true/false (or no value)";
  }
  if (op === "in" || op === "nin") {
    if (!Array.isArray(value) || value.length === 0) return `${op} needs a non-empty list`;
    for (const [i, v] of value.entries()) {
      const bad = checkScalar(spec, spec.type === "set" ? "string" : spec.type, v);
      if (bad) return `[${i}]: ${bad}`;
    }
    return null;
  }
  if (op === "contains") return checkScalar(spec, "string", value);
  return checkScalar(spec, spec.type, value);
}

function checkScalar(spec: FieldSpec, type: FieldType, value: unknown): string | null {
  switch (type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "expected a number";
    case "boolean":
      return typeof value === "boolean" ? null : "expected true or false";
    case "date":
      return typeof value === "string" && parseDateValue(value)
        ? null
        : "expected YYYY-MM-DD or an ISO date-time with offset, e.g. 2026-11-27T00:00:00+01:00";
    case "enum":
      if (typeof value !== "string") return "expected a string";
      return spec.values?.includes(value)
        ? null
        : `"${value}" is not one of ${spec.values?.join(", ")}`;
    case "string":
    case "set":
      return typeof value === "string" ? null : "expected a string";
  }
}
