import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { and, eq, inArray, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  categories,
  events,
  itemPairs,
  jobState,
  modelVersions,
  products,
  segments,
  trainingRuns,
  visitors,
} from "../../../schema/index.ts";
import { resolveList } from "../catalog/lists.ts";
import { forgetMerchModel, loadMerchModel } from "../catalog/model-store.ts";
import { createDb } from "../db/client.ts";
import { context as requestContext } from "../decide/test-fixtures.ts";
import worker from "../index.ts";
import { ADMIN, call } from "../test-support/requests.ts";
import type { SessionState } from "../model/profile.ts";
import { decodeModel, encodeModel } from "../recommend/codec.ts";
import { accumulate, COOCCURRENCE_DEFAULTS, emptyCounts } from "../recommend/cooccurrence.ts";
import { interactionsOf } from "../recommend/interactions.ts";
import { neighboursOf, trainFromInteractions } from "../recommend/model.ts";
import { settingsOf } from "../settings.ts";
import { now as clockNow, setClockOffset } from "../clock.ts";
import { manifestKey, MODEL_POINTER, publishModel, readModel, shardKey } from "./publish-model.ts";
import { publishRankings } from "./publish-rankings.ts";
import {
  SELF_TUNE_DEFAULTS,
  SELF_TUNE_STATE,
  TRAINER_STATE,
  trainRecommendations,
  type TunedValues,
} from "./train-recommendations.ts";

const settings = settingsOf(env);
const db = createDb(settings);
const NOW = Date.UTC(2026, 10, 22);
const MIN = 60_000;
let clock = NOW - 3 * 3600_000;
let eventNo = 0;
// Every run gets its own time: run ids and model versions are derived from it.
let tick = 0;
const runAt = () => NOW + ++tick * 1000;

/** Products of our own, so the seeded catalog's pairs never mix with what we assert. */
const ids = ["tr-a", "tr-b", "tr-c", "tr-d", "tr-e"];

async function addEvents(rows: [visitor: string, type: string, product: string][]) {
  const values = rows.map(([visitorId, type, productId]) => {
    const at = (clock += MIN);
    return {
      eventId: `tr-${eventNo++}`,
      visitorId,
      type,
      occurredAt: at,
      receivedAt: at,
      productId: type === "purchase" ? null : productId,
      payload: type === "purchase" ? { lines: [{ productId, quantity: 1 }] } : {},
    };
  });
  await db.insert(events).values(values);
  return values;
}

/** Runs the trainer until it has read everything; returns every run's result. */
async function catchUp(options: Parameters<typeof trainRecommendations>[3] = {}) {
  const results = [];
  for (let i = 0; i < 200; i++) {
    const r = await trainRecommendations(env, settings, runAt(), options);
    results.push(r);
    const done = r.status === "succeeded" || r.status === "degraded";
    if (done && r.eventsRead < (options.maxEvents ?? 20_000)) break;
  }
  return results;
}

/** Pair weights in Turso against one pass of the pure accumulator over our events. */
async function expectExactPairs(
  ours: {
    visitorId: string;
    type: string;
    occurredAt: number;
    productId: string | null;
    payload: unknown;
  }[],
) {
  const [state] = await db.select().from(jobState).where(eq(jobState.name, TRAINER_STATE));
  const epoch = (state!.value as { epoch: number }).epoch;
  const expected = emptyCounts();
  accumulate(expected, [], ours.flatMap(interactionsOf), epoch, COOCCURRENCE_DEFAULTS);
  const want: Record<string, number[]> = {};
  expected.pairs.forEach((a, b, v, c, u) => {
    const [x, y] = [expected.index.ids[a]!, expected.index.ids[b]!].sort();
    want[`${x}|${y}`] = [v, c, u];
  });
  const rows = await db.select().from(itemPairs).where(inArray(itemPairs.itemA, ids));
  const got = Object.fromEntries(
    rows.map((r) => [`${r.itemA}|${r.itemB}`, [r.view, r.cart, r.buy]]),
  );
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [key, w] of Object.entries(want))
    w.forEach((v, c) =>
      expect(Math.abs(got[key]![c]! - v), `${key}[${c}]`).toBeLessThan(1e-4 * Math.max(1, v)),
    );
}

