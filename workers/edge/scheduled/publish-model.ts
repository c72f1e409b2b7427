import { and, desc, eq, inArray } from "drizzle-orm";
import { modelVersions } from "../../../schema/index.ts";
import type { Db } from "../db/client.ts";
import { decodeModel, verifyModel, type Encoded, type Manifest } from "../recommend/codec.ts";
import type { RecoModel } from "../recommend/model.ts";

import { manifestKey, MODEL_POINTER, modelPrefix, shardKey } from "../kv-keys.ts";

/*
 * Recommendation models in KV (keys: kv-keys.ts): shards and manifest are written first and
 * the pointer last, so a reader never sees half a model; old versions stay for instant rollback.
 */
export { manifestKey, MODEL_POINTER, modelPrefix, shardKey };

/** Published versions kept in KV (the serving one included); older ones are deleted from KV. */
export const KEEP_VERSIONS = 3;

/**
 * Reads a stored model; null when it is missing or its sizes are wrong. `verify` also checks
 * every entry (verifyModel): a pass over the whole model, not for the hot path.
 */
export async function readModel(
  kv: KVNamespace,
  version: string,
  { verify = false } = {},
): Promise<RecoModel | null> {
  const manifest = await kv.get<Manifest>(manifestKey(version), "json").catch(() => null);
  if (!manifest || !Number.isInteger(manifest.shards) || manifest.shards < 0) return null;
  const shards = await Promise.all(
    Array.from({ length: manifest.shards }, (_, i) =>
      kv.get(shardKey(version, i), "arrayBuffer").catch(() => null),
    ),
  );
  try {
    const model = decodeModel(manifest, shards);
    if (verify) verifyModel(model);
    return model;
  } catch {
    return null;
  }
}

/**
 * Writes a model's shards and manifest, then flips the pointer; records the version in Turso
 * (the previous serving version becomes `superseded`) and deletes versions beyond the kept ones.
 */
export async function publishModel(
  kv: KVNamespace,
  db: Db,
  encoded: Encoded,
  now: number,
  keep = KEEP_VERSIONS,
): Promise<void> {
  const { manifest, shards } = encoded;
  const version = manifest.version;
  await db.insert(modelVersions).values({
    version,
    status: "pending",
    kvPrefix: modelPrefix(version),
    items: manifest.items,
    metrics: manifest.metrics,
    createdAt: now,
  });
  await Promise.all(shards.map((s, i) => kv.put(shardKey(version, i), s)));
  await kv.put(manifestKey(version), JSON.stringify(manifest));
  await kv.put(MODEL_POINTER, version);
  await db
    .update(modelVersions)
    .set({ status: "superseded" })
    .where(eq(modelVersions.status, "published"));
  await db
    .update(modelVersions)
    .set({ status: "published" })
    .where(eq(modelVersions.version, version));
  await evictOldVersions(kv, db, keep);
}

/** Records a model that was trained but not served (it scored worse offline). */
export async function recordRejected(db: Db, manifest: Manifest, now: number): Promise<void> {
  await db.insert(modelVersions).values({
    version: manifest.version,
    status: "rejected",
    kvPrefix: modelPrefix(manifest.version),
    items: manifest.items,
    metrics: manifest.metrics,
    createdAt: now,
  });
}

async function evictOldVersions(kv: KVNamespace, db: Db, keep: number): Promise<void> {
  const stored = await db
    .select({ version: modelVersions.version })
    .from(modelVersions)
    .where(inArray(modelVersions.status, ["published", "superseded", "rolled_back"]))
    .orderBy(desc(modelVersions.createdAt));
  for (const { version } of stored.slice(keep)) {
    const manifest = await kv.get<Manifest>(manifestKey(version), "json").catch(() => null);
    if (!manifest) continue;
    // Manifest first: a half-deleted version is then unreadable rather than inconsistent.
    await kv.delete(manifestKey(version));
    for (let i = 0; i < (manifest.shards ?? 0); i++) await kv.delete(shardKey(version, i));
  }
}

export class RollbackError extends Error {}

/**
 * Serves an earlier model again: `version` if given, else the newest superseded one still in
 * KV. Every entry of the target is checked before the pointer flips, so a rollback can never
 * point the edge at a damaged model. Behind the admin token
 * (`POST /__vitrine/v1/admin/models/rollback`).
 */
export async function rollbackModel(
  kv: KVNamespace,
  db: Db,
  version?: string,
): Promise<{ from: string | null; to: string }> {
  const from = await kv.get(MODEL_POINTER);
  const candidates = version
    ? [version]
    : (
        await db
          .select({ version: modelVersions.version })
          .from(modelVersions)
          .where(eq(modelVersions.status, "superseded"))
          .orderBy(desc(modelVersions.createdAt))
      ).map((r) => r.version);
  for (const to of candidates) {
    if (to === from) continue;
    const [row] = await db.select().from(modelVersions).where(eq(modelVersions.version, to));
    if (!row || row.status === "rejected" || row.status === "pending") {
      if (version) throw new RollbackError(`version ${to} was never served`);
      continue;
    }
    if (!(await readModel(kv, to, { verify: true }))) {
      if (version) throw new RollbackError(`version ${to} is missing from KV or damaged`);
      continue;
    }
    await kv.put(MODEL_POINTER, to);
    if (from)
      await db
        .update(modelVersions)
        .set({ status: "rolled_back" })
        .where(and(eq(modelVersions.version, from), eq(modelVersions.status, "published")));
    await db
      .update(modelVersions)
      .set({ status: "published" })
      .where(eq(modelVersions.version, to));
    return { from, to };
  }
  throw new RollbackError("no earlier model version to roll back to");
}
