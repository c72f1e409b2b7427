import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mulberry32 } from "../../seeds/random.ts";
import * as clock from "../../workers/edge/clock.ts";
import { decodeModel, encodeModel } from "../../workers/edge/recommend/codec.ts";
import { accumulate, emptyCounts } from "../../workers/edge/recommend/cooccurrence.ts";
import type { Interaction, Level } from "../../workers/edge/recommend/interactions.ts";
import { buildModel, type CatalogFacts } from "../../workers/edge/recommend/model.ts";
import { recommend, type ItemFacts } from "../../workers/edge/recommend/score.ts";
import { SELF_TUNE_DEFAULTS, tuneOnRecent } from "../../workers/edge/recommend/self-tune.ts";
import { COOCCURRENCE_DEFAULTS } from "../../workers/edge/recommend/cooccurrence.ts";
import { TRAIN_DEFAULTS } from "../../workers/edge/recommend/model.ts";
import { quantile } from "./percentiles.ts";
import { markdownTable } from "../markdown-table.ts";

/**
 * npm run bench:training
 *
 * Training time and peak memory of the trainer's pure pipeline (co-occurrence accumulation,
 * neighbour lists, EASE on the most popular items, binary encoding) for generated logs of
 * 10k / 100k / 1M events over 1k / 10k items, each size in its own process so peak RSS is its
 * own; then edge scoring per request on a 10k-item model (decode once, then score).
 *
 * npm run bench:training -- --self-tune
 *
 * The trainer's daily self-tuning (recommend/self-tune.ts with the trainer's settings: the
 * newest 35 days, at most 50k events, the last 7 days held out, one EASE build per lambda)
 * on generated logs over 1k and 10k items.
 */

const DAY = 86_400_000;

/**
 * Shoppers with a favourite category (50 items each), Zipf-like popularity inside it, sessions
 * of views with some cart adds and purchases, spread over 60 days.
 */
export function generateLog(events: number, items: number, seed = 1): Interaction[] {
  const r = mulberry32(seed);
  const perCategory = 50;
  const categories = Math.max(1, Math.floor(items / perCategory));
  const zipf = (n: number) => Math.min(n - 1, Math.floor(n * Math.pow(r(), 2.2)));
  const out: Interaction[] = [];
  const end = clock.dayStart(clock.now());
  let visitor = 0;
  while (out.length < events) {
    const v = `v${visitor++}`;
    const category = zipf(categories);
    let at = end - Math.floor(r() * 60 * DAY);
    const length = 2 + Math.floor(r() * 10);
    for (let i = 0; i < length && out.length < events; i++) {
      const c = r() < 0.85 ? category : Math.floor(r() * categories);
      const item = `i${c * perCategory + zipf(perCategory)}`;
      const p = r();
      const level: Level = p < 0.03 ? 2 : p < 0.12 ? 1 : 0;
      out.push({ visitor: v, item, at, level });
      at += 30_000 + Math.floor(r() * 300_000);
    }
  }
  return out;
}

function catalogOf(items: number): CatalogFacts[] {
  return Array.from({ length: items }, (_, i) => ({
    id: `i${i}`,
    priceCents: i % 10 === 9 ? 1_500 : 20_000,
    // Every tenth product is an accessory of the one before it.
    accessoryFor: i % 10 === 9 ? [`i${i - 1}`] : [],
  }));
}

type SizeResult = {
  events: number;
  items: number;
  accumulateMs: number;
  buildMs: number;
  easeItems: number;
  encodeMs: number;
  pairs: number;
  modelMiB: number;
  peakRssMiB: number;
  baseRssMiB: number;
};

