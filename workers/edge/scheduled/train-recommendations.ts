import { and, asc, desc, eq, gt, gte, inArray, lte } from "drizzle-orm";
import {
  events,
  itemPairs,
  itemStats,
  jobState,
  products,
  trainingRuns,
  visitors,
} from "../../../schema/index.ts";
import { createDb, type Db } from "../db/client.ts";
import { encodeModel, DEFAULT_SHARD_BYTES } from "../recommend/codec.ts";
import {
  addCounts,
  COOCCURRENCE_DEFAULTS,
  decayWeight,
  emptyCounts,
  lookbackMs,
  type CooccurrenceOptions,
  type Counts,
} from "../recommend/cooccurrence.ts";
import {
  cappedCounts,
  CONTRIBUTION_CAPS,
  coViewFlags,
  type ContributionCaps,
  type FirstSeen,
} from "../recommend/contribution-caps.ts";
import {
  interactionsOf,
  TRAINING_EVENT_TYPES,
  type Interaction,
} from "../recommend/interactions.ts";
import { modelRanker } from "../recommend/baselines.ts";
import { evaluateRankings, type EvalCase } from "../recommend/metrics.ts";
import {
  buildModel,
  TRAIN_DEFAULTS,
  type RecoModel,
  type TrainOptions,
} from "../recommend/model.ts";
import { PURCHASE_DECAY, RECENT_DECAY } from "../recommend/score.ts";
import { SELF_TUNE_DEFAULTS, tuneOnRecent, type SelfTuneSettings } from "../recommend/self-tune.ts";
import type { Settings } from "../settings.ts";
import {
  MODEL_POINTER,
  publishModel,
  readModel,
  recordRejected,
  KEEP_VERSIONS,
} from "./publish-model.ts";
import { DEGRADED, modelWarnings } from "./run-warnings.ts";
import * as clock from "../clock.ts";
import { failRun } from "./run-record.ts";

/** What the trainer reads of an event: who, what, when, which product, and its payload. */
const INTERACTION_COLUMNS = {
  visitorId: events.visitorId,
  type: events.type,
  occurredAt: events.occurredAt,
  productId: events.productId,
  payload: events.payload,
};

export const TRAINER_STATE = "reco-trainer";
/** The `job_state` row holding the values the trainer last tuned on the shop's own data. */
export const SELF_TUNE_STATE = "reco-self-tune";
export { SELF_TUNE_DEFAULTS, type SelfTuneSettings };

/** What the last tuning chose (null: too few cases, the defaults stand) and on what evidence. */
export type TunedValues = {
  at: number;
  lambda: number | null;
  recentDecay: number | null;
  purchaseDecay: number | null;
  cases: number;
  recall: number | null;
  defaultRecall: number | null;
};

export type TrainerOptions = {
  /** Events read per run; the rest waits for the next run (bounded CPU and memory per cron). */
  maxEvents: number;
  cooccurrence: CooccurrenceOptions;
  /** What one visitor and new ids may add per day and run (see contribution-caps.ts). */
  caps: ContributionCaps;
  train: TrainOptions;
  /** Pairs whose decayed weight falls below this are deleted (keeps the state bounded). */
  minPairWeight: number;
  shardBytes: number;
  keepVersions: number;
  /** Quality gate: cut-off k, fewest held-out cases to judge on, tolerated recall drop. */
  gate: { k: number; minCases: number; tolerance: number };
  /** Null: build with `train` as given, never tune. */
  selfTune: SelfTuneSettings | null;
};

export const TRAINER_DEFAULTS: TrainerOptions = {
  maxEvents: 20_000,
  cooccurrence: COOCCURRENCE_DEFAULTS,
  caps: CONTRIBUTION_CAPS,
  train: TRAIN_DEFAULTS,
  minPairWeight: 0.05,
  shardBytes: DEFAULT_SHARD_BYTES,
  keepVersions: KEEP_VERSIONS,
  gate: { k: 10, minCases: 20, tolerance: 0.02 },
  selfTune: SELF_TUNE_DEFAULTS,
};