beforeAll(async () => {
  await db.insert(categories).values({ id: "tr-cat", name: "Trainer test" }).onConflictDoNothing();
  await db
    .insert(products)
    .values(
      ids.map((id, i) => ({
        id,
        sku: `SKU-${id}`,
        name: `Product ${id}`,
        slug: id,
        categoryId: "tr-cat",
        brand: "Test",
        priceCents: i === 4 ? 500 : 10_000,
        stock: 10,
        imageUrl: `/img/${id}.svg`,
        accessoryFor: i === 4 ? ["tr-a"] : [],
        createdAt: NOW,
        updatedAt: NOW,
      })),
    )
    .onConflictDoNothing();
});

describe("scheduled trainer", () => {
  const ours: Awaited<ReturnType<typeof addEvents>> = [];

  it("resumes from the watermark across bounded runs without counting an event twice", async () => {
    // The seeded histories first, in full batches.
    await catchUp();
    ours.push(
      ...(await addEvents([
        ["tr-v1", "product_view", "tr-a"],
        ["tr-v1", "product_view", "tr-b"],
        ["tr-v2", "product_view", "tr-a"],
        ["tr-v1", "product_view", "tr-a"],
        ["tr-v2", "product_view", "tr-b"],
        ["tr-v2", "add_to_cart", "tr-b"],
        ["tr-v3", "product_view", "tr-a"],
        ["tr-v3", "product_view", "tr-c"],
        ["tr-v1", "purchase", "tr-a"],
        ["tr-v1", "purchase", "tr-e"],
      ])),
    );
    const runs = await catchUp({ maxEvents: 4 });
    // Small batches: several partial runs, each starting where the previous one stopped.
    expect(runs.filter((r) => r.status === "partial").length).toBeGreaterThan(1);
    for (let i = 1; i < runs.length; i++)
      if (runs[i]!.status !== "skipped" && runs[i - 1]!.status !== "skipped")
        expect(runs[i]!.watermarkFrom).toBe(runs[i - 1]!.watermarkTo);
    await expectExactPairs(ours);
    const recorded = await db
      .select()
      .from(trainingRuns)
      .where(and(eq(trainingRuns.job, "recommendations"), eq(trainingRuns.status, "partial")));
    expect(recorded.length).toBeGreaterThan(1);
    expect(recorded.every((r) => r.eventsRead === 4 && r.watermarkTo! > r.watermarkFrom)).toBe(
      true,
    );
    expect(runs.at(-1)!.eventsRead).toBeLessThan(4);
  });

  it("counts once when two runs race over the same events", async () => {
    ours.push(
      ...(await addEvents([
        ["tr-v4", "product_view", "tr-c"],
        ["tr-v4", "product_view", "tr-d"],
        ["tr-v5", "product_view", "tr-c"],
        ["tr-v5", "product_view", "tr-d"],
      ])),
    );
    const [x, y] = await Promise.all([
      trainRecommendations(env, settings, runAt()),
      trainRecommendations(env, settings, runAt()),
    ]);
    expect([x.status, y.status]).toContain("succeeded");
    await expectExactPairs(ours);
  });

  it("publishes a sharded model whose neighbours reflect the data, pointer last", async () => {
    await catchUp();
    const version = await env.MODELS.get(MODEL_POINTER);
    expect(version).toBeTruthy();
    const model = await readModel(env.MODELS, version!);
    expect(model).not.toBeNull();
    expect(neighboursOf(model!, "similar", "tr-c").map(([id]) => id)).toContain("tr-d");
    expect(neighboursOf(model!, "accessories", "tr-a").map(([id]) => id)[0]).toBe("tr-e");
    const [row] = await db.select().from(modelVersions).where(eq(modelVersions.version, version!));
    expect(row?.status).toBe("published");
    const [run] = await db
      .select()
      .from(trainingRuns)
      .where(eq(trainingRuns.modelVersion, version!));
    expect(run?.metrics).toMatchObject({ items: expect.any(Number), pairs: expect.any(Number) });
  });

  it("does not publish a model that scores worse offline than the serving one", async () => {
    // The serving model has learned that people who view d go on to e.
    const learn: [string, string, string][] = [];
    for (let v = 0; v < 12; v++)
      learn.push([`tr-g${v}`, "product_view", "tr-d"], [`tr-g${v}`, "product_view", "tr-b"]);
    ours.push(...(await addEvents(learn)));
    await catchUp();
    const serving = await env.MODELS.get(MODEL_POINTER);
    const fresh: [string, string, string][] = [];
    for (let v = 0; v < 8; v++)
      fresh.push([`tr-h${v}`, "product_view", "tr-d"], [`tr-h${v}`, "product_view", "tr-b"]);
    ours.push(...(await addEvents(fresh)));
    // A broken candidate: no neighbours at all.
    const at = runAt();
    const r = await trainRecommendations(env, settings, at, {
      train: { neighbours: { k: 0, beta: 0.5, minWeight: 0 }, ease: null },
      gate: { k: 10, minCases: 5, tolerance: 0.02 },
    });
    expect(r.rejected).toBe(String(at));
    expect(r.published).toBeNull();
    expect(r.metrics.recallServing).toBeGreaterThan(r.metrics.recallCandidate!);
    expect(await env.MODELS.get(MODEL_POINTER)).toBe(serving);
    const [row] = await db
      .select()
      .from(modelVersions)
      .where(eq(modelVersions.version, r.rejected!));
    expect(row?.status).toBe("rejected");
  });

  it("keeps counting exactly after a rejected model", async () => {
    await expectExactPairs(ours);
  });
});

