import { z } from "zod";
import { validateConfigText } from "../../config/config-publishing.ts";
import { EXPERIMENT_STATUSES, SLOT_ACTIONS } from "../../decide/config-schema.ts";
import { PAGE_TYPES } from "../../model/context.ts";
import { LIST_SOURCES } from "../../model/catalog.ts";

/**
 * What the visual editor adds to the active config: one slot (the picked place), one variant
 * (what goes there, for whom), optionally an experiment around it, and changes to the holdout
 * and to existing experiments' status. Only the shape is checked here; the result goes through
 * the config validator like any typed-in draft, which explains every problem by path.
 */
const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "ids are letters, digits, - and _ (at most 64)");

export const EditorChange = z.strictObject({
  slot: z.strictObject({
    id: Id,
    selector: z.string().min(1, "pick an element (or type a selector)").max(300),
    action: z.enum(SLOT_ACTIONS),
    attribute: z.string().max(64).optional(),
    pageTypes: z.array(z.enum(PAGE_TYPES)).optional(),
    description: z.string().max(500).optional(),
  }),
  variant: z.strictObject({
    id: Id,
    template: z.string().max(20_000).optional(),
    items: z
      .strictObject({
        source: z.enum(LIST_SOURCES),
        limit: z.int().min(1).max(24),
        category: z.string().max(64).optional(),
      })
      .optional(),
    priority: z.int().optional(),
    frequencyCap: z.strictObject({ perSession: z.int().min(1) }).optional(),
    /** The rule as built or typed; the validator checks it against the typed fields. */
    when: z.unknown().optional(),
    description: z.string().max(500).optional(),
  }),
  experiment: z
    .strictObject({
      id: Id,
      status: z.enum(EXPERIMENT_STATUSES),
      allocation: z.number().min(0).max(1),
      /** Share of the experiment's traffic that sees no change; the variant gets the rest. */
      controlWeight: z.number().min(0).max(1),
    })
    .optional(),
  /** Start, pause or stop experiments already in the config. */
  experimentStatus: z.record(Id, z.enum(EXPERIMENT_STATUSES)).optional(),
  holdoutPercent: z.number().min(0).max(50).optional(),
});
export type EditorChange = z.infer<typeof EditorChange>;

export type DraftResult = {
  /** The draft, pretty-printed, ready for the Config page's validate / save / publish. */
  text: string;
  /** The slot the variant went into: an existing slot on the same place is reused. */
  slotId: string;
  /** What the config validator (and the editor's own checks) refused; empty when valid. */
  errors: string[];
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const record = (v: unknown): Json => (isObject(v) ? { ...v } : {});
const has = (o: Json, k: string) => Object.hasOwn(o, k);
const clean = <T extends Json>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;

/**
 * The active config (as published, raw JSON) with the editor's change applied, then validated.
 * Nothing already in the config is overwritten: a variant or experiment id in use is refused,
 * and a slot id in use is refused unless it is the same place (then it is reused).
 */
export function buildDraft(active: unknown, change: EditorChange): DraftResult {
  const draft: Json = isObject(active) ? structuredClone(active) : {};
  const errors: string[] = [];
  const slots = record(draft.slots);
  const variants = record(draft.variants);
  const experiments = record(draft.experiments);

  const slot = clean({
    selector: change.slot.selector.trim(),
    action: change.slot.action,
    attribute: change.slot.action === "setAttribute" ? change.slot.attribute : undefined,
    pageTypes: change.slot.pageTypes?.length ? change.slot.pageTypes : undefined,
    description: change.slot.description,
  });
  const samePlace = (s: unknown) =>
    isObject(s) &&
    s.selector === slot.selector &&
    s.action === slot.action &&
    s.attribute === slot.attribute;
  let slotId = change.slot.id;
  const existing = Object.entries(slots).find(([, s]) => samePlace(s))?.[0];
  if (existing) slotId = existing;
  else if (has(slots, slotId))
    errors.push(
      `slots.${slotId}: a slot with this id already targets another place ("${String(record(slots[slotId]).selector)}"); choose another slot id`,
    );
  else slots[slotId] = slot;

  const variantId = change.variant.id;
  if (has(variants, variantId))
    errors.push(`variants.${variantId}: this variant id is already in use; choose another`);
  const v = change.variant;
  const variant = clean({
    slot: slotId,
    template: change.slot.action === "remove" ? undefined : v.template,
    items: v.items ? clean({ ...v.items }) : undefined,
    priority: v.priority,
    when: v.when,
    frequencyCap: v.frequencyCap,
    experiment: change.experiment?.id,
    description: v.description,
  });
  if (!has(variants, variantId)) variants[variantId] = variant;

  if (change.experiment) {
    const { id, status, allocation, controlWeight } = change.experiment;
    if (has(experiments, id))
      errors.push(`experiments.${id}: this experiment id is already in use; choose another`);
    else
      experiments[id] = {
        status,
        allocation,
        arms: [
          { id: "control", weight: controlWeight, variant: null },
          { id: variantId, weight: Number((1 - controlWeight).toFixed(6)), variant: variantId },
        ],
      };
  }
  for (const [id, status] of Object.entries(change.experimentStatus ?? {})) {
    if (!has(experiments, id) || !isObject(experiments[id])) {
      errors.push(`experiments.${id}: no such experiment in the active config`);
      continue;
    }
    experiments[id] = { ...experiments[id], status };
  }
  if (change.holdoutPercent !== undefined)
    draft.holdout = { ...record(draft.holdout), percent: change.holdoutPercent };

  draft.slots = slots;
  draft.variants = variants;
  if (Object.keys(experiments).length || has(draft, "experiments")) draft.experiments = experiments;
  const text = JSON.stringify(draft, null, 2);
  if (!errors.length) {
    const checked = validateConfigText(text);
    if (!checked.ok) errors.push(...(checked.errors.length ? checked.errors : [checked.message]));
  }
  return { text, slotId, errors };
}
