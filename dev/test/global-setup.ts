import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { seedDatabase } from "../../seeds/run.ts";
import { startShop } from "../../seeds/shop/server.ts";
import { applyMigrations } from "../database.ts";
import { startLibsqlServer } from "../libsql-server/server.ts";

/**
 * Real dependencies for the suite: a libSQL server on a fresh, migrated database file and the
 * demo shop as the origin. Each project gets its own, on free ports.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "vitrine-test-"));
  const db = await startLibsqlServer({ file: join(dir, "test.db"), port: 0 });
  await applyMigrations({ url: db.url });
  // Worker tests read the demo catalog (and a few histories) from Turso like the real stack.
  if (project.name === "workerd") await seedDatabase({ url: db.url }, { visitors: 100 });
  const shop = await startShop({ port: 0 });
  project.provide("tursoUrl", db.url);
  project.provide("originUrl", shop.url);
  project.provide(
    "demoCss",
    await readFile(new URL("../../seeds/config/vitrine.css", import.meta.url), "utf8"),
  );
  return async () => {
    await shop.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  };
}
