import { env } from "cloudflare:test";
import { and, eq, gte, lte } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { orders, trainingRuns } from "../../schema/index.ts";
import { demoConfigAt } from "../../seeds/config/demo-config.ts";
import * as clock from "./clock.ts";
import { createDb } from "./db/client.ts";
import { integer } from "./dashboard/format.ts";
import { profileOf, publishConfig, publishModel, putProfile } from "./test-support/fixtures.ts";
import { ADMIN, call, consenting, demoProductPath } from "./test-support/requests.ts";
import { settingsOf } from "./settings.ts";

/**
 * The whole dated path with the clock moved a year ahead or back (the clock projects set
 * CLOCK_OFFSET_MS; their Turso was seeded for the moved day): seeded data, the demo config's
 * dated campaign, rankings, the trainer, a personalized page and the dashboard's figures.
 */
const db = createDb(settingsOf(env));
const DAY = clock.DAY_MS;
const giftBuyer = "33333333-cccc-4ccc-8ccc-333333333333";

beforeAll(async () => {
  await publishConfig(demoConfigAt(clock.now()));
});

describe("the demo on a moved clock", () => {
  it("runs on the moved clock, a year away from the machine's", () => {
    expect(Math.abs(clock.now() - Date.now())).toBeGreaterThan(365 * DAY);
  });

  it("publishes bestsellers from the seeded orders of the last 30 days", async () => {
    const model = await publishModel();
    expect(model.generatedAt).toBeGreaterThan(clock.now() - 60_000);
    const sold = await db
      .select({ id: orders.id })
      .from(orders)
      .where(gte(orders.createdAt, clock.now() - 30 * DAY));
    expect(sold.length).toBeGreaterThan(0);
    expect(model.bestsellers.length).toBeGreaterThan(0);
  });

  it("trains recommendations from the seeded events (the rankings cron runs the trainer)", async () => {
    const [run] = await db
      .select()
      .from(trainingRuns)
      .where(eq(trainingRuns.job, "recommendations"))
      .orderBy(trainingRuns.startedAt)
      .limit(1);
    expect(run?.status).toMatch(/^(succeeded|partial)$/);
    expect(run?.eventsRead).toBeGreaterThan(0);
    expect(run?.modelVersion).toBeTruthy();
    expect(Math.abs(run!.startedAt - clock.now())).toBeLessThan(60_000);
  });

  it("personalizes a page with products and runs the dated campaign around today", async () => {
    const competitiveGiftBuyer = { topMode: "competitive" as const, segments: ["gift_buyer"] };
    await putProfile(profileOf(giftBuyer, { ...competitiveGiftBuyer, updatedAt: clock.now() }));
    const home = await call("/", { headers: await consenting(giftBuyer) });
    expect(home.headers.get("x-vitrine")).toBe("personalized");
    expect(home.text).toContain('data-vt-variant="gift-season"');
    const product = await call(await demoProductPath(), { headers: await consenting(giftBuyer) });
    expect(product.headers.get("x-vitrine")).toBe("personalized");
    // Bestsellers of the product's category, from the rankings of the moved day.
    expect(product.text).toMatch(
      /data-vt-variant="competitive-bestsellers"[\s\S]*?class="vt-card"/,
    );
  });

  it("shows the dashboard's order count for the last 30 days as the rows give it", async () => {
    const to = clock.now();
    const counted = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(gte(orders.createdAt, to - 30 * DAY), lte(orders.createdAt, to)));
    expect(counted.length).toBeGreaterThan(0);
    const page = await call("/__vitrine/dashboard?days=30", {
      headers: { ...ADMIN, accept: "text/html" },
    });
    expect(page.status).toBe(200);
    const shown = /<div class="label">Orders<\/div><div class="value">([^<]+)<\/div>/.exec(
      page.text,
    );
    expect(shown?.[1]).toBe(integer(counted.length));
  });
});
