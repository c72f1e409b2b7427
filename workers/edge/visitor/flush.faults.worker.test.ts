import { env, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { count, eq } from "drizzle-orm";
import { afterEach, describe, expect, inject, it } from "vitest";
import { events, orders, visitors } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { FaultMode } from "../../../dev/test/fault-proxy.ts";
import { call, consenting } from "../test-support/requests.ts";

// Turso as the Worker sees it goes through the fault proxy; the checks read it directly.
const direct = createDb({ tursoUrl: inject("directTursoUrl"), tursoAuthToken: "" });
const fault = async (mode: FaultMode) => {
  const res = await fetch(`${inject("faultUrl")}/${mode}`, { method: "POST" });
  expect(res.status).toBe(200);
};
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));
const rowsOf = async (visitorId: string) =>
  (await direct.select({ n: count() }).from(events).where(eq(events.visitorId, visitorId)))[0]!.n;

async function send(visitorId: string, ids: string[]) {
  const res = await call("/__vitrine/v1/events", {
    method: "POST",
    headers: await consenting(visitorId),
    body: JSON.stringify({
      events: ids.map((id) => ({
        id,
        type: "product_view",
        productId: "p-0001",
        pageType: "product",
      })),
    }),
  });
  expect(res.status).toBe(202);
}

afterEach(() => fault("up"));

describe("flush to Turso under faults", () => {
  it("keeps events while Turso is down and delivers each exactly once when it is back", async () => {
    const visitorId = crypto.randomUUID();
    await fault("down");
    await send(visitorId, ["a1", "a2", "a3"]);
    await runDurableObjectAlarm(stubOf(visitorId));
    await send(visitorId, ["a3", "a4"]);
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await stubOf(visitorId).pending()).toBe(4);
    expect(await rowsOf(visitorId)).toBe(0);
    // The failed attempts scheduled retries: the alarm is still set.
    await fault("up");
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await rowsOf(visitorId)).toBe(4);
    expect(await stubOf(visitorId).pending()).toBe(0);
  });

  it("does not duplicate a flush that committed but was never acknowledged (restart mid-flush)", async () => {
    const visitorId = crypto.randomUUID();
    await send(visitorId, ["b1", "b2"]);
    const buy = {
      id: "b3",
      type: "purchase",
      valueCents: 1000,
      data: {
        orderId: `o-${visitorId}`,
        lines: [{ productId: "p-0001", quantity: 1, unitPriceCents: 1000 }],
      },
    };
    await call("/__vitrine/v1/events", {
      method: "POST",
      headers: await consenting(visitorId),
      body: JSON.stringify({ events: [buy] }),
    });
    await fault("lose-responses");
    await runDurableObjectAlarm(stubOf(visitorId));
    // Turso has the rows, the object does not know it and restarts.
    expect(await rowsOf(visitorId)).toBe(3);
    expect(await stubOf(visitorId).pending()).toBe(3);
    await evictDurableObject(stubOf(visitorId));
    await fault("up");
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await stubOf(visitorId).pending()).toBe(0);
    expect(await rowsOf(visitorId)).toBe(3);
    const orderRows = await direct.select().from(orders).where(eq(orders.visitorId, visitorId));
    expect(orderRows).toHaveLength(1);
  });

  it("finishes an erasure requested while Turso was down once it is back", async () => {
    const visitorId = crypto.randomUUID();
    await send(visitorId, ["c1"]);
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await rowsOf(visitorId)).toBe(1);
    await fault("down");
    expect(await stubOf(visitorId).erase(visitorId)).toMatchObject({ status: "pending" });
    // Nothing new is accepted while the erasure is pending.
    await send(visitorId, ["c2"]);
    expect(await stubOf(visitorId).pending()).toBe(0);
    await fault("up");
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await rowsOf(visitorId)).toBe(0);
    expect(await direct.select().from(visitors).where(eq(visitors.id, visitorId))).toEqual([]);
    expect(await stubOf(visitorId).touchpoints()).toEqual([]);
  });
});
