import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { seedDatabase } from "../../seeds/run.ts";
import { startShop } from "../../seeds/shop/server.ts";
import { applyMigrations } from "../database.ts";
import { startLibsqlServer } from "../libsql-server/server.ts";
import { CLOCK_PROJECTS } from "./clock-projects.ts";
import { startFaultProxy } from "./fault-proxy.ts";

/**
 * Real dependencies for the suite: a libSQL server on a fresh, migrated database file and the
 * demo shop as the origin. Each project gets its own, on free ports; the `faults` project
 * reaches its libSQL server through a proxy that tests switch into failure modes.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "vitrine-test-"));
  const db = await startLibsqlServer({ file: join(dir, "test.db"), port: 0 });
  await applyMigrations({ url: db.url });
  // Worker tests read the demo catalog (and a few histories) from Turso like the real stack.
  const clockOffset = CLOCK_PROJECTS[project.name];
  if (project.name === "workerd" || project.name === "published" || clockOffset !== undefined)
    await seedDatabase({ url: db.url }, { visitors: 100, now: Date.now() + (clockOffset ?? 0) });
  const shop = await startShop({ port: 0 });
  // The fault project reaches Turso through a proxy its tests can take down (fault-proxy.ts).
  const faults = project.name === "faults" ? await startFaultProxy(db.url) : null;
  project.provide("tursoUrl", faults?.url ?? db.url);
  project.provide("directTursoUrl", db.url);
  project.provide("faultUrl", faults ? `${faults.url}/__fault` : "");
  project.provide("originUrl", shop.url);
  project.provide(
    "demoCss",
    await readFile(new URL("../../seeds/config/vitrine.css", import.meta.url), "utf8"),
  );
  return async () => {
    await faults?.close();
    await shop.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  };
}
