import { desc } from "drizzle-orm";
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
