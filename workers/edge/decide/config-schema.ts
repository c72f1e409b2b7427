import { z } from "zod";
import { DEFAULT_PAGE_RULES, PageRulesSchema } from "../context/page-rules.ts";
import { LIST_SOURCES } from "../model/catalog.ts";
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
import { checkTemplate, isSafeUrl, URL_ATTRIBUTES, type TemplateKind } from "./template.ts";

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

const SlotSchema = z
  .strictObject({
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
  })
  .superRefine((slot, ctx) => {
    if (slot.action !== "setAttribute") {
      if (slot.attribute !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["attribute"],
          message: "attribute only applies to the setAttribute action",
        });
      }
      return;
    }
    const bad = slot.attribute === undefined ? "setAttribute needs an attribute name" : null;
    const why = bad ?? attributeProblem(slot.attribute!.toLowerCase());
    if (why) ctx.addIssue({ code: "custom", path: ["attribute"], message: why });
  });

/** Attributes a config may never set on the shop's elements. */
function attributeProblem(name: string): string | null {
  if (name.startsWith("on")) return `event handler attribute "${name}" is not allowed`;
  if (name === "srcdoc") return `"srcdoc" is not allowed`;
  // A templated style can smuggle url()/expression(); classes do the same job safely.
  if (name === "style") return `"style" is not allowed: set "class" instead`;
  if (name.startsWith("data-vt-")) return `"${name}" is reserved for Vitrine's own marks`;
  return null;
}

const DataValue = z.union([z.string().max(2000), z.number(), z.boolean()], {
  error: "data values are strings, numbers or booleans",
});

const VariantSchema = z
  .strictObject({
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
  })
  .superRefine((variant, ctx) => {
    for (const [key, value] of Object.entries(variant.data ?? {})) {
      if (/url$/i.test(key) && (typeof value !== "string" || !isSafeUrl(value))) {
        ctx.addIssue({
          code: "custom",
          path: ["data", key],
          message: "a *Url value must be a path (/...) or an http(s) URL",
        });
      }
      if (
        key === "endsAt" &&
        (typeof value !== "string" || parseDateValue(value)?.kind !== "instant")
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["data", key],
          message: "endsAt must be an ISO date-time with offset, e.g. 2026-11-30T23:59:00+01:00",
        });
      }
    }
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
    pageRules: PageRulesSchema.default(() =>
      DEFAULT_PAGE_RULES.map((rule) => ({ ...rule })),
    ).describe(
      "URL rules that give each page its type (and product slug / category id), first match wins: " +
        '"/p/:slug", "/c/:categoryId", "/blog/*". Defaults to the demo shop\'s URLs',
    ),
    slots: z.record(Id, SlotSchema),
    variants: z.record(Id, VariantSchema),
    experiments: z.record(Id, ExperimentSchema).default({}),
    styles: z
      .string()
      .max(100_000)
      .refine(
        (css) => !/<\/?\s*style|<\s*script/i.test(css),
        "must be plain CSS, without <style> or <script>",
      )
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
 * Validates a config: shape and types first (zod), then references between its parts and the
 * templates. Every error names the path it is about, e.g. `variants.x.when.all[0].op: ...`.
 */
export function parseConfig(json: unknown): ParseResult {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const errors: string[] = [];
    formatIssues(parsed.error.issues, [], json, errors);
    return { ok: false, errors: [...new Set(errors)] };
  }
  const errors = crossCheck(parsed.data);
  return errors.length ? { ok: false, errors } : { ok: true, config: parsed.data };
}

type Path = readonly PropertyKey[];

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

/** What zod cannot see: references between slots, variants and experiments, and templates. */
function crossCheck(config: PersonalizationConfig): string[] {
  const errors: string[] = [];
  const err = (path: Path, message: string) => errors.push(`${formatPath(path)}: ${message}`);
  const slotIds = Object.keys(config.slots);

  for (const [id, variant] of Object.entries(config.variants)) {
    const at = ["variants", id];
    const slot = config.slots[variant.slot];
    if (!slot) {
      err(
        [...at, "slot"],
        `unknown slot "${variant.slot}" (slots: ${slotIds.join(", ") || "none"})`,
      );
    } else if (variant.template === undefined) {
      if (slot.action !== "remove") {
        err(
          [...at, "template"],
          `required for the "${slot.action}" action of slot "${variant.slot}"`,
        );
      }
    } else {
      const kind: TemplateKind =
        slot.action !== "setAttribute"
          ? "html"
          : URL_ATTRIBUTES.has(slot.attribute!.toLowerCase())
            ? "url"
            : "text";
      for (const e of checkTemplate(variant.template, kind).errors) err([...at, "template"], e);
    }
    if (variant.when && ruleDepth(variant.when) > MAX_RULE_DEPTH) {
      err([...at, "when"], `rules nest at most ${MAX_RULE_DEPTH} levels deep`);
    }
    if (variant.experiment !== undefined) {
      const exp = config.experiments[variant.experiment];
      if (!exp) {
        err([...at, "experiment"], `unknown experiment "${variant.experiment}"`);
      } else if (!exp.arms.some((a) => a.variant === id)) {
        err([...at, "experiment"], `experiment "${variant.experiment}" has no arm showing "${id}"`);
      }
    }
  }

  for (const [id, exp] of Object.entries(config.experiments)) {
    let slotOfArms: string | null = null;
    for (const [i, arm] of exp.arms.entries()) {
      if (arm.variant === null) continue;
      const at = ["experiments", id, "arms", i, "variant"];
      const variant = config.variants[arm.variant];
      if (!variant) {
        err(at, `unknown variant "${arm.variant}"`);
        continue;
      }
      if (variant.experiment !== id) {
        err(at, `variant "${arm.variant}" must declare "experiment": "${id}"`);
      }
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

function ruleDepth(rule: Rule): number {
  if ("all" in rule) return 1 + Math.max(0, ...rule.all.map(ruleDepth));
  if ("any" in rule) return 1 + Math.max(0, ...rule.any.map(ruleDepth));
  if ("not" in rule) return 1 + ruleDepth(rule.not);
  return 1;
}
