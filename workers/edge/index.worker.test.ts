import {
  createExecutionContext,
  createScheduledController,
  env,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  categories,
  events,
  orderLines,
  orders,
  products,
  trainingRuns,
} from "../../schema/index.ts";
import { createDb } from "./db/client.ts";
import worker from "./index.ts";
import { RANKINGS_POINTER, rankingsKey } from "./scheduled/publish-rankings.ts";
import { settingsOf } from "./settings.ts";
import { testEvent } from "./model/test-events.ts";
import type { VisitorSession } from "./visitor/visitor-session.ts";

const PUBLIC = "https://shop.example";

async function call(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(PUBLIC + path, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe("fetch: proxy to the shop", () => {
  it("streams non-HTML origin responses through, marked as passed through", async () => {
    const res = await call("/robots.txt");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.headers.get("x-vitrine")).toBe("pass");
    expect(res.headers.get("server-timing")).toMatch(/origin;dur=\d+;desc="(miss|bypass)"/);
    expect(await res.text()).toMatch(/User-agent/i);
  });

  it("passes the origin's 404 and redirects (kept on the public host) through", async () => {
    expect((await call("/no-such-page")).status).toBe(404);
    const form = new URLSearchParams({ productId: "p-0001", qty: "1" });
    const res = await call("/cart/add", { method: "POST", body: form, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(new RegExp(`^(${PUBLIC})?/cart`));
  });

  it("refuses a request that already went through Vitrine (routing loop)", async () => {
    const res = await call("/", { headers: { "x-vitrine-hop": "1" } });
    expect(res.status).toBe(508);
    expect(await res.json()).toMatchObject({ code: "loop_detected" });
  });
});

describe("fetch: edge API", () => {
  it("reports KV, the Durable Object and Turso healthy", async () => {
    const res = await call("/__vitrine/v1/health");
    const body = await res.json<{ ok: boolean; checks: Record<string, { ok: boolean }> }>();
    expect(body.checks).toMatchObject({
      kv: { ok: true },
      durableObject: { ok: true },
      turso: { ok: true },
    });
    expect(res.status).toBe(200);
  });

  it("answers unknown API paths with a JSON 404, never the shop", async () => {
    const res = await call("/__vitrine/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "not_found" });
  });
});

describe("Durable Object: visitor session", () => {
  const event = testEvent;

  it("stores touchpoints once in journey order and answers the session state", async () => {
    const stub = env.VISITOR.get(env.VISITOR.idFromName("visitor-order-test"));
    const batch = [
      event("e2", "add_to_cart", 2, { productId: "p1", data: { unitPriceCents: 1200 } }),
      event("e1", "product_view", 1, { productId: "p1" }),
    ];
    expect(await stub.track("visitor-order-test", batch)).toMatchObject({
      accepted: 2,
      duplicates: 0,
    });
    // A retried batch is counted once.
    expect(await stub.track("visitor-order-test", batch)).toMatchObject({
      accepted: 0,
      duplicates: 2,
    });
    const { session: state } = await stub.state("s1", 3);
    expect(state.journeyStage).toBe("cart");
    expect(state.cart.valueCents).toBe(1200);
    expect((await stub.touchpoints()).map((t) => t.id)).toEqual(["e1", "e2"]);
    const rows = await runInDurableObject(stub, (_instance: VisitorSession, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM touchpoints").one(),
    );
    expect(rows.n).toBe(2);
  });

  it("answers the latest touchpoints, oldest first, when asked for fewer than it holds", async () => {
    const stub = env.VISITOR.get(env.VISITOR.idFromName("visitor-latest-test"));
    await stub.track(
      "visitor-latest-test",
      [1, 2, 3, 4, 5].map((i) => event(`t${i}`, "product_view", i, { productId: `p${i}` })),
    );
    expect((await stub.touchpoints(2)).map((t) => t.id)).toEqual(["t4", "t5"]);
  });
});

describe("scheduled: rankings", () => {
  it("publishes bestsellers from Turso orders to KV and records the run", async () => {
    const db = createDb(settingsOf(env));
    const now = Date.UTC(2026, 10, 20);
    await db.insert(categories).values({ id: "cron-cat", name: "Cron test" }).onConflictDoNothing();
    const product = (id: string, stock: number) => ({
      id,
      sku: `SKU-${id}`,
      name: id,
      slug: id,
      categoryId: "cron-cat",
      brand: "Test",
      priceCents: 1000,
      rating: 4.5,
      reviewCount: 10,
      stock,
      imageUrl: `/img/${id}.svg`,
      createdAt: now,
      updatedAt: now,
    });
    await db
      .insert(products)
      .values([product("cron-a", 10), product("cron-b", 10)])
      .onConflictDoNothing();
    await db
      .insert(orders)
      .values({ id: "cron-o1", visitorId: "v1", totalCents: 5000, createdAt: now - 1000 });
    await db.insert(orderLines).values([
      { orderId: "cron-o1", lineNo: 1, productId: "cron-b", quantity: 4, unitPriceCents: 1000 },
      { orderId: "cron-o1", lineNo: 2, productId: "cron-a", quantity: 1, unitPriceCents: 1000 },
    ]);

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "*/15 * * * *", scheduledTime: now }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const version = await env.MODELS.get(RANKINGS_POINTER);
    expect(version).toBe(String(now));
    const rankings = await env.MODELS.get<{ bestsellersByCategory: Record<string, string[]> }>(
      rankingsKey(String(now)),
      "json",
    );
    expect(rankings?.bestsellersByCategory["cron-cat"]).toEqual(["cron-b", "cron-a"]);
    const [run] = await db
      .select()
      .from(trainingRuns)
      .where(eq(trainingRuns.id, `rankings-${now}`));
    expect(run?.status).toBe("succeeded");
  });
});

describe("scheduled: retention", () => {
  it("deletes raw events past the retention limit and keeps recent ones", async () => {
    const db = createDb(settingsOf(env));
    const now = Date.UTC(2026, 10, 21);
    const day = 24 * 3600 * 1000;
    const event = (eventId: string, occurredAt: number) => ({
      eventId,
      visitorId: "retention-visitor",
      type: "page_view",
      occurredAt,
      receivedAt: occurredAt,
    });
    await db
      .insert(events)
      .values([event("old", now - 400 * day), event("recent", now - 10 * day)]);

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "30 3 * * *", scheduledTime: now }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const left = await db
      .select({ id: events.eventId })
      .from(events)
      .where(eq(events.visitorId, "retention-visitor"));
    expect(left.map((r) => r.id)).toEqual(["recent"]);
  });
});