function measureSize(events: number, items: number): SizeResult {
  const baseRss = process.memoryUsage().rss;
  const log = generateLog(events, items);
  const catalog = catalogOf(items);
  const epoch = log.reduce((t, i) => Math.max(t, i.at), 0);
  const t0 = performance.now();
  const counts = emptyCounts();
  accumulate(counts, [], log, epoch);
  const t1 = performance.now();
  const model = buildModel(counts, catalog, { version: "bench", createdAt: epoch });
  const t2 = performance.now();
  const encoded = encodeModel(model);
  const t3 = performance.now();
  return {
    events,
    items,
    accumulateMs: t1 - t0,
    buildMs: t2 - t1,
    easeItems: model.info.easeItems,
    encodeMs: t3 - t2,
    pairs: model.info.pairs,
    modelMiB: encoded.manifest.byteLength / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    baseRssMiB: baseRss / 2 ** 20,
  };
}

function measureScoring(items: number, requests: number) {
  const log = generateLog(200_000, items, 7);
  const counts = emptyCounts();
  accumulate(
    counts,
    [],
    log,
    log.reduce((t, i) => Math.max(t, i.at), 0),
  );
  const model = buildModel(counts, catalogOf(items), { version: "bench", createdAt: 0 });
  const { manifest, shards } = encodeModel(model);
  const manifestJson = JSON.stringify(manifest);
  const d0 = performance.now();
  const decoded = decodeModel(JSON.parse(manifestJson), shards);
  const decodeMs = performance.now() - d0;
  // Catalog ids from the trained model: the decoded one meets its ids only as scoring asks.
  const ids = Array.from({ length: model.size }, (_, i) => model.idOf(i)!);
  const facts = new Map<string, ItemFacts>(
    ids.map((id, i) => [
      id,
      { name: `Item ${id}`, categoryId: `c${Math.floor(i / 50)}`, stock: i % 17 ? 5 : 0 },
    ]),
  );
  const popular = ids.slice(0, 100);
  const ctx = {
    model: decoded,
    facts: (id: string) => facts.get(id),
    popularIn: () => popular,
    popular,
  };
  const r = mulberry32(3);
  const pick = () => ids[Math.floor(r() * ids.length)]!;
  const slots = [
    "recommended",
    "similar",
    "alsoBought",
    "completePurchase",
    "accessories",
  ] as const;
  const times: number[] = [];
  for (let q = 0; q < requests; q++) {
    const recent = Array.from({ length: 8 }, pick);
    const req = {
      slot: slots[q % slots.length]!,
      current: pick(),
      recent,
      cart: [pick()],
      purchased: [pick(), pick()],
      affinity: { c1: 0.5, c2: 0.2 },
      category: null,
      limit: 10,
    };
    const t = performance.now();
    recommend(ctx, req);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => quantile(times, p) * 1000;
  return {
    items,
    modelMiB: manifest.byteLength / 2 ** 20,
    manifestKiB: manifestJson.length / 1024,
    shards: manifest.shards,
    decodeMs,
    p50us: at(0.5),
    p99us: at(0.99),
    meanUs: (times.reduce((s, t) => s + t, 0) / times.length) * 1000,
  };
}

const f1 = (x: number) => x.toFixed(1);

/** One self-tuning as the trainer runs it, on a generated log: time, cases and the choice. */
function measureSelfTune(events: number, items: number) {
  const t = SELF_TUNE_DEFAULTS;
  // The generated shoppers come once; here each comes back about four times over the 60 days.
  const once = generateLog(events, items);
  const pool = Math.max(1, Math.round(new Set(once.map((i) => i.visitor)).size / 4));
  const log = once.map((i) => ({ ...i, visitor: `v${Number(i.visitor.slice(1)) % pool}` }));
  const end = log.reduce((m, i) => Math.max(m, i.at), 0);
  const read = log
    .filter((i) => i.at >= end - t.spanMs)
    .sort((a, b) => a.at - b.at)
    .slice(-t.maxEvents);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = tuneOnRecent(read, t, COOCCURRENCE_DEFAULTS, TRAIN_DEFAULTS);
  const cpu = process.cpuUsage(c0);
  return {
    events: read.length,
    items,
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    lambdas: t.grid.lambda.length,
    cases: r?.cases ?? 0,
    choice: r
      ? `λ ${r.lambda}, decays ${r.recentDecay} / ${r.purchaseDecay}`
      : "defaults (too few cases)",
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** The self-tuning bench: each size in its own process, as a Markdown table. */
export function selfTuneBench(
  sizes: [number, number][] = [
    [100_000, 1_000],
    [100_000, 10_000],
  ],
) {
  const rows = sizes.map(([events, items]) => {
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        "--one-tune",
        String(events),
        String(items),
      ],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    if (child.status !== 0)
      return [events, items, `failed: ${child.stderr.trim().split("\n").at(-1)}`];
    const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as ReturnType<
      typeof measureSelfTune
    >;
    return [
      r.events,
      r.items,
      `${f1(r.cpuMs / 1000)} (${f1(r.ms / 1000)})`,
      r.lambdas,
      r.cases,
      r.choice,
      f1(r.peakRssMiB),
    ];
  });
  return markdownTable(
    [
      "events read",
      "items",
      "self-tune CPU s (wall)",
      "EASE builds",
      "cases",
      "chosen",
      "peak RSS MiB",
    ],
    rows,
  ).join("\n");
}

export type TrainingBench = {
  sizes: SizeResult[];
  failed: { events: number; items: number; error: string }[];
  scoring: ReturnType<typeof measureScoring>;
  markdown: string;
};

/**
 * Every size in its own process (so its peak RSS is its own), then edge scoring on a
 * 10k-item model. Also what `npm run bench` reports as trainer timings.
 */
export function trainingBench(
  sizes = [10_000, 100_000, 1_000_000],
  catalogs = [1_000, 10_000],
): TrainingBench {
  const results: SizeResult[] = [];
  const failed: TrainingBench["failed"] = [];
  const rows: (string | number)[][] = [];
  for (const items of catalogs)
    for (const events of sizes) {
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          "--one",
          String(events),
          String(items),
        ],
        { encoding: "utf8", maxBuffer: 1 << 20 },
      );
      if (child.status !== 0) {
        const error = child.stderr.trim().split("\n").at(-1) ?? "failed";
        failed.push({ events, items, error });
        rows.push([events, items, `failed: ${error}`]);
        continue;
      }
      const r = JSON.parse(child.stdout.trim().split("\n").at(-1)!) as SizeResult;
      results.push(r);
      rows.push([
        events,
        items,
        f1(r.accumulateMs / 1000),
        `${f1(r.buildMs / 1000)} (${r.easeItems})`,
        f1(r.encodeMs),
        r.pairs,
        f1(r.modelMiB),
        `${f1(r.peakRssMiB)} (${f1(r.baseRssMiB)})`,
      ]);
    }
  const s = measureScoring(10_000, 20_000);
  const lines = markdownTable(
    [
      "events",
      "items",
      "accumulate s",
      "build s (EASE items)",
      "encode ms",
      "pairs",
      "model MiB",
      "peak RSS MiB (base)",
    ],
    rows,
  );
  lines.push(
    "",
    `edge scoring, ${s.items}-item model (${f1(s.modelMiB)} MiB in ${s.shards} shards + ${f1(s.manifestKiB)} KiB manifest):` +
      ` decode ${f1(s.decodeMs)} ms once per version; per request p50 ${f1(s.p50us)} µs, p99 ${f1(s.p99us)} µs, mean ${f1(s.meanUs)} µs (20,000 requests, 5 slot kinds)`,
  );
  return { sizes: results, failed, scoring: s, markdown: lines.join("\n") };
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--one-tune") {
    console.log(JSON.stringify(measureSelfTune(Number(args[1]), Number(args[2]))));
    return;
  }
  if (args[0] === "--self-tune") {
    console.log(selfTuneBench());
    return;
  }
  if (args[0] === "--one") {
    console.log(JSON.stringify(measureSize(Number(args[1]), Number(args[2]))));
    return;
  }
  const result = trainingBench();
  console.log(result.markdown);
  if (result.failed.length) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
