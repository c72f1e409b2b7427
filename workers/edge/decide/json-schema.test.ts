import { describe, expect, it } from "vitest";
import committed from "../../../seeds/config/personalization-config.schema.json" with { type: "json" };
import { configJsonSchema } from "./json-schema.ts";

describe("config JSON Schema", () => {
  it("the committed file is up to date (regenerate: tsx dev/config-cli.ts schema)", () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it("describes the config's shape, with the recursive rule as a definition", () => {
    const schema = configJsonSchema() as {
      required: string[];
      $defs: Record<string, { anyOf: unknown[] }>;
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual([
      "version",
      "enabled",
      "holdout",
      "defaults",
      "slots",
      "variants",
    ]);
    expect(schema.$defs.Rule!.anyOf).toHaveLength(4);
    expect(JSON.stringify(schema.properties.variants)).toContain('"$ref":"#/$defs/Rule"');
  });
});
