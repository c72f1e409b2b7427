import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  events,
  exposures,
  orderLines,
  orders,
  sessions,
  visitors,
} from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import * as clock from "../clock.ts";
import { BROWSER_UA, call, consenting } from "../test-support/requests.ts";
import { VisitorSession } from "../visitor/visitor-session.ts";

const db = createDb({ tursoUrl: env.TURSO_URL, tursoAuthToken: "" });
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

async function post(body: unknown, headers: Record<string, string>, raw?: string) {
  return call("/__vitrine/v1/events", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw ?? JSON.stringify(body),
  });
}

const rowsOf = async (visitorId: string) =>
  (await db.select({ n: count() }).from(events).where(eq(events.visitorId, visitorId)))[0]!.n;

function view(id: string, productId: string, at = Date.now()) {
  return { id, type: "product_view", at, productId, pageType: "product", path: `/p/${productId}` };
}

describe("events API: storing", () => {
  it("stores a consenting visitor's batch once, however often it is retried", async () => {
    const visitorId = crypto.randomUUID();
    const headers = await consenting(visitorId);
    const batch = {
      events: [
        view("v1", "p-0001"),
        view("v2", "p-0002"),
        {
          id: "c1",
          type: "add_to_cart",
          productId: "p-0002",
          data: { quantity: 2, unitPriceCents: 1500 },
        },
      ],
    };
    const first = await post(batch, headers);
    expect(first.status).toBe(202);
    expect(JSON.parse(first.text)).toMatchObject({
      stored: true,
      accepted: 3,
      duplicates: 0,
      journeyStage: "cart",
    });
    const retry = await post(batch, headers);
    expect(JSON.parse(retry.text)).toMatchObject({ accepted: 0, duplicates: 3 });

    expect(await runDurableObjectAlarm(stubOf(visitorId))).toBe(true);
    expect(await rowsOf(visitorId)).toBe(3);
    // Retried after the flush: the object still knows the ids, Turso is not touched twice.
    await post(batch, headers);
    await runDurableObjectAlarm(stubOf(visitorId));
    expect(await rowsOf(visitorId)).toBe(3);
    const [visitor] = await db.select().from(visitors).where(eq(visitors.id, visitorId));
    expect(visitor).toMatchObject({ id: visitorId, visitCount: 1 });
    expect(await stubOf(visitorId).pending()).toBe(0);
  });

  it("accepts sendBeacon's text/plain bodies and refreshes the session cookie", async () => {
    const visitorId = crypto.randomUUID();
    const res = await post(
      { events: [view("b1", "p-0003")] },
      {
        ...(await consenting(visitorId)),
        "content-type": "text/plain;charset=UTF-8",
      },
    );
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toMatchObject({ stored: true, accepted: 1 });
    expect(res.headers.get("set-cookie")).toMatch(/vt_sid=/);
  });

  it("writes purchases as orders with their lines, and exposures once per experiment", async () => {
    const visitorId = crypto.randomUUID();
    const stub = stubOf(visitorId);
    const headers = await consenting(visitorId);
    const orderId = `o-${visitorId.slice(0, 8)}`;
    await post(
      {
        events: [
          {
            id: "buy",
            type: "purchase",
            valueCents: 4500,
            data: {
              orderId,
              gift: true,
              lines: [
                { productId: "p-0001", quantity: 1, unitPriceCents: 1500 },
                { productId: "p-0002", quantity: 2, unitPriceCents: 1500 },
              ],
            },
          },
        ],
      },
      headers,
    );
    const exposed = (id: string, arm: string) => ({
      id,
      type: "page_view" as const,
      at: Date.now(),
      sessionId: "s-exp",
      path: "/",
      pageType: "home" as const,
      productId: null,
      categoryId: null,
      channel: "search" as const,
      device: "desktop" as const,
      valueCents: null,
      data: { exposures: [{ experiment: "exp-hero", arm }], country: "PL" },
    });
    // The proxy records page views; a later page in another arm does not change the exposure.
    await stub.track(visitorId, [exposed("pv1", "b")]);
    await stub.track(visitorId, [exposed("pv2", "a")]);
    await runDurableObjectAlarm(stub);

    const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({ visitorId, totalCents: 4500, isGift: true });
    const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, orderId));
    expect(lines.map((l) => [l.productId, l.quantity])).toEqual([
      ["p-0001", 1],
      ["p-0002", 2],
    ]);
    const exp = await db.select().from(exposures).where(eq(exposures.visitorId, visitorId));
    expect(exp).toEqual([expect.objectContaining({ experimentId: "exp-hero", variant: "b" })]);
    const [session] = await db.select().from(sessions).where(eq(sessions.id, "s-exp"));
    expect(session).toMatchObject({
      visitorId,
      pageViews: 2,
      channel: "search",
      country: "PL",
      landingPath: "/",
    });
  });
});

