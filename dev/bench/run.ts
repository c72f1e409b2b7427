import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { ensureDevVars, startStack } from "../stack.ts";
import { replaceSection } from "../markdown-section.ts";
import { markdownTable } from "../markdown-table.ts";
import { benchIngest, benchSnapshot, consentingVisitors, ingestMarkdown } from "./events.ts";
import { objectCpu, runMode, targets, workerCpu, type ModeRun } from "./hot-path.ts";
import { profileMarkdown, profileWorker } from "./cpu-profile.ts";
import { firstLast, oneAtATime, type TimedRun } from "./page-timing.ts";
import { cpuByRole, machine, pinGroups, rssMiB, wranglerProcesses } from "./processes.ts";
import {
  costTable,
  hotPathTables,
  priceSources,
  processTable,
  targetTable,
  usageOf,
} from "./report.ts";
import {
  BENCH_CONFIG,
  prebuild,
  copyKv,
  countsSince,
  readCounts,
  setObjectDelay,
  type Counts,
  startSessionWorker,
} from "./session-worker.ts";
import { trainingBench } from "./training.ts";
import { BROWSER, browseByMode, consentingJars } from "./visitors.ts";

/**
 * `npm run bench`: the local stack as Vitrine is deployed, the visitor's Durable Object in a
 * Worker and process of its own (session-worker.ts), and in one run:
 *  1. the product page and a 100 KB real-world-sized product page through the Worker with
 *     personalization switched off (kill switch: the pass-through baseline), for anonymous
 *     visitors (request-only modules) and personalized for returning visitors with 0, 2 and
 *     10 ms added before every call to their object (same data centre, a nearby one): each at
 *     saturation with the CPU of every process and the platform operations per page, at a
 *     fixed rate and one request at a time (first and last byte); then returning visitors
 *     whose objects went idle;
 *  2. a 5 MB page the origin streams over time: first and last byte, and the Worker's memory;
 *  3. events ingested through the Worker into Turso (count in == rows out) with their CPU and
 *     operations per 1,000 events, and the hot path's session snapshot latency;
 *  4. the trainer's timings and peak memory on generated logs;
 *  5. what a million page views and a thousand events cost at the published prices.
 * Prints the Markdown and writes docs/benchmarks.md and reports/bench.{json,md}.
 *
 * The load generator, the Worker and the object are pinned to cores of their own with taskset
 * when the machine has three; the report says how many it had. wrangler dev's local trace
 * collector is off (X_LOCAL_OBSERVABILITY=false unless set): it stores a span for every
 * subrequest in SQLite, which the deployed Worker never pays for.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const PAGE_RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 200);
const LARGE_RUNS = Number(process.env.BENCH_LARGE_RUNS ?? 10);
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 20);
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 30);
const VISITORS = Number(process.env.BENCH_VISITORS ?? 200);
const INGEST_VISITORS = 500;
const DELAYS = [0, 2, 10];
/** Trainer log sizes (comma-separated event counts; the trainer bench's own by default). */
const TRAINING_EVENTS = process.env.BENCH_TRAINING_EVENTS?.split(",").map(Number);
/** The object stores page views and flushes them to Turso 30 s later (FLUSH_DELAY_MS). */
const FLUSH_WAIT_MS = Number(process.env.BENCH_FLUSH_WAIT_S ?? 40) * 1000;
/**
 * A Durable Object idle this long leaves memory (workerd's server.c++, 10 s; Cloudflare's
 * lifecycle docs say the same for objects that can hibernate, as the visitor's can).
 */
const OBJECT_IDLE_MS = 11_000;
const LARGE_PAGE = "/bench/large-page?mb=5";
/** Pages per CPU profile (see cpu-profile.ts). */
const PROFILE_PAGES = 300;
const PORTS = { db: 18080, shop: 13000, worker: 18787 };
const SESSION = { port: 18788, inspectorPort: 19288 };
const EDGE_INSPECTOR_PORT = 19287;
const DATA_DIR = ".data/bench";

