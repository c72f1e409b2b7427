import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { format, resolveConfig } from "prettier";
import { LIST_SOURCES } from "../workers/edge/model/catalog.ts";
import {
  FIELD_NAMES,
  fieldSpec,
  OPS_BY_TYPE,
  type FieldType,
} from "../workers/edge/decide/fields.ts";
import { configJsonSchema } from "../workers/edge/decide/json-schema.ts";
import { VIEW_ROOTS } from "../workers/edge/decide/template.ts";
import { markdownTable } from "./markdown-table.ts";

/**
 * `npm run docs:config`: renders docs/configuration.md from the config's zod schema (through
 * its JSON Schema export) and the targeting fields, so the reference cannot drift from what
 * `parseConfig` accepts. dev/config-docs.test.ts fails when the committed file differs.
 */

export const CONFIG_DOCS_PATH = "docs/configuration.md";

/** The parts of a JSON Schema (draft 2020-12, as zod exports it) this renders. */
export type JsonSchema = {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

/** One documented key: where it sits, what it takes, and what it does. */
export type KeyRow = {
  path: string;
  type: string;
  required: boolean;
  defaultValue: unknown;
  allowed: string[];
  doc: string;
};

/** Stands for a key the author chooses (a slot, variant or experiment id, a data name). */
const ID = "<id>";
/** Defaults longer than this are shown in a section of their own, not in the table. */
const INLINE_DEFAULT_CHARS = 40;

/** Every key of the schema, depth first in the schema's own order (the root itself excluded). */
export function keyRows(schema: JsonSchema): KeyRow[] {
  const rows: KeyRow[] = [];
  const walk = (node: JsonSchema, path: string, required: boolean) => {
    if (path) {
      rows.push({
        path,
        type: typeName(node),
        required,
        defaultValue: node.default,
        allowed: constraints(node),
        doc: node.description ?? "",
      });
    }
    if (node.$ref) return; // a named definition, documented in its own section
    if (node.properties) {
      for (const [key, child] of Object.entries(node.properties)) {
        walk(child, path ? `${path}.${key}` : key, node.required?.includes(key) ?? false);
      }
    }
    const values = recordValues(node);
    if (values && (values.properties || recordValues(values))) walk(values, `${path}.${ID}`, true);
    if (node.type === "array" && node.items?.properties) walk(node.items, `${path}[]`, true);
  };
  walk(schema, "", true);
  return rows;
}

/** The value schema of a map (an object keyed by author-chosen names), else null. */
function recordValues(node: JsonSchema): JsonSchema | null {
  return typeof node.additionalProperties === "object" && !node.properties
    ? node.additionalProperties
    : null;
}

function typeName(node: JsonSchema): string {
  if (node.$ref) return node.$ref.split("/").pop()!.toLowerCase();
  if (node.anyOf) return [...new Set(node.anyOf.map(typeName))].join(" or ");
  const values = recordValues(node);
  if (values) return `map: name → ${values.properties ? "object" : typeName(values)}`;
  if (node.type === "array") return `list of ${node.items ? typeName(node.items) : "any"}`;
  return node.type ?? "any";
}

/** Bounds beyond what a JSON number can hold exactly are zod's way of saying "none". */
const bounded = (n: number | undefined): n is number =>
  n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function range(min: number | undefined, max: number | undefined, unit: string): string | null {
  const lo = bounded(min) ? min : undefined;
  const hi = bounded(max) ? max : undefined;
  if (lo === undefined && hi === undefined) return null;
  const suffix = !unit ? "" : hi === 1 || (hi === undefined && lo === 1) ? ` ${unit}` : ` ${unit}s`;
  if (lo !== undefined && hi !== undefined) return `${lo}–${hi}${suffix}`;
  return lo !== undefined ? `≥ ${lo}${suffix}` : `≤ ${hi}${suffix}`;
}

/** Allowed values and limits, one phrase each. */
function constraints(node: JsonSchema): string[] {
  if (node.anyOf) return [...new Set(node.anyOf.flatMap(constraints))];
  const out: string[] = [];
  if (node.enum) out.push(node.enum.map((v) => code(String(v))).join(", "));
  const numbers = range(node.minimum, node.maximum, "");
  if (numbers) out.push(numbers);
  const chars = range(node.minLength, node.maxLength, "character");
  if (chars) out.push(chars);
  const items = range(node.minItems, node.maxItems, "item");
  if (items) out.push(items);
  if (node.pattern) out.push(`pattern ${code(node.pattern)}`);
  if (node.propertyNames?.pattern) out.push(`keys match ${code(node.propertyNames.pattern)}`);
  const values = recordValues(node);
  if (values && !values.properties && !recordValues(values)) {
    out.push(...constraints(values).map((c) => `values: ${c}`));
  }
  if (node.type === "array" && node.items && !node.items.properties) {
    out.push(...constraints(node.items));
  }
  return out;
}

/** Inline code that survives a Markdown table: pipes escaped, backticks fenced by more. */
function code(text: string): string {
  const escaped = text.replace(/\|/g, "\\|");
  return escaped.includes("`") ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

/** Two phrases as one cell: the second after a full stop. */
const sentence = (first: string, second: string): string =>
  first ? `${first.replace(/\.?$/, ".")} ${second[0]!.toUpperCase()}${second.slice(1)}.` : second;

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function defaultCell(value: unknown, path: string): string {
  if (value === undefined) return "";
  const json = JSON.stringify(value);
  return json.length <= INLINE_DEFAULT_CHARS
    ? code(json)
    : `[below](#${githubSlug(defaultHeading(path))})`;
}

const defaultHeading = (path: string) => `Default of \`${path}\``;

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
const githubSlug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

/** The reference as Markdown, before formatting. */
export function configDocsMarkdown(schema: JsonSchema = configJsonSchema() as JsonSchema): string {
  const rows = keyRows(schema);
  const lines: string[] = [
    "# Configuration reference",
    "",
    "For shop owners and developers who write, review or generate a personalization config.",
    "",
    "<!-- Generated by `npm run docs:config` from workers/edge/decide/config-schema.ts and " +
      "fields.ts. Edit those, not this file: dev/config-docs.test.ts fails when it differs. -->",
    "",
    "A config is one JSON document: the slots of the shop's pages that may change, the variants " +
      "that can fill them and for whom, and the experiments and holdout that measure them. " +
      "`npm run config -- validate FILE` checks a file and names every bad path; " +
      "`npm run config -- publish FILE --styles CSS_FILE` publishes it. Editors can validate " +
      "as you type with the JSON Schema in `seeds/config/personalization-config.schema.json` " +
      '(`"$schema": "./personalization-config.schema.json"`). The demo shop\'s config, ' +
      "`seeds/config/demo-config.json`, is a complete example.",
    "",
    "Beyond the shapes below, publishing also checks what a schema cannot express: every " +
      "variant's slot and experiment exist, an experiment's arms show variants of one slot and " +
      "their weights sum to 1, templates are safe where their output lands, `*Url` data values " +
      "are paths or http(s) URLs, and `endsAt` is an ISO date-time with offset.",
    "",
    "## Keys",
    "",
    `\`${ID}\` stands for a name you choose. \`[]\` is an element of a list.`,
    "",
    ...markdownTable(
      ["key", "type", "required", "default", "allowed", "what it does"],
      rows.map((r) => [
        code(r.path),
        cell(r.type),
        r.required ? "yes" : "",
        defaultCell(r.defaultValue, r.path),
        r.allowed.join("; "),
        cell(
          r.type === "rule" ? sentence(r.doc, "see [Targeting rules](#targeting-rules)") : r.doc,
        ),
      ]),
    ),
    "",
  ];

  for (const r of rows) {
    if (r.defaultValue === undefined || defaultCell(r.defaultValue, r.path).startsWith("`"))
      continue;
    lines.push(
      `### ${defaultHeading(r.path)}`,
      "",
      "```json",
      JSON.stringify(r.defaultValue, null, 2),
      "```",
      "",
    );
  }

  lines.push(
    "## Product lists",
    "",
    `\`items.source\` picks one of: ${LIST_SOURCES.map((s) => code(s)).join(", ")}. ` +
      "How each is built: [recommendations.md](recommendations.md).",
    "",
    "## Template names",
    "",
    "Templates are Mustache with `{{name}}` only (always escaped). Outside a section they may " +
      `read: ${VIEW_ROOTS.map((r) => code(r)).join(", ")} (see \`TemplateView\` in ` +
      "`workers/edge/decide/render.ts`).",
    "",
    ...rulesSection(schema),
  );
  return lines.join("\n");
}

function rulesSection(schema: JsonSchema): string[] {
  const rule = schema.$defs?.Rule;
  const listMax = rule?.anyOf?.find((b) => b.properties?.all)?.properties?.all?.maxItems;
  const scopes: Record<string, string> = {
    request: "request (works without consent)",
    profile: "profile",
    session: "session",
  };
  return [
    "## Targeting rules",
    "",
    rule?.description ?? "",
    "",
    "A rule is one of:",
    "",
    `- \`{ "all": [rule, ...] }\`: every rule holds${listMax ? ` (at most ${listMax})` : ""};`,
    `- \`{ "any": [rule, ...] }\`: at least one holds${listMax ? ` (at most ${listMax})` : ""};`,
    '- `{ "not": rule }`: the rule does not hold;',
    '- `{ "field": ..., "op": ..., "value": ... }`: a condition on one field.',
    "",
    "Fields of the request scope are known from the request alone, so they apply to visitors " +
      "without personalization consent; profile and session fields need stored data.",
    "",
    "### Operators by field type",
    "",
    ...markdownTable(
      ["type", "operators"],
      (Object.keys(OPS_BY_TYPE) as FieldType[]).map((t) => [
        t,
        OPS_BY_TYPE[t].map((op) => code(op)).join(", "),
      ]),
    ),
    "",
    "### Fields",
    "",
    ...markdownTable(
      ["field", "type", "scope", "values", "what it is"],
      FIELD_NAMES.map((name) => {
        const spec = fieldSpec(name);
        return [
          code(name),
          spec.type,
          scopes[spec.scope] ?? spec.scope,
          spec.values?.map((v) => code(v)).join(", ") ?? "",
          cell(spec.doc),
        ];
      }),
    ),
    "",
  ];
}

/** The file's text, formatted the way the repository's prettier would. */
export async function configDocsText(path = CONFIG_DOCS_PATH): Promise<string> {
  const options = (await resolveConfig(resolve(path))) ?? {};
  return format(configDocsMarkdown(), { ...options, parser: "markdown" });
}

if (process.argv[1]?.endsWith("config-docs.ts")) {
  writeFileSync(CONFIG_DOCS_PATH, await configDocsText());
  console.log(`wrote ${CONFIG_DOCS_PATH}`);
}
