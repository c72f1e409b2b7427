import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { count, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { FaultMode } from "../../../dev/test/fault-proxy.ts";
import { configVersions, consents, events } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { consentInserts } from "../visitor/turso-sink.ts";
import { ADMIN, call, consenting, signedCookie } from "../test-support/requests.ts";
import {
  configWith,
  profileOf,
  publishConfig,
  putProfile,
  stubOf,
} from "../test-support/fixtures.ts";

/**
 * Turso down for a while (the fault proxy drops every connection): the shop keeps serving
 * personalized pages, events keep being accepted, and once Turso is back every touchpoint
 * arrives exactly once. Turso is checked directly, past the proxy.
 */

const direct = createDb({ tursoUrl: inject("directTursoUrl"), tursoAuthToken: "" });
const fault = async (mode: FaultMode) => {
  const res = await fetch(`${inject("faultUrl")}/${mode}`, { method: "POST" });
  expect(res.status).toBe(200);
};

const CONFIG = configWith(
  { banner: { selector: "#promo-banner", action: "replace" } },
  {
    "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon">for all</p>' },
    "known-banner": {
      slot: "banner",
      priority: 10,
      when: { field: "profile.topMode", op: "exists" },
      template: '<p class="t-known">mode {{visitor.mode}}</p>',
    },
  },
);

let activeVersion = 0;

beforeAll(async () => {
  activeVersion = await publishConfig(CONFIG);
});

afterEach(() => fault("up"));

async function browser(visitorId: string) {
  const session = await signedCookie("vt_sid", `s-${visitorId.slice(0, 12)}~${Date.now()}`);
  return consenting(visitorId, [session]);
}

describe("Turso down while the shop is in use", () => {
  it("keeps serving pages and taking events, then delivers every touchpoint exactly once", async () => {
    const visitors = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const id of visitors) await putProfile(profileOf(id, { topMode: "humanistic" }));
    const pages = ["/", "/faq", "/bestsellers"];
    await fault("down");

    for (const [i, id] of visitors.entries()) {
      const headers = await browser(id);
      for (const path of pages) {
        const page = await call(path, { headers });
        expect(page.status, path).toBe(200);
        expect(page.headers.get("x-vitrine"), path).toBe("personalized");
        expect(page.text, path).toContain('class="t-known"');
      }
      const batch = JSON.stringify({
        events: ["e1", "e2", "e3", "e4"].map((e) => ({
          id: `${e}-${i}`,
          type: "product_view",
          productId: `p-000${i + 1}`,
        })),
      });
      const post = (body: string) =>
        call("/__vitrine/v1/events", { method: "POST", headers, body });
      expect(JSON.parse((await post(batch)).text)).toMatchObject({ stored: true, accepted: 4 });
      // The beacon retried: counted once.
      expect(JSON.parse((await post(batch)).text)).toMatchObject({ accepted: 0, duplicates: 4 });
      // The flush fails and is rescheduled; half the objects also restart meanwhile.
      await runDurableObjectAlarm(stubOf(id));
      if (i % 2 === 0) await evictDurableObject(stubOf(id));
      expect(await stubOf(id).pending()).toBe(pages.length + 4);
    }
    const health = await call("/__vitrine/v1/health");
    expect(health.status).toBe(503);
    expect(JSON.parse(health.text).checks).toMatchObject({
      turso: { ok: false },
      kv: { ok: true },
    });
    const rowsFor = async () =>
      direct
        .select({ visitorId: events.visitorId, eventId: events.eventId, path: events.path })
        .from(events)
        .where(inArray(events.visitorId, visitors));
    expect(await rowsFor()).toEqual([]);

    await fault("up");
    for (const id of visitors) {
      expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
      expect(await stubOf(id).pending()).toBe(0);
    }
    const rows = await rowsFor();
    expect(rows).toHaveLength(visitors.length * (pages.length + 4));
    expect(new Set(rows.map((r) => `${r.visitorId}/${r.eventId}`)).size).toBe(rows.length);
    for (const id of visitors) {
      const own = rows.filter((r) => r.visitorId === id);
      expect(
        own
          .filter((r) => r.path !== null)
          .map((r) => String(r.path))
          .sort(),
      ).toEqual([...pages].sort());
    }
  });

  it("refuses a config publish cleanly and keeps the active config", async () => {
    await fault("down");
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ ...CONFIG, enabled: false }),
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(res.text)).toHaveProperty("code");
    const active = await call("/__vitrine/v1/admin/config", { headers: ADMIN });
    expect(JSON.parse(active.text)).toMatchObject({ version: activeVersion });
    const page = await call("/", { headers: await browser(crypto.randomUUID()) });
    expect(page.headers.get("x-vitrine")).toBe("personalized");
    await fault("up");
    const versions = await direct.select({ n: count() }).from(configVersions);
    expect(versions[0]!.n).toBe(activeVersion);
  });

  it("audits a consent choice while Turso is up", async () => {
    const visitorId = crypto.randomUUID();
    const res = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: await consenting(visitorId),
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(res.status).toBe(200);
    const rows = await direct.select().from(consents).where(eq(consents.visitorId, visitorId));
    expect(rows).toMatchObject([{ personalization: false, analytics: false }]);
  });

  // The consent audit row goes through the visitor's Durable Object outbox like touchpoints
  // do: a choice made during a Turso outage is kept and written, once, when Turso is back.
  it("keeps a consent choice made while Turso is down and audits it once Turso is back", async () => {
    const visitorId = crypto.randomUUID();
    await call("/", { headers: await browser(visitorId) });
    await fault("down");
    const res = await call("/__vitrine/v1/consent", {
      method: "POST",
      headers: await consenting(visitorId),
      body: JSON.stringify({ personalization: false, analytics: false }),
    });
    expect(res.status).toBe(200);
    // The object restarts while Turso is still down: the choice waits in its storage.
    await evictDurableObject(stubOf(visitorId));
    expect(await direct.select().from(consents).where(eq(consents.visitorId, visitorId))).toEqual(
      [],
    );
    await fault("up");
    await runDurableObjectAlarm(stubOf(visitorId));
    const rows = await direct.select().from(consents).where(eq(consents.visitorId, visitorId));
    expect(rows).toMatchObject([{ personalization: false, analytics: false, source: "api" }]);
    // Acknowledged: a later flush does not send it again.
    await stubOf(visitorId).flush();
    expect(
      await direct.select().from(consents).where(eq(consents.visitorId, visitorId)),
    ).toHaveLength(1);
  });

  it("audits a choice once when a flush is repeated after a lost acknowledgement", async () => {
    const visitorId = crypto.randomUUID();
    const row = { visitorId, personalization: true, analytics: false, source: "banner" };
    const first = { ...row, createdAt: Date.now() - 1000 };
    const later = { ...row, createdAt: Date.now() };
    await direct.batch(consentInserts(direct, [first]) as [BatchItem<"sqlite">]);
    // The same flush again (Turso committed it, the object never heard back), plus a new choice.
    await direct.batch(
      consentInserts(direct, [first, later]) as [BatchItem<"sqlite">, BatchItem<"sqlite">],
    );
    const rows = await direct.select().from(consents).where(eq(consents.visitorId, visitorId));
    expect(rows.map((r) => r.createdAt).sort((a, b) => a - b)).toEqual([
      first.createdAt,
      later.createdAt,
    ]);
  });
});