process.env.X_LOCAL_OBSERVABILITY ??= "false";
// A fresh database and Worker state each run: earlier runs' visitors would load this one.
rmSync(DATA_DIR, { recursive: true, force: true });
const logLines: string[] = [];
const log = (line: string) => logLines.push(line);
const progress = (line: string) => console.error(line);
const dbUrl = `http://127.0.0.1:${PORTS.db}`;
// The object's Worker reads the same secrets as the main one, so they must exist first.
ensureDevVars(dbUrl, log);
const edgeConfig = prebuild(BENCH_CONFIG.edge, `${DATA_DIR}/edge-bundle`);
const session = await startSessionWorker({ ...SESSION, dataDir: DATA_DIR, dbUrl, log }).catch(
  (err: unknown) => {
    console.error(logLines.slice(-30).join("\n"));
    throw err;
  },
);
const stack = await startStack({
  ports: PORTS,
  dataDir: DATA_DIR,
  log,
  // The load generator times responses on this process's event loop: nothing else runs here.
  ownProcesses: true,
  wranglerArgs: [
    "-c",
    edgeConfig,
    "--env-file",
    ".dev.vars",
    "--inspector-port",
    String(EDGE_INSPECTOR_PORT),
  ],
}).catch(async (err: unknown) => {
  await session.stop();
  console.error(logLines.slice(-30).join("\n"));
  throw err;
});

const edgeProcs = () => wranglerProcesses(PORTS.worker, "Worker");
const sessionProcs = () => wranglerProcesses(SESSION.port, "object");
const allProcs = () => [...edgeProcs(), ...sessionProcs(), ...stack.processes];

