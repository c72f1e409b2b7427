import { env, runDurableObjectAlarm } from "cloudflare:test";
import { eq, inArray, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  annotations,
  consents,
  customers,
  events,
  exposures,
  identities,
  orderLines,
  orders,
  sessions,
  visitors,
} from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { profileKey } from "../personalize/profile-store.ts";
import { ADMIN, BROWSER_UA, call, consenting } from "../test-support/requests.ts";

const db = createDb({ tursoUrl: env.TURSO_URL, tursoAuthToken: "" });
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));

async function hash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A consenting visitor who browsed, bought and (optionally) logged in; flushed to Turso. */
async function activeVisitor(customer?: string) {
  const visitorId = crypto.randomUUID();
  const headers = await consenting(visitorId);
  const tag = visitorId.slice(0, 8);
  const evts: unknown[] = [
    { id: `${tag}-v`, type: "product_view", productId: "p-0001", pageType: "product" },
    {
      id: `${tag}-b`,
      type: "purchase",
      valueCents: 1999,
      data: {
        orderId: `o-${tag}`,
        lines: [{ productId: "p-0001", quantity: 1, unitPriceCents: 1999 }],
      },
    },
  ];
  if (customer) evts.push({ id: `${tag}-l`, type: "login", data: { customer } });
  const res = await call("/__vitrine/v1/events", {
    method: "POST",
    headers,
    body: JSON.stringify({ events: evts }),
  });
  expect(res.status).toBe(202);
  // The consent choice itself goes to the audit log.
  await call("/__vitrine/v1/consent", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ personalization: true, analytics: true }),
  });
  await stubOf(visitorId).track(visitorId, [
    {
      id: `${tag}-pv`,
      type: "page_view",
      at: Date.now(),
      sessionId: `${tag}-s`,
      path: "/",
      pageType: "home",
      productId: null,
      categoryId: null,
      channel: "direct",
      device: "desktop",
      valueCents: null,
      data: { exposures: [{ experiment: "holdout", arm: "personalized" }] },
    },
  ]);
  await runDurableObjectAlarm(stubOf(visitorId));
  await env.PROFILES.put(profileKey(visitorId), JSON.stringify({ v: 1, visitorId }));
  return { visitorId, headers };
}

/** Rows about these ids in every Turso table that can hold them. */
async function tursoRows(ids: string[], customerId?: string) {
  const orderIds = (await db.select().from(orders).where(inArray(orders.visitorId, ids))).map(
    (o) => o.id,
  );
  const counts = await Promise.all([
    db.select().from(events).where(inArray(events.visitorId, ids)),
    db.select().from(sessions).where(inArray(sessions.visitorId, ids)),
    db.select().from(orders).where(inArray(orders.visitorId, ids)),
    orderIds.length
      ? db.select().from(orderLines).where(inArray(orderLines.orderId, orderIds))
      : [],
    db.select().from(exposures).where(inArray(exposures.visitorId, ids)),
    db.select().from(consents).where(inArray(consents.visitorId, ids)),
    db
      .select()
      .from(identities)
      .where(
        customerId
          ? or(inArray(identities.visitorId, ids), eq(identities.customerId, customerId))
          : inArray(identities.visitorId, ids),
      ),
    db.select().from(visitors).where(inArray(visitors.id, ids)),
    db
      .select()
      .from(annotations)
      .where(inArray(annotations.subjectId, customerId ? [...ids, customerId] : ids)),
    customerId ? db.select().from(customers).where(eq(customers.id, customerId)) : [],
  ]);
  return counts.reduce((n, rows) => n + rows.length, 0);
}

