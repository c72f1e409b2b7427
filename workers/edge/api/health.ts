import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { withBudget, type Budgeted } from "../budget.ts";
import { createDb } from "../db/client.ts";
import { latestPublishingRuns } from "../analytics/queries/operations-query.ts";
import { degradedJobs } from "../scheduled/run-warnings.ts";
import { settingsOf } from "../settings.ts";
import { describeRoute } from "./route-docs.ts";
import * as clock from "../clock.ts";

const CHECK_BUDGET_MS = 2000;

const Check = z.object({ ok: z.boolean(), ms: z.number(), detail: z.string().optional() });
type Check = z.infer<typeof Check>;
const Health = z.object({
  ok: z.boolean(),
  checks: z.object({ kv: Check, durableObject: Check, turso: Check }),
  /** What the published rankings and model lack, e.g. `rankings: no products sold in ...`. */
  degraded: z.array(z.string()),
});

function asCheck(result: Budgeted<unknown>): Check {
  if (result.ok) return { ok: true, ms: result.ms };
  const detail = result.reason === "timeout" ? "timed out" : String(result.error);
  return { ok: false, ms: result.ms, detail };
}

/**
 * Readiness of every dependency the Worker has: KV, the visitor Durable Object and Turso.
 * 200 when all answer within the budget, 503 (with which one failed) otherwise. `degraded`
 * lists what the latest published rankings and model lack (`rankings: no products sold in the
 * last 30 days`): the Worker serves, but the modules fed by them stay empty. Empty when Turso
 * cannot say (its check fails then).
 */
export const health = new Hono<{ Bindings: Env }>().get(
  "/",
  describeRoute({
    summary: "Readiness of KV, the Durable Object and Turso",
    tag: "ops",
    responses: { 200: ["All dependencies answer", Health], 503: ["One does not", Health] },
  }),
  async (c) => {
    const settings = settingsOf(c.env);
    const [kv, durableObject, turso, runs] = await Promise.all([
      withBudget(CHECK_BUDGET_MS, () => c.env.CONFIG.get("config:active")),
      withBudget(CHECK_BUDGET_MS, () =>
        c.env.VISITOR.get(c.env.VISITOR.idFromName("__health")).state("health", clock.now()),
      ),
      withBudget(CHECK_BUDGET_MS, () => createDb(settings).run(sql`select 1`)),
      withBudget(CHECK_BUDGET_MS, () => latestPublishingRuns(createDb(settings))),
    ]);
    const checks = {
      kv: asCheck(kv),
      durableObject: asCheck(durableObject),
      turso: asCheck(turso),
    };
    const ok = Object.values(checks).every((check) => check.ok);
    const degraded = runs.ok ? degradedJobs(runs.value) : [];
    return c.json({ ok, checks, degraded }, ok ? 200 : 503, { "cache-control": "no-store" });
  },
);
