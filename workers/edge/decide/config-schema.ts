import { z } from "zod";
import { DEFAULT_PAGE_RULES, PageRulesSchema } from "../context/page-rules.ts";
import { LIST_SOURCES } from "../model/catalog.ts";
import { PRESET_NAMES, withPreset } from "../presets/index.ts";
import {
  checkConditionValue,
  fieldSpec,
  FIELD_NAMES,
  OPS,
  OPS_BY_TYPE,
  PAGE_TYPES,
  parseDateValue,
  type FieldName,
  type Op,
} from "./fields.ts";
import { cssProblems } from "./css-check.ts";
import { setAttributeProblem } from "./html-allowlist.ts";
import {
  checkTemplate,
  isSafeUrl,
  selectorTargetProblem,
  URL_ATTRIBUTES,
  type TemplateKind,
} from "./template.ts";

/**
 * The personalization configuration: which slots of the shop's pages may change, which variants
 * can fill them for whom, and the experiments and holdout that measure it. Published as JSON by
 * shop owners; validated here before it can reach the hot path.
 */

export const SLOT_ACTIONS = [
  "replace",
  "append",
  "prepend",
  "before",
  "after",
  "remove",
  "setAttribute",
] as const;
export const EXPERIMENT_STATUSES = ["running", "paused", "stopped"] as const;

const MAX_RULE_DEPTH = 8;
const RULE_MESSAGE =
  "expected a rule: { all: [...] }, { any: [...] }, { not: rule } or { field, op, value }";

const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "ids are letters, digits, - and _ (at most 64)");

export type ConditionValue = string | number | boolean | string[] | number[];
export type Condition = { field: FieldName; op: Op; value?: ConditionValue };
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | Condition;

const ConditionSchema = z
  .strictObject({
    field: z
      .enum(FIELD_NAMES, { error: (issue) => `unknown field ${JSON.stringify(issue.input)}` })
      .describe(FIELD_NAMES.map((f) => `${f}: ${fieldSpec(f).doc}`).join("; ")),
    op: z.enum(OPS, {
      error: (issue) => `unknown operator ${JSON.stringify(issue.input)} (${OPS.join(", ")})`,
    }),
    value: z
      .union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())], {
        error: "value must be a string, number, boolean or a list of strings or of numbers",
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    const type = fieldSpec(c.field).type;
    if (!OPS_BY_TYPE[type].includes(c.op)) {
      ctx.addIssue({
        code: "custom",
        path: ["op"],
        message: `operator "${c.op}" does not apply to ${c.field} (${type}); use one of ${OPS_BY_TYPE[type].join(", ")}`,
      });
      return;
    }
    const bad = checkConditionValue(c.field, c.op, c.value);
    if (bad) ctx.addIssue({ code: "custom", path: ["value"], message: bad });
  });

export const RuleSchema: z.ZodType<Rule> = z
  .lazy(() =>
    z.union(
      [
        z.strictObject({ all: z.array(RuleSchema).max(50) }),
        z.strictObject({ any: z.array(RuleSchema).max(50) }),
        z.strictObject({ not: RuleSchema }),
        ConditionSchema,
      ],
      { error: RULE_MESSAGE },
    ),
  )
  .meta({
    id: "Rule",
    description:
      "A targeting rule. Missing data (no profile, no session) makes a condition false, except for exists and not.",
  });

const SlotSchema = z.strictObject({
  selector: z
    .string()
    .max(300)
    .regex(/\S/, "selector must not be empty")
    .refine((s) => !/[<\n\r]/.test(s), "selector must not contain < or line breaks"),
  action: z.enum(SLOT_ACTIONS),
  attribute: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_:.-]{0,63}$/, "not an attribute name")
    .optional()
    .describe("For setAttribute: the attribute the variant's template sets"),
  pageTypes: z
    .array(z.enum(PAGE_TYPES))
    .min(1)
    .optional()
    .describe("Pages where the slot exists; all pages when omitted"),
  description: z.string().max(500).optional(),
});

const DataValue = z.union([z.string().max(2000), z.number(), z.boolean()], {
  error: "data values are strings, numbers or booleans",
});