type State = { watermark: number; epoch: number };

export type TrainResult = {
  /** `degraded`: a model was published, but a degenerate one (see `warnings`). */
  status: "succeeded" | "degraded" | "partial" | "skipped";
  eventsRead: number;
  watermarkFrom: number;
  watermarkTo: number;
  published: string | null;
  rejected: string | null;
  metrics: Record<string, number>;
  /** Why the published model is degenerate; empty when it is usable or none was published. */
  warnings: string[];
  /** Item pairs whose co-views jumped in this run, or that new ids pushed (see coViewFlags). */
  flags: string[];
};

const ROWS_PER_INSERT = 200;
const VISITORS_PER_QUERY = 200;

/**
 * The scheduled trainer: folds the events after the watermark into the item-pair weights in
 * Turso (one atomic batch that also moves the watermark, so a crash or a concurrent run never
 * counts an event twice), rebuilds the model from the weights, checks it offline against the
 * serving model on the newest visitors' next items, and publishes it to KV only if it is not
 * worse. Every run is recorded in `training_runs`; one that published a degenerate model (no
 * items, no pairs) as `degraded`, its warnings in the metrics.
 */
export async function trainRecommendations(
  env: Pick<Env, "MODELS">,
  settings: Settings,
  now = clock.now(),
  options: Partial<TrainerOptions> = {},
): Promise<TrainResult> {
  const o = { ...TRAINER_DEFAULTS, ...options };
  const db = createDb(settings);
  const runId = `train-${now}`;
  const started = Date.now();
  const state = await readState(db, now);
  await db.insert(trainingRuns).values({
    id: runId,
    job: "recommendations",
    startedAt: now,
    status: "running",
    watermarkFrom: state.watermark,
  });
  try {
    const result = await run(env.MODELS, db, state, now, o);
    await db
      .update(trainingRuns)
      .set({
        status: result.status,
        finishedAt: clock.now(),
        watermarkTo: result.watermarkTo,
        eventsRead: result.eventsRead,
        modelVersion: result.published ?? result.rejected,
        metrics: {
          ...result.metrics,
          durationMs: Date.now() - started,
          ...(result.warnings.length ? { warnings: result.warnings } : {}),
          ...(result.flags.length ? { flags: result.flags } : {}),
        },
      })
      .where(eq(trainingRuns.id, runId));
    return result;
  } catch (err) {
    return failRun(db, runId, err);
  }
}

