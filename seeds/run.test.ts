import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { max } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, applyMigrations } from "../dev/database.ts";
import { startLibsqlServer } from "../dev/libsql-server/server.ts";
import { seedSummary } from "../dev/stack.ts";
import * as schema from "../schema/index.ts";
import { DAY_MS, dayStart } from "../workers/edge/clock.ts";
import { seedDatabase } from "./run.ts";

// Any instant works: the data follows it. Chosen far from today on purpose.
const T = Date.UTC(2031, 4, 17, 15, 20);
let server: Awaited<ReturnType<typeof startLibsqlServer>>;
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vitrine-seed-"));
  server = await startLibsqlServer({ file: join(dir, "seed.db"), port: 0 });
  await applyMigrations({ url: server.url });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function newestOrder(): Promise<number> {
  const { client, db } = connect({ url: server.url });
  try {
    const [row] = await db.select({ at: max(schema.orders.createdAt) }).from(schema.orders);
    return Number(row?.at);
  } finally {
    client.close();
  }
}

describe("demo data follows the clock it is seeded with", () => {
  it("ends on the seeding day, whatever the year", async () => {
    const seeded = await seedDatabase({ url: server.url }, { visitors: 100, now: T });
    expect(seeded).toMatchObject({ skipped: false, anchor: dayStart(T) });
    const newest = await newestOrder();
    expect(newest).toBeLessThanOrEqual(dayStart(T));
    expect(newest).toBeGreaterThan(dayStart(T) - 30 * DAY_MS);
    expect(seedSummary(seeded)).toBe("demo data seeded for 2031-05-17");
  });

  it("keeps the same day's data, and keeps older data unless asked to refresh it", async () => {
    const same = await seedDatabase({ url: server.url }, { visitors: 100, now: T + 3_600_000 });
    expect(same.skipped).toBe(true);
    const later = await seedDatabase({ url: server.url }, { visitors: 100, now: T + 40 * DAY_MS });
    expect(later).toMatchObject({ skipped: true, anchor: dayStart(T) });
    expect(await newestOrder()).toBeLessThanOrEqual(dayStart(T));
  });

  it("regenerates data seeded on an earlier day for today when asked (npm start)", async () => {
    const weeksLater = T + 40 * DAY_MS;
    const refreshed = await seedDatabase(
      { url: server.url },
      { visitors: 100, now: weeksLater, refreshStale: true },
    );
    expect(refreshed).toMatchObject({
      skipped: false,
      anchor: dayStart(weeksLater),
      replacedAnchor: dayStart(T),
    });
    expect(await newestOrder()).toBeGreaterThan(dayStart(weeksLater) - 30 * DAY_MS);
    expect(seedSummary(refreshed)).toMatch(
      /^demo data was generated for 2031-05-17 \(40 days ago\): generated again for 2031-06-26/,
    );
  });
});