const VariantSchema = z.strictObject({
  slot: Id,
  template: z
    .string()
    .max(20_000)
    .optional()
    .describe(
      "Mustache template ({{x}} only, always escaped): HTML for content actions, the attribute value for setAttribute",
    ),
  items: z
    .strictObject({
      source: z.enum(LIST_SOURCES),
      limit: z.int().min(1).max(24),
      category: z.string().min(1).max(64).optional(),
    })
    .optional()
    .describe(
      'A product list shown as {{#items}}; an empty list drops the variant. category: "current" or a category id',
    ),
  data: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "data keys are plain names"),
      DataValue,
    )
    .optional()
    .describe("Values for {{data.*}}: coupon codes, percentages, endsAt (ISO), *Url links"),
  priority: z
    .int()
    .default(0)
    .describe("Higher wins among a slot's eligible variants; ties go to the smaller id"),
  when: RuleSchema.optional().describe("Who sees the variant; everyone when omitted"),
  frequencyCap: z
    .strictObject({ perSession: z.int().min(1) })
    .optional()
    .describe("Stop showing the variant after this many impressions in a session"),
  experiment: Id.optional().describe("The experiment this variant is an arm of"),
  description: z.string().max(500).optional(),
});

const ExperimentSchema = z
  .strictObject({
    status: z.enum(EXPERIMENT_STATUSES),
    allocation: z
      .number()
      .min(0)
      .max(1)
      .describe("Share of eligible traffic in the experiment; the rest sees no arm"),
    salt: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("Re-randomizes assignments when changed; defaults to the experiment id"),
    arms: z
      .array(
        z.strictObject({
          id: Id,
          weight: z.number().min(0).max(1),
          variant: Id.nullable().describe("The variant this arm shows; null = control (no change)"),
        }),
      )
      .min(2)
      .max(10),
    description: z.string().max(500).optional(),
  })
  .superRefine((exp, ctx) => {
    const sum = exp.arms.reduce((s, a) => s + a.weight, 0);
    if (Math.abs(sum - 1) > 1e-6) {
      ctx.addIssue({
        code: "custom",
        path: ["arms"],
        message: `arm weights must sum to 1 (they sum to ${Number(sum.toFixed(6))})`,
      });
    }
    const seen = new Set<string>();
    for (const [i, arm] of exp.arms.entries()) {
      if (seen.has(arm.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["arms", i, "id"],
          message: `duplicate arm "${arm.id}"`,
        });
      }
      seen.add(arm.id);
    }
  });

/**
 * Where a visitor's consent comes from (`consent.from`): Vitrine's banner or the shop's consent
 * manager. Not to be confused with the targeting field `consent.source`, which says how this
 * visitor's consent state was reached (a choice, GPC, the manager's answer...).
 */
export const CONSENT_SOURCES = [
  "vitrine",
  "tcf",
  "google-consent-mode",
  "cookiebot",
  "onetrust",
  "cookie",
] as const;
/** Google Consent Mode's consent types. */
const GCM_TYPES = [
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
] as const;
const COOKIEBOT_CATEGORIES = ["preferences", "statistics", "marketing"] as const;

const CookieName = z
  .string()
  .regex(
    /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/,
    "a cookie name (letters, digits, - _ . and the like)",
  );
const TcfPurpose = z.int().min(1).max(24);
const OneTrustGroup = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, "a OneTrust category id such as C0004");

const ValueRule = z
  .strictObject({
    equals: z.string().max(1000).optional().describe("The cookie's whole (URL-decoded) value"),
    matches: z
      .string()
      .max(200)
      .optional()
      .describe("A regular expression the cookie's (URL-decoded) value must match"),
  })
  .superRefine((rule, ctx) => {
    if ((rule.equals === undefined) === (rule.matches === undefined))
      ctx.addIssue({ code: "custom", message: "give exactly one of equals or matches" });
    if (rule.matches === undefined) return;
    try {
      new RegExp(rule.matches);
    } catch (err) {
      ctx.addIssue({
        code: "custom",
        path: ["matches"],
        message: `not a regular expression: ${String(err)}`,
      });
    }
  });