describe("publishing and rollback", () => {
  const tiny = (version: string, pair: [string, string]) => {
    const m = trainFromInteractions(
      [
        { visitor: "x", item: pair[0], at: 1, level: 0 },
        { visitor: "x", item: pair[1], at: 2, level: 0 },
      ],
      [],
    );
    return encodeModel({ ...m, version }, {}, 16);
  };

  it("rolls back to the previous version and keeps only the last versions in KV", async () => {
    // Far in the future: newer than the versions earlier tests published at the real time,
    // which count for "the last versions kept" too.
    await publishModel(env.MODELS, db, tiny("rb-1", ["tr-a", "tr-b"]), NOW + 1e10, 2);
    await publishModel(env.MODELS, db, tiny("rb-2", ["tr-a", "tr-c"]), NOW + 1e10 + 1, 2);
    expect(await env.MODELS.get(MODEL_POINTER)).toBe("rb-2");
    // Through the admin endpoint, as staff would.
    const rollback = (body: unknown) =>
      call("/__vitrine/v1/admin/models/rollback", {
        method: "POST",
        headers: { ...ADMIN, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // Named explicitly: other test files publish models into the same Turso meanwhile, so
    // "the newest superseded version" is not this test's to predict.
    const back = await rollback({ version: "rb-1" });
    expect(back.status, back.text).toBe(200);
    expect(JSON.parse(back.text)).toEqual({ from: "rb-2", to: "rb-1" });
    expect(await env.MODELS.get(MODEL_POINTER)).toBe("rb-1");
    forgetMerchModel();
    await publishRankings(env, settings, runAt());
    const merch = await loadMerchModel(env.MODELS);
    expect(merch?.reco?.version).toBe("rb-1");
    expect(neighboursOf(merch!.reco!, "similar", "tr-a").map(([id]) => id)).toEqual(["tr-b"]);
    const statuses = await db
      .select({ v: modelVersions.version, s: modelVersions.status })
      .from(modelVersions)
      .where(like(modelVersions.version, "rb-%"));
    expect(Object.fromEntries(statuses.map((r) => [r.v, r.s]))).toEqual({
      "rb-1": "published",
      "rb-2": "rolled_back",
    });
    // A third version evicts the oldest beyond the two kept.
    await publishModel(env.MODELS, db, tiny("rb-3", ["tr-b", "tr-c"]), NOW + 1e10 + 3, 2);
    expect(await env.MODELS.get(manifestKey("rb-3"))).not.toBeNull();
    const kept = await Promise.all(["rb-1", "rb-2"].map((v) => env.MODELS.get(manifestKey(v))));
    expect(kept.filter(Boolean)).toHaveLength(1);
    const refused = await rollback({ version: "no-such-version" });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.text).message).toMatch(/never served/);
    expect(JSON.parse((await rollback({ version: 7 })).text).message).toMatch(/^version:/);
  });

  it("refuses to roll back to a version whose entries are damaged", async () => {
    const damaged = tiny("dmg-1", ["tr-a", "tr-b"]);
    const whole = encodeModel(decodeModel(damaged.manifest, damaged.shards));
    const n = whole.manifest.items;
    new Uint32Array(whole.shards[0]!)[n + (n + 1)] = 999_999; // a neighbour past the catalog
    await publishModel(env.MODELS, db, whole, NOW + 2e10, 3);
    await publishModel(env.MODELS, db, tiny("dmg-2", ["tr-a", "tr-c"]), NOW + 2e10 + 1, 3);
    const refused = await call("/__vitrine/v1/admin/models/rollback", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ version: "dmg-1" }),
    });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.text).message).toMatch(/dmg-1 is missing from KV or damaged/);
    expect(await env.MODELS.get(MODEL_POINTER)).toBe("dmg-2");
  });

  it("serves popularity, without errors, when the model is missing or corrupt", async () => {
    await publishRankings(env, settings, runAt());
    const context = requestContext({ country: null, now: NOW, localHour: 12 });
    const session = { recentProducts: ["tr-a"], cart: { lines: [] } } as unknown as SessionState;
    const listFor = async () => {
      forgetMerchModel();
      const model = await loadMerchModel(env.MODELS);
      return {
        model,
        list: resolveList("recommended", {
          model: model!,
          context,
          profile: null,
          session,
          limit: 4,
        }),
      };
    };

    await env.MODELS.put(MODEL_POINTER, "missing-version");
    const missing = await listFor();
    expect(missing.model?.reco).toBeNull();
    expect(missing.list.length).toBeGreaterThan(0);
    expect(missing.list.map((i) => i.id)).toEqual(missing.model!.bestsellers.slice(0, 4));

    const good = tiny("corrupt-1", ["tr-a", "tr-b"]);
    await env.MODELS.put(manifestKey("corrupt-1"), JSON.stringify(good.manifest));
    for (let i = 0; i < good.shards.length; i++)
      await env.MODELS.put(
        shardKey("corrupt-1", i),
        i === 0 ? new ArrayBuffer(3) : good.shards[i]!,
      );
    await env.MODELS.put(MODEL_POINTER, "corrupt-1");
    const corrupt = await listFor();
    expect(corrupt.model?.reco).toBeNull();
    expect(corrupt.list.map((i) => i.id)).toEqual(missing.list.map((i) => i.id));
  });

  it("keeps serving the last good model when a newer version is damaged", async () => {
    const good = tiny("lastgood-1", ["tr-a", "tr-b"]);
    await env.MODELS.put(manifestKey("lastgood-1"), JSON.stringify(good.manifest));
    for (let i = 0; i < good.shards.length; i++)
      await env.MODELS.put(shardKey("lastgood-1", i), good.shards[i]!);
    await env.MODELS.put(MODEL_POINTER, "lastgood-1");
    forgetMerchModel();
    expect((await loadMerchModel(env.MODELS))?.reco?.version).toBe("lastgood-1");

    await env.MODELS.put(manifestKey("lastgood-2"), JSON.stringify(good.manifest));
    await env.MODELS.put(shardKey("lastgood-2", 0), new ArrayBuffer(3));
    await env.MODELS.put(MODEL_POINTER, "lastgood-2");
    // Past the isolate's pointer cache, without forgetting what it loaded.
    setClockOffset(10_000);
    try {
      const after = await loadMerchModel(env.MODELS);
      expect(await env.MODELS.get(MODEL_POINTER)).toBe("lastgood-2");
      expect(after?.reco?.version).toBe("lastgood-1");
    } finally {
      setClockOffset(0);
    }
  });
});

