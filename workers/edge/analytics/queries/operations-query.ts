import { and, desc, eq, isNotNull, ne } from "drizzle-orm";
import { configVersions, modelVersions, trainingRuns } from "../../../../schema/index.ts";
import type { Db } from "../../db/client.ts";

const LIMIT = 50;

/** Recommendation models and the jobs that trained them, newest first. */
export async function modelsAndRuns(db: Db) {
  const [models, runs] = await Promise.all([
    db.select().from(modelVersions).orderBy(desc(modelVersions.createdAt)).limit(LIMIT),
    db.select().from(trainingRuns).orderBy(desc(trainingRuns.startedAt)).limit(LIMIT),
  ]);
  return { models, runs };
}

/** The jobs whose runs publish what the modules show (rankings, the recommendation model). */
export const PUBLISHING_JOBS = ["rankings", "recommendations"] as const;

/**
 * Each publishing job's latest run that published or rejected a version (not one still
 * running, failed, or without new events): the one whose output the modules use now.
 */
export async function latestPublishingRuns(db: Db) {
  const latest = await Promise.all(
    PUBLISHING_JOBS.map((job) =>
      db
        .select({
          job: trainingRuns.job,
          status: trainingRuns.status,
          metrics: trainingRuns.metrics,
        })
        .from(trainingRuns)
        .where(
          and(
            eq(trainingRuns.job, job),
            isNotNull(trainingRuns.modelVersion),
            ne(trainingRuns.status, "failed"),
          ),
        )
        .orderBy(desc(trainingRuns.startedAt))
        .limit(1),
    ),
  );
  return latest.flat();
}

/** Published configuration versions (the audit trail), newest first, without the documents. */
export async function configHistory(db: Db) {
  return db
    .select({
      version: configVersions.version,
      author: configVersions.author,
      note: configVersions.note,
      createdAt: configVersions.createdAt,
      publishedAt: configVersions.publishedAt,
    })
    .from(configVersions)
    .orderBy(desc(configVersions.version))
    .limit(LIMIT);
}
