import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIELD_NAMES, OPS_BY_TYPE, fieldSpec } from "../workers/edge/decide/fields.ts";
import { configJsonSchema } from "../workers/edge/decide/json-schema.ts";
import {
  CONFIG_DOCS_PATH,
  configDocsMarkdown,
  configDocsText,
  keyRows,
  type JsonSchema,
} from "./config-docs.ts";

describe("configuration reference (docs/configuration.md)", () => {
  it("is exactly what `npm run docs:config` writes from the current schema", async () => {
    // On failure: run `npm run docs:config` and commit docs/configuration.md.
    expect(readFileSync(CONFIG_DOCS_PATH, "utf8")).toBe(await configDocsText());
  });

  it("has a row for every config key and every targeting field, with its operators", () => {
    const text = configDocsMarkdown();
    const schema = configJsonSchema() as JsonSchema;
    for (const key of Object.keys(schema.properties ?? {})) {
      expect(text).toContain(`| \`${key}\``);
    }
    for (const field of FIELD_NAMES) {
      const row = text.split("\n").find((line) => line.startsWith(`| \`${field}\``));
      expect(row, field).toBeDefined();
      expect(row).toContain(`| ${fieldSpec(field).type} |`);
      for (const value of fieldSpec(field).values ?? []) expect(row).toContain(`\`${value}\``);
    }
    for (const [type, ops] of Object.entries(OPS_BY_TYPE)) {
      expect(text).toContain(`| ${type} `);
      for (const op of ops) expect(text).toContain(`\`${op}\``);
    }
  });

  it("walks objects, maps and lists, with required keys, defaults and limits", () => {
    const schema: JsonSchema = {
      type: "object",
      required: ["slots"],
      properties: {
        slots: {
          type: "object",
          propertyNames: { type: "string", pattern: "^[a-z]+$" },
          additionalProperties: {
            type: "object",
            required: ["action"],
            properties: {
              action: { type: "string", enum: ["replace", "remove"], description: "What to do" },
              limit: { type: "integer", minimum: 1, maximum: 24, default: 4 },
            },
          },
        },
        rules: {
          type: "array",
          maxItems: 3,
          items: { type: "object", properties: { pattern: { type: "string", maxLength: 9 } } },
        },
        size: { anyOf: [{ type: "integer", minimum: 0 }, { type: "null" }] },
      },
    };
    expect(keyRows(schema)).toEqual([
      {
        path: "slots",
        type: "map: name → object",
        required: true,
        defaultValue: undefined,
        allowed: ["keys match `^[a-z]+$`"],
        doc: "",
      },
      {
        path: "slots.<id>",
        type: "object",
        required: true,
        defaultValue: undefined,
        allowed: [],
        doc: "",
      },
      {
        path: "slots.<id>.action",
        type: "string",
        required: true,
        defaultValue: undefined,
        allowed: ["`replace`, `remove`"],
        doc: "What to do",
      },
      {
        path: "slots.<id>.limit",
        type: "integer",
        required: false,
        defaultValue: 4,
        allowed: ["1–24"],
        doc: "",
      },
      {
        path: "rules",
        type: "list of object",
        required: false,
        defaultValue: undefined,
        allowed: ["≤ 3 items"],
        doc: "",
      },
      {
        path: "rules[]",
        type: "object",
        required: true,
        defaultValue: undefined,
        allowed: [],
        doc: "",
      },
      {
        path: "rules[].pattern",
        type: "string",
        required: false,
        defaultValue: undefined,
        allowed: ["≤ 9 characters"],
        doc: "",
      },
      {
        path: "size",
        type: "integer or null",
        required: false,
        defaultValue: undefined,
        allowed: ["≥ 0"],
        doc: "",
      },
    ]);
  });
});