async function publish(config: object): Promise<void> {
  const res = await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status} ${await res.text()}`);
  // The object plans with the config and models too, from its own Worker's KV.
  await copyKv(stack.workerUrl, session.url, ["CONFIG", "MODELS"]);
  // Other isolates re-read the config pointer within 5 s.
  await new Promise((r) => setTimeout(r, 6_000));
}

try {
  await copyKv(stack.workerUrl, session.url, ["CONFIG", "MODELS", "PROFILES"]);
  const pinning = pinGroups([
    {
      name: "load generator, libSQL server, demo shop",
      pids: [process.pid, ...stack.processes.map((p) => p.pid)],
    },
    { name: "Worker (wrangler dev)", pids: edgeProcs().map((p) => p.pid) },
    { name: "object (its wrangler dev)", pids: sessionProcs().map((p) => p.pid) },
  ]);
  progress(`bench: ${pinning}`);

  const active = (await (
    await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    })
  ).json()) as { config: { pageRules?: unknown[] } & Record<string, unknown> };
  const home = await (await fetch(`${stack.shopUrl}/`)).text();
  const path = /href="(\/p\/[^"]+)"/.exec(home)?.[1];
  if (!path) throw new Error("no product link on the demo home page");
  const pages = [
    { name: "product page", url: `${stack.workerUrl}${path}` },
    { name: "100 KB product page", url: `${stack.workerUrl}${path}?kb=100` },
  ];
  const config = {
    ...active.config,
    pageRules: [{ pattern: "/bench/*", pageType: "category" }, ...(active.config.pageRules ?? [])],
  };
  const env = {
    edgeUrl: stack.workerUrl,
    sessionUrl: session.url,
    processes: allProcs,
    seconds: SECONDS,
    rate: RATE,
    pageRuns: PAGE_RUNS,
    log: progress,
  };
  const runs: ModeRun[] = [];

  // Pass-through first, on a quiet stack: later phases leave objects flushing to Turso.
  await publish({ ...config, enabled: false });
  for (const page of pages) runs.push(await runMode(env, "pass-through", 0, page, []));
  const largePass = await oneAtATime("kill switch", `${stack.workerUrl}${LARGE_PAGE}`, LARGE_RUNS, {
    headers: BROWSER,
  });
  const memoryPass = await memory(`${stack.workerUrl}${LARGE_PAGE}`);
  const profilePass = await profileWorker(EDGE_INSPECTOR_PORT, async () => {
    await oneAtATime("profile", pages[0]!.url, PROFILE_PAGES, { headers: BROWSER });
    return PROFILE_PAGES;
  });

  await publish(config);
  for (const page of pages) runs.push(await runMode(env, "anonymous", 0, page, []));

  progress(`bench: ${VISITORS} consenting visitors browse`);
  const visitors = await consentingJars(stack.workerUrl, VISITORS);
  const tops = await browseByMode(stack.workerUrl, visitors, pages[0]!.url);
  progress(`bench: visitors by top buyer mode: ${JSON.stringify(tops)}`);
  const beforePersonalized = await bothCounts();
  for (const delay of DELAYS) {
    await setObjectDelay(stack.workerUrl, delay);
    for (const page of pages) runs.push(await runMode(env, "personalized", delay, page, visitors));
  }
  await setObjectDelay(stack.workerUrl, 0);
  const profilePers = await profileWorker(EDGE_INSPECTOR_PORT, async () => {
    await oneAtATime("profile", pages[0]!.url, PROFILE_PAGES, { headers: BROWSER, visitors });
    return PROFILE_PAGES;
  });
  // Every visitor once more, after their objects went idle.
  await new Promise((r) => setTimeout(r, OBJECT_IDLE_MS));
  const idle = await oneAtATime("after idle", pages[0]!.url, VISITORS, {
    headers: BROWSER,
    visitors,
  });
  const largeOrigin = await oneAtATime("origin", `${stack.shopUrl}${LARGE_PAGE}`, LARGE_RUNS, {
    headers: BROWSER,
  });
  const largePers = await oneAtATime(
    "personalized",
    `${stack.workerUrl}${LARGE_PAGE}`,
    LARGE_RUNS,
    { headers: BROWSER, visitors: visitors.slice(0, 1) },
  );
  const memoryPers = await memory(`${stack.workerUrl}${LARGE_PAGE}`, visitors[0]!.header());
  // The page views reach Turso with the objects' next flush.
  progress(`bench: waiting ${FLUSH_WAIT_MS / 1000} s for the objects to flush to Turso`);
  await new Promise((r) => setTimeout(r, FLUSH_WAIT_MS));
  const personalizedSpan = await bothCounts(beforePersonalized);

  progress("bench: events ingestion");
  const ingestCpuBefore = cpuByRole(allProcs());
  const beforeIngest = await bothCounts();
  const ingest = await benchIngest(stack, INGEST_SECONDS, INGEST_VISITORS);
  const ingestCounts = await bothCounts(beforeIngest);
  const ingestCpu = cpuByRole(allProcs());
  const snapshot = await benchSnapshot(
    pages[0]!.url,
    await consentingVisitors(stack.workerUrl, 20),
    400,
  );
  progress("bench: trainer");
  const training = TRAINING_EVENTS ? trainingBench(TRAINING_EVENTS, [1_000]) : trainingBench();

  const list = targets(runs, RATE);
  const product = (mode: string, delay = 0) =>
    runs.find((r) => r.page === pages[0]!.name && r.mode === mode && r.delayMs === delay)!;
  const pers = product("personalized");
  const pass = product("pass-through");
  // Turso's rows arrive after the page, with the flush: per page over the whole span.
  const tursoPerPage = (k: "tursoRowsRead" | "tursoRowsWritten") =>
    (personalizedSpan.edge[k] + personalizedSpan.session[k]) /
    Math.max(1, personalizedSpan.edge.requests);
  const persUsage = usageOf({
    workerRequests: 1,
    workerCpuMs: workerCpu(pers),
    edge: pers.edge,
    session: {
      ...pers.session,
      tursoRowsRead: tursoPerPage("tursoRowsRead"),
      tursoRowsWritten: tursoPerPage("tursoRowsWritten"),
    },
  });
  const events = Math.max(1, ingest.eventsAccepted);
  const perEvent = (c: typeof ingestCounts.edge) => {
    const out = { ...c };
    for (const k of Object.keys(out) as (keyof typeof out)[])
      if (k !== "isolate") out[k] = c[k] / events;
    return out;
  };
  const ingestWorkerCpu =
    ((ingestCpu.get("Worker: workerd (runtime)") ?? 0) -
      (ingestCpuBefore.get("Worker: workerd (runtime)") ?? 0)) /
    events;
  const ingestUsage = usageOf({
    workerRequests: ingestCounts.edge.requests / events,
    workerCpuMs: ingestWorkerCpu,
    edge: perEvent(ingestCounts.edge),
    session: perEvent(ingestCounts.session),
  });
  const ingestObjectCpu =
    ((ingestCpu.get("object: workerd (runtime)") ?? 0) -
      (ingestCpuBefore.get("object: workerd (runtime)") ?? 0)) /
    events;

  const m = machine();
  const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim()
    ? " (with uncommitted changes)"
    : "";
  const idleRow = (name: string, t: TimedRun) => {
    const v = firstLast(t);
    return [name, f1(v.firstP50), f1(v.lastP50), f1(v.lastP99)];
  };
  const largeRow = (name: string, t: TimedRun) => {
    const v = firstLast(t);
    return [name, f1(v.firstP50), f1(v.lastP50), ((t.runs[0]?.bytes ?? 0) / 1024 ** 2).toFixed(2)];
  };
  const markdown = [
    "# Benchmarks",
    "",
    `Generated by \`npm run bench\` (dev/bench/run.ts) on ${new Date().toISOString()}, commit ` +
      `${commit}${dirty}. Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ` +
      `${m.node}. ${pinning[0]!.toUpperCase()}${pinning.slice(1)}. ${SECONDS} s per mode; the visitor's Durable Object in its own ` +
      "Worker and `wrangler dev` process, bound by `script_name` through the dev registry; " +
      `local trace collector ${process.env.X_LOCAL_OBSERVABILITY === "false" ? "off" : "on"}.`,
    "",
    ...(SECONDS < 10
      ? [
          `**Short run (${SECONDS} s per mode): a smoke test of the pipeline, not numbers to ` +
            "compare against the targets.**",
          "",
        ]
      : []),
    "CPU is what the local workerd processes spent (/proc utime + stime, 10 ms ticks, divided " +
      "by requests served at saturation); Cloudflare bills its own measurement of the Worker's " +
      "CPU, so the ratios and differences within this run are what the targets compare.",
    "",
    "## Hot path",
    "",
    ...hotPathTables(runs, RATE, PAGE_RUNS),
    "Targets (each within this run):",
    "",
    ...targetTable(list),
    "",
    "CPU ms per page by process (the proxy is wrangler's local entry point, which Cloudflare does not run):",
    "",
    ...processTable(runs),
    "",
    "## Where the Worker's CPU goes",
    "",
    `The Worker's isolate sampled every 0.1 ms through its inspector over ${PROFILE_PAGES} ` +
      "product pages one at a time (dev/bench/cpu-profile.ts): own time per function, largest " +
      "first. Native work (HTMLRewriter's parser, streams) counts under the JS frame that " +
      "called it or as (program).",
    "",
    `Pass-through (kill switch), ${f2(profilePass.sampledMs / PROFILE_PAGES)} ms sampled per page:`,
    "",
    ...profileMarkdown(profilePass),
    "",
    `Personalized (+0 ms), ${f2(profilePers.sampledMs / PROFILE_PAGES)} ms sampled per page:`,
    "",
    ...profileMarkdown(profilePers),
    "",
    "## Returning visitors whose objects went idle",
    "",
    `Each of ${VISITORS} visitors once more after ${OBJECT_IDLE_MS / 1000} s without a page, ` +
      "when their objects have left memory (workerd evicts an idle object after 10 s; " +
      "Cloudflare's lifecycle docs say the same for objects that can hibernate): every page " +
      "starts its object again (constructor, schema check, the profile folded from storage) " +
      "before the object can plan it.",
    "",
    ...markdownTable(
      ["product page, one at a time", "first byte p50 ms", "last byte p50 ms", "last byte p99 ms"],
      [
        idleRow("personalized, objects in memory", pers.oneAtATime),
        idleRow("personalized, objects idle 11 s", idle),
      ],
    ),
    "",
    "## 5 MB page streamed by the origin",
    "",
    ...markdownTable(
      ["path", "first byte p50 ms", "last byte p50 ms", "MiB"],
      [
        largeRow("origin, direct", largeOrigin),
        largeRow("through the Worker, kill switch", largePass),
        largeRow("through the Worker, personalized", largePers),
      ],
    ),
    "",
    ...markdownTable(
      ["Worker runtime memory while serving it", "requests", "start MiB", "peak MiB", "end MiB"],
      [memoryRow("kill switch", memoryPass), memoryRow("personalized", memoryPers)],
    ),
    "",
    "## Events",
    "",
    ingestMarkdown(ingest, snapshot),
    `Per 1,000 events accepted: Worker CPU ${f1(ingestWorkerCpu * 1000)} ms, object CPU ` +
      `${f1(ingestObjectCpu * 1000)} ms (the span includes the ${INGEST_VISITORS} visitors' ` +
      "consent requests before the run, and the objects' flushes to Turso after it).",
    "",
    "## What it costs to run",
    "",
    "Marginal prices on Workers Paid and Turso (beyond each plan's included usage; the $5 " +
      "monthly base not counted), applied to the counts measured above: per page from the " +
      "product page at saturation (+0 ms); Turso rows from the objects' flushes over the whole " +
      "personalized span; events per 1,000 accepted. Durable Object duration is the measured " +
      "wall time of the object calls at 128 MB; the object also waits 10 ms before storing a " +
      "page view (STORE_AFTER_MS), which, if it keeps the object from hibernating, adds up to " +
      `$${((10 / 1000) * 0.128 * 12.5).toFixed(3)} per million pages.`,
    "",
    ...costTable([
      {
        name: "pass-through, per million pages",
        units: 1e6,
        usage: usageOf({
          workerRequests: 1,
          workerCpuMs: workerCpu(pass),
          edge: pass.edge,
          session: pass.session,
        }),
      },
      { name: "personalized, per million pages", units: 1e6, usage: persUsage },
      { name: "event ingestion, per 1,000 events", units: 1000, usage: ingestUsage },
    ]),
    "",
    "Prices and where they were read:",
    "",
    ...priceSources(),
    "",
    "## Trainer",
    "",
    "Generated logs; each size in its own process:",
    "",
    training.markdown,
    "",
  ].join("\n");

  mkdirSync("reports", { recursive: true });
  mkdirSync("docs", { recursive: true });
  const report = {
    machine: m,
    pinning,
    commit,
    runs: runs.map((r) => ({
      ...r,
      oneAtATime: firstLast(r.oneAtATime),
      atRate: firstLast(r.atRate),
    })),
    targets: list,
    personalizedSpan,
    ingest,
    ingestCounts,
    snapshot,
    training,
  };
  writeFileSync("reports/bench.json", JSON.stringify(report, null, 2));
  writeFileSync("reports/bench.md", markdown);
  replaceSection("docs/benchmarks.md", "hot-path", markdown);
  console.log(markdown);
  console.log(
    `object CPU per page view (+0 ms): ${f2(objectCpu(pers))} ms; targets met: ` +
      `${list.filter((t) => t.met).length}/${list.length}`,
  );
  if (ingest.lost || ingest.duplicates || training.failed.length) process.exitCode = 1;
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  console.error(logLines.slice(-30).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
  await session.stop();
}

