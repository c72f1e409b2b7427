import { Hono } from "hono";
import { z } from "zod";
import { forgetMerchModel } from "../catalog/model-store.ts";
import { createDb } from "../db/client.ts";
import { ApiError, parseInput } from "../errors.ts";
import { rollbackModel, RollbackError } from "../scheduled/publish-model.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";

export const ModelRollback = z.strictObject({
  /** A version that was served before; the newest superseded one when absent. */
  version: z.string().min(1).max(100).optional(),
});

/** Recommendation models: an instant rollback flips the pointer back to a kept version. */
export const adminModels = new Hono<{ Bindings: Env }>().post(
  "/rollback",
  describeRoute({
    summary: "Serve a previous recommendation model again (the newest superseded one by default)",
    tag: "admin",
    body: ModelRollback,
    responses: {
      200: ["Pointer flipped: { from, to }"],
      400: ["Invalid field", ErrorEnvelope],
      409: ["No such served version kept", ErrorEnvelope],
    },
  }),
  async (c) => {
    const { version } = parseInput(
      ModelRollback,
      await c.req.json().catch(() => ({})),
      "invalid_rollback",
    );
    try {
      const result = await rollbackModel(c.env.MODELS, createDb(settingsOf(c.env)), version);
      forgetMerchModel();
      return c.json(result);
    } catch (err) {
      if (err instanceof RollbackError) throw new ApiError(409, "cannot_roll_back", err.message);
      throw err;
    }
  },
);