async function readState(db: Db, now: number): Promise<State> {
  await db
    .insert(jobState)
    .values({ name: TRAINER_STATE, value: { watermark: 0, epoch: now }, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(jobState).where(eq(jobState.name, TRAINER_STATE));
  const v = (row?.value ?? {}) as Partial<State>;
  return { watermark: Number(v.watermark) || 0, epoch: Number(v.epoch) || now };
}

async function run(
  kv: KVNamespace,
  db: Db,
  state: State,
  now: number,
  o: TrainerOptions,
): Promise<TrainResult> {
  const batch = await db
    .select({
      seq: events.seq,
      visitorId: events.visitorId,
      type: events.type,
      occurredAt: events.occurredAt,
      productId: events.productId,
      payload: events.payload,
    })
    .from(events)
    .where(and(gt(events.seq, state.watermark), inArray(events.type, [...TRAINING_EVENT_TYPES])))
    .orderBy(asc(events.seq))
    .limit(o.maxEvents);
  const watermarkTo = batch.length ? batch[batch.length - 1]!.seq : state.watermark;
  const base = { eventsRead: batch.length, watermarkFrom: state.watermark, watermarkTo };
  const servingVersion = await kv.get(MODEL_POINTER);
  if (batch.length === 0 && servingVersion)
    return {
      ...base,
      status: "succeeded",
      published: null,
      rejected: null,
      metrics: {},
      warnings: [],
      flags: [],
    };

  const fresh = batch.flatMap(interactionsOf);
  const prior = await readPrior(db, batch, state.watermark, o.cooccurrence);
  const cases = holdoutCases(prior, fresh, o.gate.k * 2);
  const heldOut = new Set(cases.map((c) => c.at));

  // Decay epoch far in the past: rescale every stored weight so floats stay well in range.
  const halfLife = o.cooccurrence.halfLifeMs;
  const rebase = now - state.epoch > 16 * halfLife;
  const epoch = rebase ? now : state.epoch;
  // Anonymous browsers' events: capped per visitor and per day, new ids held to what
  // established visitors show (see cappedCounts).
  const firstSeen = await readFirstSeen(db, batch);
  const capped = cappedCounts(prior, fresh, firstSeen, epoch, now, o.cooccurrence, o.caps);
  const all = capped.counts;
  const train = cappedCounts(
    prior,
    fresh.filter((i) => !heldOut.has(i)),
    firstSeen,
    epoch,
    now,
    o.cooccurrence,
    o.caps,
  ).counts;

  const committed = await commit(db, state, { watermark: watermarkTo, epoch }, all, {
    rescale: rebase ? Math.pow(2, -(now - state.epoch) / halfLife) : 1,
    prune: o.minPairWeight * Math.pow(2, (now - epoch) / halfLife),
    now,
  });
  if (!committed)
    return {
      ...base,
      watermarkTo: state.watermark,
      status: "skipped",
      published: null,
      rejected: null,
      metrics: { concurrentRun: 1 },
      warnings: [],
      flags: [],
    };

  const tuning = await tunedValues(db, now, o);
  const trainOptions = withTuned(o.train, tuning.values);
  const [stored, catalog] = await Promise.all([loadCounts(db), loadCatalog(db)]);
  const flags = coViewFlags(capped, stored, decayWeight(now, epoch, halfLife), o.caps);
  const version = String(now);
  const candidate = buildModel(stored, catalog, { version, createdAt: now }, trainOptions);
  const metrics: Record<string, number> = {
    ...tuningMetrics(trainOptions, tuning),
    events: batch.length,
    interactions: fresh.length,
    items: candidate.size,
    pairs: candidate.info.pairs,
    easeItems: candidate.info.easeItems,
    holdoutCases: cases.length,
    cappedInteractions: capped.dropped,
    flaggedPairs: flags.length,
  };
  const partial = batch.length >= o.maxEvents;

  // Offline gate on the newest visitors' next items, which neither model has seen.
  const serving = servingVersion ? await readModel(kv, servingVersion) : null;
  if (serving && cases.length >= o.gate.minCases) {
    const evalCounts = await loadCounts(db);
    addCounts(evalCounts, all, -1);
    addCounts(evalCounts, train, 1);
    const evalModel = buildModel(evalCounts, catalog, { version, createdAt: now }, trainOptions);
    const recallOf = (m: RecoModel) => recallAt(m, cases, o.gate.k);
    metrics.recallCandidate = recallOf(evalModel);
    metrics.recallServing = recallOf(serving);
    if (metrics.recallCandidate < metrics.recallServing - o.gate.tolerance) {
      const encoded = encodeModel(candidate, metrics, o.shardBytes);
      await recordRejected(db, encoded.manifest, now);
      return {
        ...base,
        status: partial ? "partial" : "succeeded",
        published: null,
        rejected: version,
        metrics,
        warnings: [],
        flags,
      };
    }
  }
  const encoded = encodeModel(candidate, metrics, o.shardBytes);
  metrics.modelBytes = encoded.manifest.byteLength;
  metrics.shards = encoded.manifest.shards;
  await publishModel(kv, db, encoded, now, o.keepVersions);
  // Published anyway (lists fall back to popularity), but the run says what is wrong with it.
  const warnings = modelWarnings({ items: candidate.size, pairs: candidate.info.pairs });
  if (warnings.length)
    console.warn(JSON.stringify({ msg: "model published degraded", version, warnings }));
  return {
    ...base,
    status: partial ? "partial" : warnings.length ? DEGRADED : "succeeded",
    published: version,
    rejected: null,
    metrics,
    warnings,
    flags,
  };
}

/**
 * The tuned values in force: the stored ones while fresh, else a new tuning on the newest
 * events (stored for the next runs, also when it finds too few cases to choose).
 */
async function tunedValues(
  db: Db,
  now: number,
  o: TrainerOptions,
): Promise<{ values: TunedValues | null; ms: number | null }> {
  const t = o.selfTune;
  if (!t) return { values: null, ms: null };
  const [row] = await db.select().from(jobState).where(eq(jobState.name, SELF_TUNE_STATE));
  const stored = parseTuned(row?.value);
  if (stored && stored.at <= now && now - stored.at < t.everyMs)
    return { values: stored, ms: null };
  const rows = await db
    .select(INTERACTION_COLUMNS)
    .from(events)
    .where(
      and(
        gte(events.occurredAt, now - t.spanMs),
        lte(events.occurredAt, now),
        inArray(events.type, [...TRAINING_EVENT_TYPES]),
      ),
    )
    .orderBy(desc(events.occurredAt))
    .limit(t.maxEvents);
  const started = Date.now();
  const r = tuneOnRecent(rows.reverse().flatMap(interactionsOf), t, o.cooccurrence, o.train);
  const values: TunedValues = {
    at: now,
    lambda: r?.lambda ?? null,
    recentDecay: r?.recentDecay ?? null,
    purchaseDecay: r?.purchaseDecay ?? null,
    cases: r?.cases ?? 0,
    recall: r?.recall ?? null,
    defaultRecall: r?.defaultRecall ?? null,
  };
  const ms = Date.now() - started;
  await db
    .insert(jobState)
    .values({ name: SELF_TUNE_STATE, value: values, updatedAt: now })
    .onConflictDoUpdate({ target: jobState.name, set: { value: values, updatedAt: now } });
  return { values, ms };
}

/** A stored tuning, or null when missing or not in the shape written above. */
function parseTuned(v: unknown): TunedValues | null {
  const x = v as Partial<TunedValues> | null | undefined;
  const num = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : null);
  const at = num(x?.at);
  if (!x || at === null) return null;
  const lambda = num(x.lambda);
  const weight = (n: unknown) => {
    const d = num(n);
    return d !== null && d > 0 && d <= 1 ? d : null;
  };
  return {
    at,
    lambda: lambda !== null && lambda > 0 ? lambda : null,
    recentDecay: weight(x.recentDecay),
    purchaseDecay: weight(x.purchaseDecay),
    cases: num(x.cases) ?? 0,
    recall: num(x.recall),
    defaultRecall: num(x.defaultRecall),
  };
}

/** The training options with the tuned lambda and decay in place of the defaults. */
function withTuned(train: TrainOptions, tuned: TunedValues | null): TrainOptions {
  return {
    ...train,
    ease: train.ease && tuned?.lambda ? { ...train.ease, lambda: tuned.lambda } : train.ease,
    ...(tuned?.recentDecay ? { recentDecay: tuned.recentDecay } : {}),
    ...(tuned?.purchaseDecay ? { purchaseDecay: tuned.purchaseDecay } : {}),
  };
}

/** The values the model was built with and the tuning's evidence, for the run and the manifest. */
function tuningMetrics(
  train: TrainOptions,
  tuning: { values: TunedValues | null; ms: number | null },
): Record<string, number> {
  const v = tuning.values;
  return {
    ...(train.ease ? { easeLambda: train.ease.lambda } : {}),
    recentDecay: train.recentDecay ?? RECENT_DECAY,
    purchaseDecay: train.purchaseDecay ?? PURCHASE_DECAY,
    ...(v ? { tuneCases: v.cases } : {}),
    ...(v?.recall != null ? { tuneRecall: v.recall } : {}),
    ...(v?.defaultRecall != null ? { tuneDefaultRecall: v.defaultRecall } : {}),
    ...(tuning.ms != null ? { tuneMs: tuning.ms } : {}),
  };
}

/** The same visitors' earlier events, as far back as any co-occurrence window reaches. */
async function readPrior(
  db: Db,
  batch: { visitorId: string; occurredAt: number }[],
  watermark: number,
  o: CooccurrenceOptions,
): Promise<Interaction[]> {
  if (batch.length === 0 || watermark === 0) return [];
  const visitors = [...new Set(batch.map((e) => e.visitorId))];
  const since = batch.reduce((t, e) => Math.min(t, e.occurredAt), Infinity) - lookbackMs(o);
  const out: Interaction[] = [];
  for (let i = 0; i < visitors.length; i += VISITORS_PER_QUERY) {
    const rows = await db
      .select(INTERACTION_COLUMNS)
      .from(events)
      .where(
        and(
          inArray(events.visitorId, visitors.slice(i, i + VISITORS_PER_QUERY)),
          lte(events.seq, watermark),
          gte(events.occurredAt, since),
          inArray(events.type, [...TRAINING_EVENT_TYPES]),
        ),
      )
      .orderBy(asc(events.seq));
    for (const r of rows) out.push(...interactionsOf(r));
  }
  return out;
}

/** When the batch's visitors were first seen (see FirstSeen). */
async function readFirstSeen(db: Db, batch: { visitorId: string }[]): Promise<FirstSeen> {
  const ids = [...new Set(batch.map((e) => e.visitorId))];
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += VISITORS_PER_QUERY) {
    const rows = await db
      .select({ id: visitors.id, firstSeenAt: visitors.firstSeenAt })
      .from(visitors)
      .where(inArray(visitors.id, ids.slice(i, i + VISITORS_PER_QUERY)));
    for (const r of rows) out.set(r.id, r.firstSeenAt);
  }
  return out;
}