describe("privacy: the visitor's own access and erasure", () => {
  it("exports what every store holds about this browser", async () => {
    const { visitorId, headers } = await activeVisitor();
    const res = await call("/__vitrine/v1/privacy/export", { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment/);
    const data = JSON.parse(res.text);
    expect(data.subject.visitorIds).toEqual([visitorId]);
    expect(data.profiles[0]).toMatchObject({ visitorId });
    const device = data.devices[0];
    expect(device.deviceStorage.touchpoints.map((t: { type: string }) => t.type)).toEqual(
      expect.arrayContaining(["product_view", "purchase", "page_view"]),
    );
    expect(device.systemOfRecord.orders[0].lines).toHaveLength(1);
    expect(device.systemOfRecord.consents).toHaveLength(1);
    // The object's own copy of the choice, already in Turso.
    expect(device.deviceStorage.consents).toMatchObject([
      { personalization: 1, analytics: 1, source: "api", flushed: 1 },
    ]);
  });

  it("erases everything: Turso, KV, the Durable Object, and the cookies", async () => {
    const { visitorId, headers } = await activeVisitor();
    expect(await tursoRows([visitorId])).toBeGreaterThanOrEqual(7);
    const res = await call("/__vitrine/v1/privacy/erase", { method: "POST", headers });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ status: "erased" });
    expect(res.headers.get("set-cookie")).toMatch(/vt_id=;.*Max-Age=0/i);
    expect(await tursoRows([visitorId])).toBe(0);
    expect(await env.PROFILES.get(profileKey(visitorId))).toBeNull();
    expect(await stubOf(visitorId).touchpoints()).toEqual([]);
    expect(await stubOf(visitorId).pending()).toBe(0);
    const after = await call("/__vitrine/v1/privacy/export", { headers });
    expect(JSON.parse(after.text).devices[0].visitor).toBeNull();
  });

  it("erases a withdrawal with the rest of the consent log", async () => {
    const { visitorId, headers } = await activeVisitor();
    const withdrawn = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(withdrawn.status).toBe(200);
    const before = JSON.parse((await call("/__vitrine/v1/privacy/export", { headers })).text);
    expect(before.devices[0].deviceStorage.consentWithdrawnAt).toEqual(expect.any(Number));
    expect(before.devices[0].systemOfRecord.consents).toHaveLength(2);
    const res = await call("/__vitrine/v1/privacy/erase", { method: "POST", headers });
    expect(JSON.parse(res.text)).toMatchObject({ status: "erased" });
    expect(await tursoRows([visitorId])).toBe(0);
    const after = JSON.parse((await call("/__vitrine/v1/privacy/export", { headers })).text);
    expect(after.devices[0].deviceStorage).toMatchObject({
      consents: [],
      consentWithdrawnAt: null,
    });
  });

  it("says there is nothing to export for a browser without an identifier", async () => {
    const res = await call("/__vitrine/v1/privacy/export", {
      headers: { "user-agent": BROWSER_UA },
    });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ code: "no_data" });
  });
});

describe("admin: single customer view", () => {
  it("refuses without the admin token", async () => {
    expect((await call("/__vitrine/v1/admin/customers/abcdefgh1234")).status).toBe(401);
    const wrong = await call("/__vitrine/v1/admin/customers/abcdefgh1234", {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
  });

  it("merges a customer's devices into one timeline, with orders and annotations", async () => {
    const customer = await hash(`customer-${crypto.randomUUID()}`);
    const phone = await activeVisitor(customer);
    const laptop = await activeVisitor(customer);
    const note = await call(`/__vitrine/v1/admin/customers/${customer}/annotations`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ department: "service", author: "Ola", body: "Asked about delivery" }),
    });
    expect(note.status).toBe(201);
    const res = await call(`/__vitrine/v1/admin/customers/${customer}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const view = JSON.parse(res.text);
    expect(view.subject.customerId).toBe(customer);
    expect(new Set(view.subject.visitorIds)).toEqual(new Set([phone.visitorId, laptop.visitorId]));
    const timeline = view.timeline as { visitorId: string; at: number; id: string }[];
    expect(new Set(timeline.map((t) => t.visitorId)).size).toBe(2);
    expect(timeline.map((t) => t.at)).toEqual([...timeline.map((t) => t.at)].sort((a, b) => a - b));
    // Each touchpoint once, whatever the number of devices.
    expect(new Set(timeline.map((t) => `${t.visitorId}:${t.id}`)).size).toBe(timeline.length);
    expect(view.orders).toHaveLength(2);
    expect(view.annotations).toEqual([
      expect.objectContaining({ department: "service", author: "Ola" }),
    ]);
    // Looking up by one device finds the whole customer.
    const byDevice = JSON.parse(
      (await call(`/__vitrine/v1/admin/customers/${phone.visitorId}`, { headers: ADMIN })).text,
    );
    expect(byDevice.subject.customerId).toBe(customer);
  });

  it("rejects a bad annotation naming the field, and an unknown id", async () => {
    const bad = await call("/__vitrine/v1/admin/customers/abcdefgh1234/annotations", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ department: "it", author: "x", body: "y" }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).message).toMatch(/^department:/);
    const unknown = await call("/__vitrine/v1/admin/customers/nobody-here-123", { headers: ADMIN });
    expect(unknown.status).toBe(404);
    const malformed = await call("/__vitrine/v1/admin/customers/a'b", { headers: ADMIN });
    expect(malformed.status).toBe(400);
  });

  it("erases a customer on request across all their devices", async () => {
    const customer = await hash(`customer-${crypto.randomUUID()}`);
    const a = await activeVisitor(customer);
    const b = await activeVisitor(customer);
    const ids = [a.visitorId, b.visitorId];
    expect(await tursoRows(ids, customer)).toBeGreaterThan(10);
    const res = await call(`/__vitrine/v1/admin/customers/${customer}`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(res.status).toBe(200);
    expect(await tursoRows(ids, customer)).toBe(0);
    for (const id of ids) {
      expect(await env.PROFILES.get(profileKey(id))).toBeNull();
      expect(await stubOf(id).touchpoints()).toEqual([]);
    }
  });
});