describe("scheduled: nightly segments", () => {
  it("recomputes every buyer's segment from the seeded orders", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "30 3 * * *", scheduledTime: NOW }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const rows = await db.select().from(segments);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.recency >= 1 && r.recency <= 5 && r.computedAt === NOW)).toBe(true);
    expect(new Set(rows.map((r) => r.valueTier)).size).toBeGreaterThan(1);
  });
});

/**
 * Recommendation poisoning: events come from anonymous browsers, so many fresh visitor ids
 * viewing a target next to a popular item must not put the target in that item's "similar"
 * list, while the same pattern from established visitors is learned. The attempt is flagged
 * on the dashboard. In this file, so no other file's trainer runs race the ones above.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Relative to the Worker's clock: the dashboard shows the last days of training runs.
const ATTACK_NOW = clockNow();
let attackTick = 0;
const attackRunAt = () => ATTACK_NOW - 60_000 + ++attackTick * 1000;
const run = `rp${ATTACK_NOW.toString(36)}`;
const item = (name: string) => `${run}-${name}`;
const POPULAR = item("popular");
const TARGET = item("target");
const GENUINE = item("genuine");
const OLDER = item("older");
const CROWD = 40;

let attackEventNo = 0;
const attackView = (visitorId: string, productId: string, at: number) => ({
  eventId: `${run}-e${attackEventNo++}`,
  visitorId,
  type: "product_view",
  occurredAt: at,
  receivedAt: at,
  productId,
  payload: {},
});

/** Visitors as their Durable Objects record them in Turso: first seen at `firstSeenAt`. */
const visitorRows = (ids: string[], firstSeenAt: number) =>
  ids.map((id) => ({ id, firstSeenAt, lastSeenAt: ATTACK_NOW, updatedAt: ATTACK_NOW }));