/** Per-source settings: each block is read only when `from` names it. */
const CONSENT_BLOCKS = {
  tcf: "tcf",
  "google-consent-mode": "googleConsentMode",
  cookiebot: "cookiebot",
  onetrust: "onetrust",
  cookie: "cookie",
} as const;

export const TcfSettings = z.strictObject({
  cookie: CookieName.default("euconsent-v2").describe("The consent manager's cookie, if renamed"),
  personalizationPurposes: z
    .array(TcfPurpose)
    .min(1)
    .max(24)
    .default([1, 5, 6])
    .describe(
      "Purposes that must all have consent for personalization (1 store on device, 5/6 personalised content profiles)",
    ),
  analyticsPurposes: z
    .array(TcfPurpose)
    .min(1)
    .max(24)
    .default([1, 8, 9])
    .describe(
      "Purposes that must all have consent for analytics (1 store on device, 8 measure content, 9 audience statistics)",
    ),
  vendorId: z
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe("A Global Vendor List id that must also have vendor consent (for either tier)"),
});
export const GoogleConsentModeSettings = z.strictObject({
  cookie: CookieName.default("vt_gcm").describe(
    "The cookie the shop's page writes when it calls gtag('consent', ...): see docs/consent-managers.md",
  ),
  personalization: z
    .array(z.enum(GCM_TYPES))
    .min(1)
    .default(["personalization_storage"])
    .describe("Consent types that must all be granted for personalization"),
  analytics: z
    .array(z.enum(GCM_TYPES))
    .min(1)
    .default(["analytics_storage"])
    .describe("Consent types that must all be granted for analytics"),
});
export const CookiebotSettings = z.strictObject({
  cookie: CookieName.default("CookieConsent").describe("The consent manager's cookie, if renamed"),
  personalization: z
    .array(z.enum(COOKIEBOT_CATEGORIES))
    .min(1)
    .default(["preferences"])
    .describe("Cookiebot categories that must all be accepted for personalization"),
  analytics: z
    .array(z.enum(COOKIEBOT_CATEGORIES))
    .min(1)
    .default(["statistics"])
    .describe("Cookiebot categories that must all be accepted for analytics"),
});
export const OneTrustSettings = z.strictObject({
  cookie: CookieName.default("OptanonConsent").describe("The consent manager's cookie, if renamed"),
  personalization: z
    .array(OneTrustGroup)
    .min(1)
    .max(20)
    .default(["C0003", "C0004"])
    .describe(
      "OneTrust category ids that must all be active for personalization (C0003 functional, C0004 targeting)",
    ),
  analytics: z
    .array(OneTrustGroup)
    .min(1)
    .max(20)
    .default(["C0002"])
    .describe("OneTrust category ids that must all be active for analytics (C0002 performance)"),
});
export const CookieRuleSettings = z.strictObject({
  name: CookieName.describe("The cookie the shop's own consent banner writes"),
  personalization: ValueRule.describe("The value that means yes to personalization"),
  analytics: ValueRule.optional().describe("The value that means yes to analytics; none: never"),
});

export const ConsentSettings = z
  .strictObject({
    from: z
      .enum(CONSENT_SOURCES)
      .default("vitrine")
      .describe(
        "Who asks for consent. vitrine: Vitrine's own banner (the vt_consent cookie); the others read the shop's consent manager's cookie",
      ),
    tcf: TcfSettings.optional().describe("IAB TCF v2.2: the TC string in the euconsent-v2 cookie"),
    googleConsentMode: GoogleConsentModeSettings.optional().describe(
      "Google Consent Mode v2, as mirrored into a first-party cookie",
    ),
    cookiebot: CookiebotSettings.optional().describe("Cookiebot's CookieConsent cookie"),
    onetrust: OneTrustSettings.optional().describe("OneTrust's OptanonConsent cookie"),
    cookie: CookieRuleSettings.optional().describe(
      "A custom rule on the shop's own consent cookie",
    ),
  })
  .superRefine((c, ctx) => {
    if (c.from === "cookie" && !c.cookie)
      ctx.addIssue({
        code: "custom",
        path: ["cookie"],
        message: 'from "cookie" needs a cookie block: { name, personalization, analytics? }',
      });
    for (const [source, key] of Object.entries(CONSENT_BLOCKS)) {
      if (c[key] !== undefined && c.from !== source)
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `only read with from "${source}" (from is "${c.from}")`,
        });
    }
  });
