import { SLOT_ACTIONS, type SlotAction } from "../../decide/config-schema.ts";
import { setAttributeProblem } from "../../decide/html-allowlist.ts";
import { checkTemplate, URL_ATTRIBUTES, type TemplateKind } from "../../decide/template.ts";

/**
 * The editor's template check as you type: the very check the config validator runs
 * (`checkTemplate`, with the kind the slot's action implies), each refusal put in words a
 * marketer can act on.
 */

export type RefusalKind =
  | "raw-html"
  | "event-handler"
  | "unsafe-url"
  | "element"
  | "attribute"
  | "unknown-name"
  | "placement"
  | "other";

export type Refusal = { kind: RefusalKind; message: string; hint: string };

const HINTS: Record<RefusalKind, string> = {
  "raw-html":
    "Raw HTML from data is refused: every {{value}} is inserted as text, so write the markup in the template itself.",
  "event-handler":
    "Event handlers (onclick, onload...) would run script on the shop's page: the tracker already records clicks on modules.",
  "unsafe-url":
    "Links must stay on this shop or use http(s) (no javascript:, data: or //other-host); values may only start a URL when they are checked ones such as product.url.",
  element: "Only presentational elements are allowed (no script, style, iframe, form...).",
  attribute: "That attribute is not on the allow-list for this element.",
  "unknown-name": "Use one of the fields listed beside the template.",
  placement:
    "Values go in text or inside a quoted attribute value, never in a tag name or comment.",
  other: "Fix the template as described.",
};

/** Which kind of refusal a checker message is (the messages are template.ts's own). */
export function refusalKind(message: string): RefusalKind {
  if (/unescaped HTML|triple mustache|partials|set-delimiter|blocks \{\{\$/.test(message))
    return "raw-html";
  if (/event handler attribute/.test(message)) return "event-handler";
  if (/scheme|URL|host|link to this site|relative path/.test(message)) return "unsafe-url";
  if (/^<\/?[a-z][a-z0-9-]*> is not allowed/.test(message)) return "element";
  if (/^attribute .* is not allowed|takes literal text only|style attribute/.test(message))
    return "attribute";
  if (/unknown name|not a plain name|built-in property/.test(message)) return "unknown-name";
  if (/inside a tag|unquoted attribute|comment|raw-text|script|section/.test(message))
    return "placement";
  return "other";
}

export const explain = (message: string): Refusal => {
  const kind = refusalKind(message);
  return { kind, message, hint: HINTS[kind] };
};

/** The template kind a slot's action implies, as the config validator decides it. */
export function templateKindFor(action: SlotAction, attribute: string | undefined): TemplateKind {
  if (action !== "setAttribute") return "html";
  return attribute !== undefined && URL_ATTRIBUTES.has(attribute.toLowerCase()) ? "url" : "text";
}

export type TemplateReport = {
  ok: boolean;
  kind: TemplateKind;
  refusals: Refusal[];
  /** View roots the template prints, e.g. `product` (a product-less page then drops it). */
  uses: string[];
};

export function checkEditorTemplate(
  template: string,
  action: SlotAction,
  attribute: string | undefined,
): TemplateReport {
  const kind = templateKindFor(action, attribute);
  const refusals: Refusal[] = [];
  if (action === "setAttribute") {
    const bad = attribute ? setAttributeProblem(attribute) : "setAttribute needs an attribute name";
    if (bad) {
      const refusal = explain(bad);
      refusals.push(
        refusal.kind === "other"
          ? { ...refusal, kind: "attribute", hint: HINTS.attribute }
          : refusal,
      );
    }
  }
  const check = checkTemplate(template, kind);
  refusals.push(...check.errors.map(explain));
  return { ok: refusals.length === 0, kind, refusals, uses: [...check.roots].sort() };
}

export const isSlotAction = (v: unknown): v is SlotAction =>
  typeof v === "string" && (SLOT_ACTIONS as readonly string[]).includes(v);