describe("co-visitation attack", () => {
  beforeAll(async () => {
    await db.insert(categories).values({ id: `${run}-cat`, name: "Poisoning test" });
    await db.insert(products).values(
      [POPULAR, TARGET, GENUINE, OLDER].map((id) => ({
        id,
        sku: `SKU-${id}`,
        name: `Product ${id}`,
        slug: id,
        categoryId: `${run}-cat`,
        brand: "Test",
        priceCents: 10_000,
        stock: 10,
        imageUrl: `/img/${id}.svg`,
        accessoryFor: [],
        createdAt: ATTACK_NOW,
        updatedAt: ATTACK_NOW,
      })),
    );
  });

  it("keeps fresh ids' target out of the popular item's similar list, learns established visitors' pattern", async () => {
    const ids = (kind: string) => Array.from({ length: CROWD }, (_, i) => `${run}-${kind}${i}`);
    const regulars = ids("regular");
    const attackers = ids("attacker");
    const genuine = ids("genuine");
    // Established visitors, first seen days ago: the popular item's audience, and a crowd that
    // looked at something else back then and now views the genuine pair.
    await db.insert(visitors).values(visitorRows([...regulars, ...genuine], ATTACK_NOW - 5 * DAY));
    // The attack's visitor ids were minted minutes ago.
    await db.insert(visitors).values(visitorRows(attackers, ATTACK_NOW - 2 * HOUR));
    const rows = [
      ...regulars.map((v, i) => attackView(v, POPULAR, ATTACK_NOW - 5 * DAY + i * 1000)),
      ...genuine.map((v, i) => attackView(v, OLDER, ATTACK_NOW - 5 * DAY + i * 1000)),
      ...attackers.flatMap((v, i) => [
        attackView(v, POPULAR, ATTACK_NOW - HOUR + i * 1000),
        attackView(v, TARGET, ATTACK_NOW - HOUR + i * 1000 + 500),
      ]),
      ...genuine.flatMap((v, i) => [
        attackView(v, POPULAR, ATTACK_NOW - HOUR + i * 1000),
        attackView(v, GENUINE, ATTACK_NOW - HOUR + i * 1000 + 500),
      ]),
    ];
    await db.insert(events).values(rows);

    // Train until a run of this test publishes a model that includes every event above (another
    // file's cron may take some of them first: the counts are the same whoever reads them).
    let published: string | null = null;
    for (let attempt = 0; attempt < 10 && !published; attempt++) {
      await db
        .insert(events)
        .values(attackView(`${run}-filler`, OLDER, ATTACK_NOW - 30 * 60_000 + attempt));
      const r = await trainRecommendations(env, settings, attackRunAt(), {
        // The offline gate compares with whatever model serves now, which is not under test.
        gate: { k: 10, minCases: Number.MAX_SAFE_INTEGER, tolerance: 0 },
        // Versions published above "in the future" would evict this one at once.
        keepVersions: 1000,
      });
      published = r.published;
    }
    expect(published).not.toBeNull();
    const model = await readModel(env.MODELS, published!);
    const similar = neighboursOf(model!, "similar", POPULAR).map(([id]) => id);
    expect(similar).toContain(GENUINE);
    expect(similar).not.toContain(TARGET);

    // The attempt is flagged with the run, and shown on the dashboard.
    const flagged = await db
      .select({ metrics: trainingRuns.metrics })
      .from(trainingRuns)
      .where(like(trainingRuns.metrics, `%${TARGET}%`));
    const flags = flagged.flatMap((r) => (r.metrics?.flags ?? []) as string[]);
    expect(flags.find((f) => f.includes(TARGET))).toMatch(/from new ids held back/);
    const page = await call("/__vitrine/dashboard/recommendations?days=7", { headers: ADMIN });
    expect(page.status).toBe(200);
    expect(page.text).toContain([POPULAR, TARGET].sort().join(" + "));
  });
});