export type ConsentConfig = z.output<typeof ConsentSettings>;

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.int().min(1).describe("Increases with every publish"),
    enabled: z.boolean().describe("Kill switch: false = every page passes through unchanged"),
    holdout: z
      .strictObject({
        percent: z.number().min(0).max(50),
        salt: z.string().min(1).max(64),
      })
      .describe("Visitors who never get personalization, so its uplift can be measured"),
    defaults: z
      .strictObject({
        currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR"),
        locale: z.string().min(2).max(35),
        freeDeliveryThresholdCents: z.int().min(0).nullable(),
      })
      .superRefine((d, ctx) => {
        try {
          new Intl.NumberFormat(d.locale, { style: "currency", currency: d.currency });
        } catch (err) {
          ctx.addIssue({ code: "custom", path: ["locale"], message: String(err) });
        }
      }),
    preset: z
      .enum(PRESET_NAMES)
      .optional()
      .describe(
        "A storefront preset (docs/presets.md) whose pageRules and slots the config starts from: " +
          "its own pageRules come first, its own slots replace or join the preset's by id",
      ),
    pageRules: PageRulesSchema.default(() =>
      DEFAULT_PAGE_RULES.map((rule) => ({ ...rule })),
    ).describe(
      "URL rules that give each page its type (and product slug / category id), first match wins: " +
        '"/p/:slug", "/c/:categoryId", "/blog/*". Defaults to the demo shop\'s URLs',
    ),
    slots: z.record(Id, SlotSchema),
    variants: z.record(Id, VariantSchema),
    experiments: z.record(Id, ExperimentSchema).default({}),
    catalog: z
      .strictObject({
        learnFromPages: z
          .boolean()
          .default(false)
          .describe(
            "Product pages passing through the proxy add and update their product in the " +
              "catalog from their schema.org Product (JSON-LD or microdata), rate-limited and " +
              "off the request path (docs/catalog.md)",
          ),
      })
      .optional()
      .describe("How the catalog learns about products besides feed imports"),
    consent: ConsentSettings.optional().describe(
      "Where visitors' consent comes from (see docs/consent-managers.md); Vitrine's banner when omitted",
    ),
    styles: z
      .string()
      .max(100_000)
      .superRefine((css, ctx) => {
        if (/<\/?\s*style|<\s*script/i.test(css)) {
          ctx.addIssue({
            code: "custom",
            message: "must be plain CSS, without <style> or <script>",
          });
        }
        for (const message of cssProblems(css)) ctx.addIssue({ code: "custom", message });
      })
      .optional()
      .describe("CSS for the injected modules, served as a versioned stylesheet"),
  })
  .meta({ title: "Vitrine personalization configuration" });

export type PersonalizationConfig = z.output<typeof ConfigSchema>;
export type SlotConfig = PersonalizationConfig["slots"][string];
export type VariantConfig = PersonalizationConfig["variants"][string];
export type ExperimentConfig = PersonalizationConfig["experiments"][string];
export type SlotAction = (typeof SLOT_ACTIONS)[number];

export type ParseResult =
  { ok: true; config: PersonalizationConfig } | { ok: false; errors: string[] };

/**
 * Validates a config in one pass: shape and types (zod), and, on whatever parts are well
 * formed, the references between slots, variants and experiments, slot targets, data values
 * and templates. Every error names the path it is about, e.g. `variants.x.when.all[0].op: ...`.
 */
export function parseConfig(input: unknown): ParseResult {
  // Refused before zod, whose recursive checks would overflow the stack on it.
  const deep = tooDeepAt(input, MAX_JSON_DEPTH);
  if (deep)
    return {
      ok: false,
      errors: [`${formatPath(deep.slice(0, 4))}: nests more than ${MAX_JSON_DEPTH} levels deep`],
    };
  // The preset is merged first, so variants can target its slots.
  const json = withPreset(input);
  const parsed = ConfigSchema.safeParse(json);
  const errors: string[] = [];
  if (!parsed.success) formatIssues(parsed.error.issues, [], json, errors);
  errors.push(...crossCheck(parsed.success ? parsed.data : looseConfig(json)));
  if (!parsed.success || errors.length) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, config: parsed.data };
}

