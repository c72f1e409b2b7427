import * as clock from "../clock.ts";
import { publishDue } from "../config/config-publishing.ts";
import { createDb } from "../db/client.ts";
import { settingsOf } from "../settings.ts";
import { publishRankings } from "./publish-rankings.ts";
import { pullCatalogFeed } from "./pull-catalog.ts";
import { recomputeSegments } from "./recompute-segments.ts";
import { enforceEventRetention } from "./retention.ts";
import { trainRecommendations } from "./train-recommendations.ts";

/** A job gets the time the cron was scheduled for, as the clock reads it. */
type Job = (env: Env, at: number) => Promise<unknown>;

/** Cron expression (exactly as in wrangler.toml) -> the jobs it runs. */
export const JOBS: Record<string, Job[]> = {
  // Rankings, the incremental trainer (each run folds in at most a bounded batch of events),
  // and config versions whose scheduled publish time has come.
  "*/15 * * * *": [
    (env, at) => publishRankings(env, settingsOf(env), at),
    (env, at) => trainRecommendations(env, settingsOf(env), at),
    (env, at) => publishDue(env, createDb(settingsOf(env)), at),
  ],
  // Hourly: the shop's feed, then rankings at once, so a product gone out of stock or removed
  // leaves the modules without waiting for the next quarter hour.
  "5 * * * *": [
    async (env, at) => {
      const pulled = await pullCatalogFeed(env, settingsOf(env), at);
      if (!pulled.skipped) await publishRankings(env, settingsOf(env), at);
    },
  ],
  // Nightly: retention, then segments over the whole buyer population.
  "30 3 * * *": [
    (env, at) => enforceEventRetention(settingsOf(env), at),
    (env, at) => recomputeSegments(settingsOf(env), at),
  ],
};

/** The scheduled entry point: runs the jobs of the cron that fired; unknown crons are logged. */
export async function scheduled(
  controller: ScheduledController,
  env: Env,
  _ctx: ExecutionContext,
): Promise<void> {
  const jobs = JOBS[controller.cron];
  if (!jobs) {
    console.warn(JSON.stringify({ msg: "no job for cron", cron: controller.cron }));
    return;
  }
  // One failing job must not stop the others; the failures still fail the invocation.
  const at = clock.fromPlatform(controller.scheduledTime);
  const results = await Promise.allSettled(jobs.map((job) => job(env, at)));
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length)
    throw new AggregateError(
      failed.map((f) => f.reason),
      "scheduled job failed",
    );
}
