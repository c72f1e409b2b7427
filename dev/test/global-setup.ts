import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startShop } from "../../seeds/shop/server.ts";
import { applyMigrations } from "../database.ts";
import { startLibsqlServer } from "../libsql-server/server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    tursoUrl: string;
    originUrl: string;
  }
}

/**
 * Real dependencies for the suite: a libSQL server on a fresh, migrated database file and the
 * demo shop as the origin. Each project gets its own, on free ports.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "vitrine-test-"));
  const db = await startLibsqlServer({ file: join(dir, "test.db"), port: 0 });
  await applyMigrations({ url: db.url });
  const shop = await startShop({ port: 0 });
  project.provide("tursoUrl", db.url);
  project.provide("originUrl", shop.url);
  return async () => {
    await shop.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  };
}