type Path = readonly PropertyKey[];

/** Far deeper than any valid config (rules nest at most MAX_RULE_DEPTH levels). */
const MAX_JSON_DEPTH = 64;

/** The path of a value nested deeper than `max` arrays and objects, if any (iterative). */
function tooDeepAt(root: unknown, max: number): Path | null {
  const stack: [unknown, PropertyKey[]][] = [[root, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (path.length >= max) return path;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return null;
}

export function formatPath(path: Path): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

/**
 * Flattens zod issues into `path: message` lines. A rule that fails every branch of the rule
 * union is explained by the branch its keys point to (`all`, `any`, `not` or a condition),
 * not by four unrelated complaints.
 */
function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  base: Path,
  root: unknown,
  out: string[],
): void {
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.message === RULE_MESSAGE) {
      const value = valueAt(root, path);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const branch = "all" in value ? 0 : "any" in value ? 1 : "not" in value ? 2 : 3;
        const chosen = issue.errors[branch];
        if (chosen) {
          formatIssues(chosen, path, root, out);
          continue;
        }
      }
    }
    if (issue.code === "unrecognized_keys") {
      out.push(`${formatPath(path)}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`);
      continue;
    }
    if (issue.code === "invalid_key") {
      out.push(`${formatPath(path)}: ${issue.issues[0]?.message ?? issue.message}`);
      continue;
    }
    out.push(`${formatPath(path)}: ${issue.message}`);
  }
}

/**
 * The parts of a config the cross checks read, each present only when it has the right
 * type: a config that fails its shape check is still cross-checked where it can be.
 */