/**
 * Held-out cases for the quality gate: each visitor's last new item in this batch, with what
 * they touched before it (most recent first) as the history.
 */
function holdoutCases(
  prior: Interaction[],
  fresh: Interaction[],
  historyLimit: number,
): (EvalCase & { at: Interaction })[] {
  const last = new Map<string, Interaction>();
  for (const i of fresh) last.set(i.visitor, i);
  const history = new Map<string, string[]>();
  for (const i of [...prior, ...fresh]) {
    if (last.get(i.visitor) === i) continue;
    let h = history.get(i.visitor);
    if (!h) history.set(i.visitor, (h = []));
    h.push(i.item);
  }
  const cases: (EvalCase & { at: Interaction })[] = [];
  for (const [visitor, target] of last) {
    const before = history.get(visitor) ?? [];
    if (!before.length || before.includes(target.item)) continue;
    const recent = [...new Set(before.reverse())].slice(0, historyLimit);
    cases.push({ visitor, history: recent, target: target.item, at: target });
  }
  return cases;
}

/** The model's own recall: without the popularity fill, which both models share. */
function recallAt(model: RecoModel, cases: EvalCase[], k: number): number {
  const rank = modelRanker(model, []);
  return evaluateRankings(
    cases,
    cases.map((c) => rank(c.history, k)),
    [k],
    model.size,
  ).at[k]!.recall;
}

