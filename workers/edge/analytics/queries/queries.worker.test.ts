import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { exposures } from "../../../../schema/index.ts";
import { createDb } from "../../db/client.ts";
import { settingsOf } from "../../settings.ts";
import { MODELS } from "../attribution/attribution.ts";
import { attributionReport } from "./attribution-query.ts";
import { customerView } from "./customer-view-query.ts";
import { experimentReport } from "./experiment-results.ts";
import { overview } from "./overview-query.ts";

const db = createDb(settingsOf(env));
const DAY = 86_400_000;
/** A window holding every seeded visit and order, taken from the data (not the calendar). */
async function seededRange() {
  const [row] = await db.all<{ from: number; to: number }>(sql`
    SELECT min(t) AS "from", max(t) AS "to" FROM (
      SELECT started_at AS t FROM sessions UNION ALL SELECT created_at FROM orders)`);
  return { from: Number(row!.from), to: Number(row!.to) };
}

describe("analytics queries on the seeded Turso data", () => {
  it("overview: one point per day, adding up to the period's visits and revenue", async () => {
    const range = await seededRange();
    const o = await overview(db, range);
    const [s] = await db.all<{ n: number }>(sql`
      SELECT count(*) AS n FROM sessions WHERE started_at >= ${range.from} AND started_at <= ${range.to}`);
    const [r] = await db.all<{ cents: number }>(sql`
      SELECT coalesce(sum(total_cents), 0) AS cents FROM orders
      WHERE created_at >= ${range.from} AND created_at <= ${range.to}`);
    expect(o.sessions).toBe(Number(s!.n));
    expect(o.revenueCents).toBe(Number(r!.cents));
    expect(o.daily.reduce((n, d) => n + d.sessions, 0)).toBe(o.sessions);
    expect(o.daily.reduce((n, d) => n + d.revenueCents, 0)).toBe(o.revenueCents);
    const days = o.daily.map((d) => d.day);
    expect(new Set(days).size).toBe(days.length);
    for (const d of days) expect(d % DAY).toBe(0);
    expect(o.daily.length).toBe(Math.floor(range.to / DAY) - Math.floor(range.from / DAY) + 1);
  });

  it("attribution: every model's channel column sums to the revenue of the orders", async () => {
    const range = await seededRange();
    const report = await attributionReport(db, range);
    const [r] = await db.all<{ cents: number; n: number }>(sql`
      SELECT coalesce(sum(total_cents), 0) AS cents, count(*) AS n FROM orders
      WHERE created_at >= ${range.from} AND created_at <= ${range.to}`);
    expect(report.orders).toBe(Number(r!.n));
    expect(report.totalCents).toBe(Number(r!.cents));
    for (const m of MODELS) {
      expect(report.byChannel.rows.reduce((s, row) => s + row.cents[m], 0)).toBe(report.totalCents);
    }
  });

  it("experiment results count exposures from the table and page-view payloads once", async () => {
    const id = `q-test-${Date.now()}`;
    const spec = {
      id,
      control: "control",
      arms: [
        { id: "control", weight: 0.5 },
        { id: "b", weight: 0.5 },
      ],
    };
    const t = Date.UTC(2026, 9, 1);
    await db.insert(exposures).values([
      { experimentId: id, visitorId: `${id}-1`, variant: "control", exposedAt: t },
      { experimentId: id, visitorId: `${id}-2`, variant: "b", exposedAt: t },
    ]);
    const page = (visitor: string, arm: string, at: number, n: number) => ({
      eventId: `${id}-pv-${n}`,
      visitorId: visitor,
      type: "page_view",
      occurredAt: at,
      receivedAt: at,
      payload: { exposures: [{ experiment: id, arm }] },
    });
    await db.run(sql`DELETE FROM events WHERE visitor_id LIKE ${`${id}%`}`);
    const { events } = await import("../../../../schema/index.ts");
    await db.insert(events).values([
      page(`${id}-1`, "control", t + 10, 1), // same visitor again, from the payload
      page(`${id}-3`, "b", t + 20, 2), // only known from page views
      page(`${id}-3`, "b", t + 30, 3),
      {
        eventId: `${id}-buy`,
        visitorId: `${id}-3`,
        type: "purchase",
        occurredAt: t + 40,
        receivedAt: t + 40,
        valueCents: 5000,
        payload: {},
      },
    ]);
    const report = await experimentReport(db, spec, { goal: "purchase", until: t + DAY });
    expect(report.exposures.counted).toBe(3);
    expect(report.exposures.duplicates).toBe(2);
    expect(report.arms.map((a) => [a.arm, a.visitors, a.converters, a.revenueCents])).toEqual([
      ["control", 1, 0, 0],
      ["b", 2, 1, 5000],
    ]);
  });

  it("single customer view gathers a customer's devices and orders; unknown ids give null", async () => {
    const [row] = await db.all<{ customer_id: string }>(sql`
      SELECT customer_id FROM identities GROUP BY customer_id HAVING count(*) > 1 LIMIT 1`);
    const view = await customerView(db, row!.customer_id);
    const [links] = await db.all<{ n: number }>(sql`
      SELECT count(*) AS n FROM identities WHERE customer_id = ${row!.customer_id}`);
    expect(view!.customer!.id).toBe(row!.customer_id);
    expect(view!.visitorIds.length).toBeGreaterThanOrEqual(Number(links!.n));
    // Found again from one of its devices.
    const again = await customerView(db, view!.visitorIds[0]!);
    expect(again!.customer!.id).toBe(row!.customer_id);
    expect(await customerView(db, "nobody-at-all")).toBeNull();
    expect(await customerView(db, "")).toBeNull();
  });
});