type LooseConfig = {
  slots: Record<string, { selector?: string; action?: string; attribute?: string }>;
  variants: Record<
    string,
    {
      slot?: string;
      template?: string;
      data?: Record<string, unknown>;
      when?: unknown;
      experiment?: string;
    }
  >;
  experiments: Record<string, { arms?: { variant?: string | null }[] }>;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
/** Own entries of an object (a JSON `__proto__` key is an own key, never the prototype). */
const entriesOf = (v: unknown): [string, unknown][] => (isObject(v) ? Object.entries(v) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function looseConfig(json: unknown): LooseConfig {
  const root = isObject(json) ? json : {};
  const out: LooseConfig = { slots: {}, variants: {}, experiments: {} };
  for (const [id, s] of entriesOf(root.slots)) {
    if (!isObject(s)) continue;
    define(out.slots, id, {
      selector: str(s.selector),
      action: str(s.action),
      attribute: str(s.attribute),
    });
  }
  for (const [id, v] of entriesOf(root.variants)) {
    if (!isObject(v)) continue;
    define(out.variants, id, {
      slot: str(v.slot),
      template: str(v.template),
      data: isObject(v.data) ? v.data : undefined,
      when: v.when,
      experiment: str(v.experiment),
    });
  }
  for (const [id, e] of entriesOf(root.experiments)) {
    if (!isObject(e)) continue;
    const arms = Array.isArray(e.arms)
      ? e.arms.map((a) => ({
          variant:
            isObject(a) && (a.variant === null || typeof a.variant === "string")
              ? a.variant
              : undefined,
        }))
      : undefined;
    define(out.experiments, id, { arms });
  }
  return out;
}

/** Sets an own property even for a key such as `__proto__`. */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const own = <T>(record: Record<string, T>, key: string | undefined): T | undefined =>
  key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

/**
 * What zod cannot see: references between slots, variants and experiments, what slots may
 * target and set, data values and templates.
 */
function crossCheck(config: LooseConfig): string[] {
  const errors: string[] = [];
  const err = (path: Path, message: string) => errors.push(`${formatPath(path)}: ${message}`);
  const slotIds = Object.keys(config.slots);

  for (const [id, slot] of Object.entries(config.slots)) {
    if (slot.selector !== undefined) {
      const bad = selectorTargetProblem(slot.selector);
      if (bad) err(["slots", id, "selector"], bad);
    }
    if (slot.action === undefined) continue;
    if (slot.action !== "setAttribute") {
      if (slot.attribute !== undefined) {
        err(["slots", id, "attribute"], "attribute only applies to the setAttribute action");
      }
      continue;
    }
    const why =
      slot.attribute === undefined
        ? "setAttribute needs an attribute name"
        : setAttributeProblem(slot.attribute);
    if (why) err(["slots", id, "attribute"], why);
  }

  for (const [id, variant] of Object.entries(config.variants)) {
    const at = ["variants", id];
    const slot = own(config.slots, variant.slot);
    if (variant.slot !== undefined && !slot) {
      err(
        [...at, "slot"],
        `unknown slot "${variant.slot}" (slots: ${slotIds.join(", ") || "none"})`,
      );
    }
    // An unknown or invalid slot is reported on its own; the template is still checked.
    const action = (SLOT_ACTIONS as readonly (string | undefined)[]).includes(slot?.action)
      ? slot!.action
      : undefined;
    if (variant.template === undefined) {
      if (action !== undefined && action !== "remove") {
        err([...at, "template"], `required for the "${action}" action of slot "${variant.slot}"`);
      }
    } else {
      const kind: TemplateKind =
        action !== "setAttribute"
          ? "html"
          : slot!.attribute !== undefined && URL_ATTRIBUTES.has(slot!.attribute.toLowerCase())
            ? "url"
            : "text";
      for (const e of checkTemplate(variant.template, kind).errors) err([...at, "template"], e);
    }
    for (const [key, value] of Object.entries(variant.data ?? {})) {
      if (/url$/i.test(key) && (typeof value !== "string" || !isSafeUrl(value))) {
        err([...at, "data", key], "a *Url value must be a path (/...) or an http(s) URL");
      }
      if (
        key === "endsAt" &&
        (typeof value !== "string" || parseDateValue(value)?.kind !== "instant")
      ) {
        err(
          [...at, "data", key],
          "endsAt must be an ISO date-time with offset, e.g. 2026-11-30T23:59:00+01:00",
        );
      }
    }
    if (variant.when !== undefined && ruleDepth(variant.when) > MAX_RULE_DEPTH) {
      err([...at, "when"], `rules nest at most ${MAX_RULE_DEPTH} levels deep`);
    }
    if (variant.experiment !== undefined) {
      const exp = own(config.experiments, variant.experiment);
      if (!exp) {
        err([...at, "experiment"], `unknown experiment "${variant.experiment}"`);
      } else if (exp.arms && !exp.arms.some((a) => a.variant === id)) {
        err([...at, "experiment"], `experiment "${variant.experiment}" has no arm showing "${id}"`);
      }
    }
  }

  for (const [id, exp] of Object.entries(config.experiments)) {
    if (!exp.arms) continue;
    let slotOfArms: string | null = null;
    for (const [i, arm] of exp.arms.entries()) {
      if (arm.variant === null || arm.variant === undefined) continue;
      const at = ["experiments", id, "arms", i, "variant"];
      const variant = own(config.variants, arm.variant);
      if (!variant) {
        err(at, `unknown variant "${arm.variant}"`);
        continue;
      }
      if (variant.experiment !== id) {
        err(at, `variant "${arm.variant}" must declare "experiment": "${id}"`);
      }
      if (variant.slot === undefined) continue;
      // One experiment changes one slot: the arms must be alternatives for the same place.
      slotOfArms ??= variant.slot;
      if (variant.slot !== slotOfArms) {
        err(
          at,
          `variant "${arm.variant}" is in slot "${variant.slot}", other arms in "${slotOfArms}"`,
        );
      }
    }
    if (slotOfArms === null)
      err(["experiments", id, "arms"], "at least one arm must show a variant");
  }
  return errors;
}

/** How deep a rule nests; read from the raw value, so a rule with other errors is measured too. */
function ruleDepth(rule: unknown): number {
  if (!isObject(rule)) return 1;
  const list = Array.isArray(rule.all) ? rule.all : Array.isArray(rule.any) ? rule.any : null;
  if (list) return 1 + Math.max(0, ...list.map(ruleDepth));
  if ("not" in rule) return 1 + ruleDepth(rule.not);
  return 1;
}