/**
 * One atomic batch: the watermark moves only if it is still where this run found it (a guard
 * insert collides on the primary key otherwise and aborts the batch), then the increments are
 * added, old weights rescaled and faded pairs pruned.
 */
async function commit(
  db: Db,
  from: State,
  to: State,
  delta: Counts,
  o: { rescale: number; prune: number; now: number },
): Promise<boolean> {
  type Stmt = { sql: string; args: (string | number)[] };
  const stmts: Stmt[] = [
    {
      sql: "UPDATE job_state SET value = ?, updated_at = ? WHERE name = ? AND json_extract(value, '$.watermark') = ?",
      args: [JSON.stringify(to), o.now, TRAINER_STATE, from.watermark],
    },
    {
      sql: "INSERT INTO job_state (name, value, updated_at) SELECT ?, '{}', 0 WHERE changes() = 0",
      args: [TRAINER_STATE],
    },
  ];
  if (o.rescale !== 1)
    for (const table of ["item_pairs", "item_stats"])
      stmts.push({
        sql: `UPDATE ${table} SET view = view * ?, cart = cart * ?, buy = buy * ?`,
        args: [o.rescale, o.rescale, o.rescale],
      });
  const ids = delta.index.ids;
  let rows: (string | number)[][] = [];
  const flush = (table: "item_pairs" | "item_stats") => {
    if (!rows.length) return;
    const keys = table === "item_pairs" ? "item_a, item_b" : "item_id";
    const cols = table === "item_pairs" ? 5 : 4;
    stmts.push({
      sql:
        `INSERT INTO ${table} (${keys}, view, cart, buy) VALUES ` +
        rows.map(() => `(${Array(cols).fill("?").join(",")})`).join(",") +
        ` ON CONFLICT(${keys}) DO UPDATE SET view = view + excluded.view, ` +
        "cart = cart + excluded.cart, buy = buy + excluded.buy",
      args: rows.flat(),
    });
    rows = [];
  };
  delta.pairs.forEach((a, b, view, cart, buy) => {
    const [x, y] = ids[a]! < ids[b]! ? [ids[a]!, ids[b]!] : [ids[b]!, ids[a]!];
    rows.push([x, y, view, cart, buy]);
    if (rows.length >= ROWS_PER_INSERT) flush("item_pairs");
  });
  flush("item_pairs");
  for (let i = 0; i < ids.length; i++) {
    const w = [delta.items.get(i, 0), delta.items.get(i, 1), delta.items.get(i, 2)];
    // Items only seen in prior history got a number but no increment.
    if (!w.some((v) => v !== 0)) continue;
    rows.push([ids[i]!, ...w]);
    if (rows.length >= ROWS_PER_INSERT) flush("item_stats");
  }
  flush("item_stats");
  stmts.push({ sql: "DELETE FROM item_pairs WHERE view + cart + buy < ?", args: [o.prune] });
  try {
    await db.$client.batch(stmts, "write");
    return true;
  } catch (err) {
    if (/UNIQUE|PRIMARY KEY|constraint/i.test(String(err))) return false;
    throw err;
  }
}

/** All stored pair weights and item counts. */
async function loadCounts(db: Db): Promise<Counts> {
  const [pairs, stats] = await Promise.all([
    db.select().from(itemPairs),
    db.select().from(itemStats),
  ]);
  const counts = emptyCounts();
  for (const s of stats) {
    const i = counts.index.intern(s.itemId);
    counts.items.add(i, 0, s.view);
    counts.items.add(i, 1, s.cart);
    counts.items.add(i, 2, s.buy);
  }
  for (const p of pairs) {
    const a = counts.index.intern(p.itemA);
    const b = counts.index.intern(p.itemB);
    if (p.view) counts.pairs.add(a, b, 0, p.view);
    if (p.cart) counts.pairs.add(a, b, 1, p.cart);
    if (p.buy) counts.pairs.add(a, b, 2, p.buy);
  }
  return counts;
}

async function loadCatalog(db: Db) {
  return db
    .select({
      id: products.id,
      priceCents: products.priceCents,
      accessoryFor: products.accessoryFor,
    })
    .from(products);
}
