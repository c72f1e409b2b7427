import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { trainingRuns } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import worker from "../index.ts";
import { settingsOf } from "../settings.ts";
import { publishRankings } from "./publish-rankings.ts";

const settings = settingsOf(env);
const db = createDb(settings);
// Far after every seeded and test order: nothing sold in the 30 days before it, and its run is
// the latest rankings run of this Turso, so the health check reports it.
const NOTHING_SOLD_AT = Date.UTC(2099, 0, 1);
const NO_SALES = "no products sold in the last 30 days";

async function call(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://shop.example${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const runOf = async (id: string) =>
  (await db.select().from(trainingRuns).where(eq(trainingRuns.id, id)))[0];

describe("publishRankings: degenerate rankings are a warning, not a success", () => {
  it("records rankings with bestsellers as succeeded, without warnings", async () => {
    const now = clock.now();
    const model = await publishRankings(env, settings, now);
    expect(model.bestsellers.length).toBeGreaterThan(0);
    const run = await runOf(`rankings-${now}`);
    expect(run?.status).toBe("succeeded");
    expect(run?.metrics).not.toHaveProperty("warnings");
  });

  it("records a run that sold nothing as degraded, in the health check and on the dashboard", async () => {
    const model = await publishRankings(env, settings, NOTHING_SOLD_AT);
    expect(model.bestsellers).toEqual([]);
    const run = await runOf(`rankings-${NOTHING_SOLD_AT}`);
    expect(run?.status).toBe("degraded");
    expect(run?.metrics).toMatchObject({ productsSold: 0, bestsellers: 0, warnings: [NO_SALES] });

    const health = await call("/__vitrine/v1/health");
    const body = await health.json<{ ok: boolean; checks: object; degraded: string[] }>();
    expect(health.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.checks).toHaveProperty("turso");
    expect(body.degraded).toContain(`rankings: ${NO_SALES}`);

    const page = await call("/__vitrine/dashboard/models", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    const row = html.slice(html.indexOf(`rankings-${NOTHING_SOLD_AT}`));
    expect(row).toMatch(
      /^rankings-\d+<\/code><\/td><td>rankings<\/td><td><span class="badge warn">degraded</,
    );
    expect(row.slice(0, row.indexOf("</tr>"))).toContain(NO_SALES);
  });

  it("reports the latest publishing run of each job: a later healthy model clears its warning", async () => {
    const trained = (id: string, startedAt: number, warnings?: string[]) => ({
      id,
      job: "recommendations",
      startedAt,
      finishedAt: startedAt + 1,
      status: warnings ? "degraded" : "succeeded",
      watermarkFrom: 0,
      modelVersion: String(startedAt),
      metrics: { items: 10, pairs: warnings ? 0 : 25, ...(warnings ? { warnings } : {}) },
    });
    const noPairs = "the published model has no item pairs: every list falls back to popularity";
    const degradedRuns = async () =>
      (await (await call("/__vitrine/v1/health")).json<{ degraded: string[] }>()).degraded;

    await db.insert(trainingRuns).values(trained("train-health-1", NOTHING_SOLD_AT, [noPairs]));
    expect(await degradedRuns()).toContain(`recommendations: ${noPairs}`);
    // A failed run does not replace what is published.
    await db.insert(trainingRuns).values({
      ...trained("train-health-2", NOTHING_SOLD_AT + 1),
      status: "failed",
      modelVersion: null,
    });
    expect(await degradedRuns()).toContain(`recommendations: ${noPairs}`);
    await db.insert(trainingRuns).values(trained("train-health-3", NOTHING_SOLD_AT + 2));
    expect((await degradedRuns()).filter((d) => d.startsWith("recommendations:"))).toEqual([]);
  });
});