describe("events API: consent and bots", () => {
  it("stores nothing and sets no identifier without consent", async () => {
    const ids = [`n1-${crypto.randomUUID()}`, `n2-${crypto.randomUUID()}`];
    const res = await post({ events: [view(ids[0]!, "p-0001")] }, { "user-agent": BROWSER_UA });
    expect(res.status).toBe(202);
    expect(JSON.parse(res.text)).toMatchObject({ stored: false, reason: "no_consent" });
    // No identifier means no Durable Object and no profile can exist for this browser.
    expect(res.headers.get("set-cookie") ?? "").not.toMatch(/vt_id=/);
    const gpc = await post(
      { events: [view(ids[1]!, "p-0001")] },
      { ...(await consenting()), "sec-gpc": "1" },
    );
    expect(JSON.parse(gpc.text)).toMatchObject({ stored: false, reason: "no_consent" });
    expect(gpc.headers.get("set-cookie") ?? "").not.toMatch(/vt_id=[^;]/);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await db.select().from(events).where(inArray(events.eventId, ids))).toEqual([]);
  });

  it("never identifies bots, even with a consent cookie", async () => {
    const headers = {
      ...(await consenting()),
      "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)",
    };
    const res = await post({ events: [view("g1", "p-0001")] }, headers);
    expect(JSON.parse(res.text)).toMatchObject({ stored: false, reason: "bot" });
  });
});

describe("events API: bad input", () => {
  const cases: [string, unknown, string][] = [
    ["a wrong event type", { events: [{ id: "x", type: "teleport" }] }, "events.0.type"],
    [
      "a cart event without product",
      { events: [{ id: "x", type: "add_to_cart" }] },
      "events.0.productId",
    ],
    [
      "a raw email as customer id",
      { events: [{ id: "x", type: "login", data: { customer: "ann@example.com" } }] },
      "events.0.data.customer",
    ],
    [
      "a purchase line with a negative price",
      {
        events: [
          {
            id: "x",
            type: "purchase",
            valueCents: 1,
            data: { orderId: "o", lines: [{ productId: "p", quantity: 1, unitPriceCents: -5 }] },
          },
        ],
      },
      "events.0.data.lines.0.unitPriceCents",
    ],
    [
      "too many events",
      { events: Array.from({ length: 51 }, (_, i) => view(`e${i}`, "p-0001")) },
      "events",
    ],
    [
      "data nested too deep",
      { events: [{ id: "x", type: "search", data: { query: "q", deep: { a: { b: { c: 1 } } } } }] },
      "events.0.data.deep",
    ],
    [
      "an unknown top-level field",
      { events: [{ id: "x", type: "search", data: { query: "q" }, ip: "1.2.3.4" }] },
      "events.0",
    ],
    ["no events", { events: [] }, "events"],
  ];
  for (const [name, body, field] of cases) {
    it(`rejects ${name} naming ${field}`, async () => {
      const res = await post(body, await consenting(crypto.randomUUID()));
      expect(res.status).toBe(400);
      const error = JSON.parse(res.text) as {
        code: string;
        message: string;
        details: { field: string };
      };
      expect(error.code).toBe("invalid_event");
      expect(error.details.field).toBe(field);
      expect(error.message.startsWith(field)).toBe(true);
    });
  }

  it("rejects invalid JSON and oversized bodies with reasons", async () => {
    const headers = await consenting(crypto.randomUUID());
    const broken = await post(null, headers, "{ not json");
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ code: "invalid_json" });
    const huge = await post(
      null,
      headers,
      JSON.stringify({
        events: [{ id: "x", type: "search", data: { query: "x".repeat(70_000) } }],
      }),
    );
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.text)).toMatchObject({ code: "payload_too_large" });
  });
});

describe("events API: limits and CORS", () => {
  it("rate limits one visitor's flood and says when to retry", async () => {
    const visitorId = crypto.randomUUID();
    const headers = await consenting(visitorId);
    const batch = (n: number) => ({
      events: Array.from({ length: 50 }, (_, i) => view(`f${n}-${i}`, "p-0001")),
    });
    expect((await post(batch(1), headers)).status).toBe(202);
    expect((await post(batch(2), headers)).status).toBe(202);
    const limited = await post(batch(3), headers);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toMatchObject({
      code: "rate_limited",
      details: { retryAfterS: expect.any(Number) },
    });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await stubOf(visitorId).pending()).toBe(100);
    // The bucket is in the object's storage: a new instance (the object back in memory after
    // an eviction) refuses the flood as well.
    const again = await runInDurableObject(stubOf(visitorId), (_instance, state) =>
      new VisitorSession(state, env).ingest(visitorId, batch(4).events as never, clock.now()),
    );
    expect(again).toMatchObject({ status: "rate_limited" });
  });

  it("limits by address the calls that would mint a new visitor id", async () => {
    const headers = {
      ...(await consenting()),
      "cf-connecting-ip": `10.9.${Math.floor(Math.random() * 250)}.7`,
    };
    // The limiter counts in fixed 60 s windows: a window may turn over once during the run.
    let allowed = 0;
    let limited = false;
    for (let i = 0; i < 300 && !limited; i++) {
      const status = (await post({ events: [view(`m${i}`, "p-0001")] }, headers)).status;
      if (status === 429) limited = true;
      else if (status === 202) allowed++;
    }
    expect(limited).toBe(true);
    expect(allowed).toBeGreaterThanOrEqual(120);
    expect(allowed).toBeLessThanOrEqual(240);
  });

  it("answers CORS preflights for the shop's configured origins only", async () => {
    const bindings = { ...env, SHOP_ORIGINS: "https://app.shop.example" };
    const preflight = (origin: string) =>
      call(
        "/__vitrine/v1/events",
        { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } },
        bindings,
      );
    const allowed = await preflight("https://app.shop.example");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.shop.example");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
