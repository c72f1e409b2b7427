import { z } from "zod";
import { ConfigSchema } from "./config-schema.ts";

/**
 * The config's JSON Schema, for editors (`"$schema": "./personalization-config.schema.json"`)
 * and other tools. Cross-references and template safety are only checked by `parseConfig`.
 */
export function configJsonSchema(): Record<string, unknown> {
  // `input`: fields with defaults (priority, experiments) are optional when writing a config.
  return z.toJSONSchema(ConfigSchema, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
}
