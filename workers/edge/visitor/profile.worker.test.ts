import {
  env,
  evictDurableObject,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { visitors } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Profile } from "../model/profile.ts";
import { readProfile } from "../personalize/profile-store.ts";
import { call, consenting } from "../test-support/requests.ts";
import type { VisitorSession } from "./visitor-session.ts";

const db = createDb({ tursoUrl: env.TURSO_URL, tursoAuthToken: "" });
const stubOf = (visitorId: string) => env.VISITOR.get(env.VISITOR.idFromName(visitorId));
const MIN = 60_000;

async function send(visitorId: string, events: Record<string, unknown>[]) {
  const res = await call("/__vitrine/v1/events", {
    method: "POST",
    headers: await consenting(visitorId),
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(202);
}

/** Scripted visits through the real events API, ending with the Durable Object's alarm. */
const journeys: Record<string, (t: number) => Record<string, unknown>[]> = {
  humanistic: (t) => [
    ...["p-0010", "p-0011", "p-0012", "p-0013"].flatMap((p, i) => [
      { id: `h-v${i}`, type: "product_view", at: t + i * MIN, productId: p, pageType: "product" },
      { id: `h-r${i}`, type: "review_read", at: t + i * MIN + 20_000, productId: p },
    ]),
    { id: "h-s", type: "sort", at: t + 5 * MIN, data: { sort: "rating" } },
    { id: "h-c", type: "chat_open", at: t + 6 * MIN, data: { topic: "sizes" } },
  ],
  methodical: (t) => [
    { id: "m-f1", type: "filter", at: t, data: { filters: { brand: "Aurora", color: "black" } } },
    { id: "m-f2", type: "filter", at: t + MIN, data: { filters: { price: "100-200" } } },
    { id: "m-s", type: "sort", at: t + 2 * MIN, data: { sort: "price_asc" } },
    {
      id: "m-c1",
      type: "compare",
      at: t + 3 * MIN,
      data: { products: ["p-0020", "p-0021", "p-0022"] },
    },
    { id: "m-c2", type: "compare", at: t + 9 * MIN, data: { products: ["p-0020", "p-0021"] } },
    { id: "m-q", type: "search", at: t + 12 * MIN, data: { query: "warranty", sort: "price" } },
  ],
};

describe("profiles from the visitor's Durable Object", () => {
  for (const [mode, journey] of Object.entries(journeys)) {
    it(`writes a ${mode} profile to KV (and Turso) from a scripted ${mode} journey`, async () => {
      const visitorId = crypto.randomUUID();
      await send(visitorId, journey(Date.now() - 20 * MIN));
      await runDurableObjectAlarm(stubOf(visitorId));
      const profile = (await readProfile(env.PROFILES, visitorId))!;
      expect(profile.topMode).toBe(mode);
      expect(profile.explain).toMatch(new RegExp(mode, "i"));
      expect(profile.modeEvidence?.[mode as Profile["topMode"] & string]?.length).toBeGreaterThan(
        0,
      );
      const [row] = await db.select().from(visitors).where(eq(visitors.id, visitorId));
      expect(row?.profile).toMatchObject({ visitorId, topMode: mode });
    });
  }

  it("serves the profile as of the last touchpoint, the same after a restart before the flush", async () => {
    const visitorId = crypto.randomUUID();
    const stub = stubOf(visitorId);
    await send(visitorId, journeys.methodical!(Date.now() - 20 * MIN));
    const before = (await stub.state("s-next", Date.now())).profile!;
    expect(before.topMode).toBe("methodical");
    // Nothing flushed yet: KV has no copy, and the fold lives only in the object's memory.
    expect(await readProfile(env.PROFILES, visitorId)).toBeNull();
    await evictDurableObject(stub);
    const after = (await stub.state("s-next", Date.now())).profile!;
    expect(after.buyerModes).toEqual(before.buyerModes);
    expect(after.modeEvidence).toEqual(before.modeEvidence);
    // The flush stores the fold; another restart folds nothing twice.
    await runDurableObjectAlarm(stub);
    await evictDurableObject(stub);
    expect((await stub.state("s-next", Date.now())).profile!.modeEvidence).toEqual(
      before.modeEvidence,
    );
    expect((await readProfile(env.PROFILES, visitorId))!.buyerModes).toEqual(before.buyerModes);
  });

  it("writes KV at most once a second per visitor and catches up with an alarm", async () => {
    const visitorId = crypto.randomUUID();
    const stub = stubOf(visitorId);
    await send(visitorId, journeys.humanistic!(Date.now() - 20 * MIN));
    await runDurableObjectAlarm(stub);
    const first = (await readProfile(env.PROFILES, visitorId))!;
    await send(visitorId, [{ id: "later", type: "review_read", productId: "p-0014" }]);
    await runDurableObjectAlarm(stub);
    const { writtenAt, alarm } = await runInDurableObject(
      stub,
      async (_o: VisitorSession, state) => ({
        writtenAt: Number(
          state.storage.sql
            .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'profile_written_at'")
            .one().value,
        ),
        alarm: await state.storage.getAlarm(),
      }),
    );
    // Too soon after the first write: KV still has the first profile, an alarm is due later.
    if (Date.now() - writtenAt < 1_000) {
      expect((await readProfile(env.PROFILES, visitorId))!.updatedAt).toBe(first.updatedAt);
      expect(alarm).toBeGreaterThanOrEqual(writtenAt + 1_000);
    }
    await new Promise((r) => setTimeout(r, 1_050));
    await runDurableObjectAlarm(stub);
    expect((await readProfile(env.PROFILES, visitorId))!.updatedAt).toBeGreaterThan(
      first.updatedAt,
    );
  });

  it("merges a customer's devices into one profile, an order reported by both counted once", async () => {
    const customer = "a".repeat(48) + crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const phone = crypto.randomUUID();
    const laptop = crypto.randomUUID();
    const t = Date.now() - 30 * MIN;
    const purchase = {
      id: "purchase-o-merge",
      type: "purchase",
      at: t + 25 * MIN,
      valueCents: 5000,
      data: {
        orderId: `o-${customer.slice(-8)}`,
        lines: [{ productId: "p-0010", quantity: 1, unitPriceCents: 5000 }],
      },
    };
    const login = {
      id: `login-${customer.slice(0, 40)}`,
      type: "login",
      at: t,
      data: { customer },
    };
    await send(laptop, [
      login,
      { id: "l-v", type: "product_view", at: t + MIN, productId: "p-0030" },
      purchase,
    ]);
    await runDurableObjectAlarm(stubOf(laptop));
    await send(phone, [login, ...journeys.humanistic!(t + 2 * MIN), purchase]);
    await runDurableObjectAlarm(stubOf(phone));
    // The phone's new evidence told the laptop to rewrite its copy.
    await new Promise((r) => setTimeout(r, 1_050));
    await runDurableObjectAlarm(stubOf(laptop));
    const onLaptop = (await readProfile(env.PROFILES, laptop))!;
    const onPhone = (await readProfile(env.PROFILES, phone))!;
    expect(onLaptop.topMode).toBe("humanistic");
    expect(onPhone.topMode).toBe("humanistic");
    expect(onLaptop.orderCount).toBe(1);
    expect(onPhone.orderCount).toBe(1);
    expect(onLaptop.visitorId).toBe(laptop);
  });
});
