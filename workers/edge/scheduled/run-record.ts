import { eq } from "drizzle-orm";
import { trainingRuns } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import type { Db } from "../db/client.ts";

/**
 * Marks a job's run (`training_runs`) as failed with the error, then throws the error again.
 * Best effort: Turso failing as well must not hide the job's own error.
 */
export async function failRun(db: Db, runId: string, err: unknown): Promise<never> {
  await db
    .update(trainingRuns)
    .set({ status: "failed", finishedAt: clock.now(), error: String(err) })
    .where(eq(trainingRuns.id, runId))
    .catch(() => undefined);
  throw err;
}
