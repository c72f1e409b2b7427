import { settingsOf } from "../settings.ts";
import { publishRankings } from "./publish-rankings.ts";
import { recomputeSegments } from "./recompute-segments.ts";
import { enforceEventRetention } from "./retention.ts";
import { trainRecommendations } from "./train-recommendations.ts";

type Job = (env: Env, controller: ScheduledController) => Promise<unknown>;

/** Cron expression (exactly as in wrangler.toml) -> the jobs it runs. */
export const JOBS: Record<string, Job[]> = {
  // Rankings and the incremental trainer (each run folds in at most a bounded batch of events).
  "*/15 * * * *": [
    (env, c) => publishRankings(env, settingsOf(env), c.scheduledTime),
    (env, c) => trainRecommendations(env, settingsOf(env), c.scheduledTime),
  ],
  // Nightly: retention, then segments over the whole buyer population.
  "30 3 * * *": [
    (env, c) => enforceEventRetention(settingsOf(env), c.scheduledTime),
    (env, c) => recomputeSegments(settingsOf(env), c.scheduledTime),
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
  const results = await Promise.allSettled(jobs.map((job) => job(env, controller)));
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length)
    throw new AggregateError(
      failed.map((f) => f.reason),
      "scheduled job failed",
    );
}