describe("self-tuning", () => {
  const DAY = 86_400_000;
  // These tests are about the values built with, not the gate: never judge, always publish.
  const NO_GATE = { k: 10, minCases: Infinity, tolerance: 0 };
  // Later than every model published above, so keeping the last versions never evicts ours.
  let last = NOW + 3e10;
  const later = () => (last += 1000);
  const tuneState = async () => {
    const [row] = await db.select().from(jobState).where(eq(jobState.name, SELF_TUNE_STATE));
    return row?.value as TunedValues | undefined;
  };
  const manifestOf = async (version: string) =>
    (await env.MODELS.get(manifestKey(version), "json")) as {
      info: { easeLambda?: number; recentDecay?: number; purchaseDecay?: number };
      metrics: Record<string, number>;
    };

  it("tunes on the shop's newest events, builds with the winner and records it in the model", async () => {
    await db.delete(jobState).where(eq(jobState.name, SELF_TUNE_STATE));
    const at = later();
    // Visitors who browsed c and d three days ago and come back for b: cases after the cutoff.
    const rows = [];
    for (let v = 0; v < 12; v++)
      for (const [item, when] of [
        ["tr-c", at - 3 * DAY],
        ["tr-d", at - 3 * DAY + MIN],
        ["tr-b", at - 30 * MIN],
      ] as const)
        rows.push({
          eventId: `tr-tune-${v}-${item}`,
          visitorId: `tr-t${v}`,
          type: "product_view",
          occurredAt: when,
          receivedAt: when,
          productId: item,
          payload: {},
        });
    await db.insert(events).values(rows);
    const grid = { lambda: [0.5, 32], recentDecay: [0.85, 0.95], purchaseDecay: [0.9, 1] };
    const r = await trainRecommendations(env, settings, at, {
      selfTune: { ...SELF_TUNE_DEFAULTS, validationMs: 2 * DAY, minCases: 1, grid },
      gate: NO_GATE,
    });
    const tuned = await tuneState();
    expect(tuned?.at).toBe(at);
    expect(tuned!.cases).toBeGreaterThanOrEqual(12);
    expect(grid.lambda).toContain(tuned!.lambda);
    expect(grid.recentDecay).toContain(tuned!.recentDecay);
    expect(grid.purchaseDecay).toContain(tuned!.purchaseDecay);
    expect(tuned!.recall).toBeGreaterThanOrEqual(tuned!.defaultRecall!);
    expect(r.published).toBe(String(at));
    expect(r.metrics).toMatchObject({
      easeLambda: tuned!.lambda,
      recentDecay: tuned!.recentDecay,
      purchaseDecay: tuned!.purchaseDecay,
      tuneCases: tuned!.cases,
      tuneMs: expect.any(Number),
    });
    const manifest = await manifestOf(r.published!);
    expect(manifest.info).toMatchObject({
      easeLambda: tuned!.lambda,
      recentDecay: tuned!.recentDecay,
      purchaseDecay: tuned!.purchaseDecay,
    });
    expect(manifest.metrics.tuneRecall).toBe(tuned!.recall);
  });

  it("reuses the stored values until they are a day old, then tunes again", async () => {
    const at = later();
    const chosen: TunedValues = {
      at,
      lambda: 32,
      recentDecay: 0.95,
      purchaseDecay: 1,
      cases: 99,
      recall: 0.5,
      defaultRecall: 0.4,
    };
    await db
      .update(jobState)
      .set({ value: chosen, updatedAt: at })
      .where(eq(jobState.name, SELF_TUNE_STATE));
    await addEvents([
      ["tr-u1", "product_view", "tr-a"],
      ["tr-u1", "product_view", "tr-c"],
    ]);
    const r = await trainRecommendations(env, settings, at + 1000, { gate: NO_GATE });
    expect(r.metrics).toMatchObject({
      easeLambda: 32,
      recentDecay: 0.95,
      purchaseDecay: 1,
      tuneCases: 99,
    });
    expect(r.metrics.tuneMs).toBeUndefined();
    expect(await tuneState()).toEqual(chosen);
    // The edge scores with the model's decay.
    const model = await readModel(env.MODELS, r.published!);
    expect(model!.info).toMatchObject({ easeLambda: 32, recentDecay: 0.95, purchaseDecay: 1 });

    await addEvents([["tr-u2", "product_view", "tr-a"]]);
    const nextDay = await trainRecommendations(env, settings, at + DAY, { gate: NO_GATE });
    expect(nextDay.metrics.tuneMs).toEqual(expect.any(Number));
    expect((await tuneState())!.at).toBe(at + DAY);
  });

  it("keeps the defaults when tuning is off", async () => {
    await addEvents([["tr-u3", "product_view", "tr-b"]]);
    const r = await trainRecommendations(env, settings, later() + 2 * DAY, {
      selfTune: null,
      gate: NO_GATE,
    });
    expect(r.metrics).toMatchObject({ easeLambda: 0.5, recentDecay: 0.85, purchaseDecay: 0.9 });
    expect(r.metrics.tuneCases).toBeUndefined();
    const manifest = await manifestOf(r.published!);
    expect(manifest.info.recentDecay).toBeUndefined();
  });
});
