import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { withBudget, type Budgeted } from "../budget.ts";
import { createDb } from "../db/client.ts";
import { settingsOf } from "../settings.ts";

const CHECK_BUDGET_MS = 2000;

type Check = { ok: boolean; ms: number; detail?: string };

function asCheck(result: Budgeted<unknown>): Check {
  if (result.ok) return { ok: true, ms: result.ms };
  const detail = result.reason === "timeout" ? "timed out" : String(result.error);
  return { ok: false, ms: result.ms, detail };
}

/**
 * Readiness of every dependency the Worker has: KV, the visitor Durable Object and Turso.
 * 200 when all answer within the budget, 503 (with which one failed) otherwise.
 */
export const health = new Hono<{ Bindings: Env }>().get("/", async (c) => {
  const settings = settingsOf(c.env);
  const [kv, durableObject, turso] = await Promise.all([
    withBudget(CHECK_BUDGET_MS, () => c.env.CONFIG.get("config:active")),
    withBudget(CHECK_BUDGET_MS, () =>
      c.env.VISITOR.get(c.env.VISITOR.idFromName("__health")).state("health", Date.now()),
    ),
    withBudget(CHECK_BUDGET_MS, () => createDb(settings).run(sql`select 1`)),
  ]);
  const checks = { kv: asCheck(kv), durableObject: asCheck(durableObject), turso: asCheck(turso) };
  const ok = Object.values(checks).every((check) => check.ok);
  return c.json({ ok, checks }, ok ? 200 : 503, { "cache-control": "no-store" });
});