// The catalog import of a 100,000-item feed, once the stack is down, in a process of its own.
if (!process.env.BENCH_SKIP_CATALOG) {
  execFileSync(process.execPath, ["--import", "tsx", "dev/bench/catalog-import.ts"], {
    stdio: "inherit",
  });
}

type Both = { edge: Counts; session: Counts };

async function bothCounts(since?: Both): Promise<Both> {
  const now: Both = {
    edge: await readCounts(stack.workerUrl),
    session: await readCounts(session.url),
  };
  if (!since) return now;
  const diff = {
    edge: countsSince(now.edge, since.edge),
    session: countsSince(now.session, since.session),
  };
  for (const [name, c] of Object.entries(diff))
    if (Number.isNaN(c.requests))
      progress(`bench: the ${name} Worker restarted: its counts here are not measured`);
  return diff;
}

type MemoryResult = { requests: number; startMiB: number; peakMiB: number; endMiB: number };

/** The Worker runtime's resident memory while it serves the large page again and again. */
async function memory(url: string, cookie?: string): Promise<MemoryResult> {
  const pid = edgeProcs().find((p) => p.role === "Worker: workerd (runtime)")?.pid;
  if (!pid) throw new Error("the Worker's workerd process was not found");
  const startMiB = rssMiB(pid);
  let peakMiB = startMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid))), 20);
  try {
    for (let i = 0; i < MEMORY_RUNS; i++) {
      await new Promise<void>((resolve, reject) => {
        request(url, { headers: cookie ? { ...BROWSER, cookie } : BROWSER }, (res) => {
          res.on("data", () => undefined);
          res.on("end", resolve);
          res.on("error", reject);
        })
          .on("error", reject)
          .end();
      });
    }
  } finally {
    clearInterval(sampler);
  }
  await new Promise((r) => setTimeout(r, 1_000));
  return { requests: MEMORY_RUNS, startMiB, peakMiB, endMiB: rssMiB(pid) };
}

function memoryRow(name: string, m: MemoryResult) {
  return [name, m.requests, m.startMiB.toFixed(0), m.peakMiB.toFixed(0), m.endMiB.toFixed(0)];
}

function f1(n: number) {
  return Number.isFinite(n) ? n.toFixed(1) : "–";
}
function f2(n: number) {
  return Number.isFinite(n) ? n.toFixed(2) : "–";
}
