import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request, type IncomingHttpHeaders } from "node:http";
import { startStack } from "../stack.ts";
import { benchIngest, benchSnapshot, consentingVisitors, ingestMarkdown } from "./events.ts";
import { CookieJar, load, type LoadResult } from "./load.ts";
import { quantile } from "./percentiles.ts";
import { latencySvg } from "./report-chart.tsx";
import { trainingBench } from "./training.ts";
import { markdownTable } from "../markdown-table.ts";

/**
 * `npm run bench`: the local stack on its own ports and data, then, in one run:
 *  1. the same product page through the same Worker with personalization switched off (kill
 *     switch, anonymous: the pass-through baseline, measured first on a quiet stack), rewritten
 *     for anonymous visitors (no consent: request-only modules, no visitor data), and
 *     personalized for 200 consenting returning visitors (identity, config, profile and
 *     session lookups, decisions, streaming rewrite, the page view recorded after the
 *     response), under load, then one request at a time: when its body's first and last bytes
 *     arrive, and in how many pieces, also for returning visitors whose objects went idle;
 *  2. a 5 MB page that the origin streams over time: when its first and last bytes arrive,
 *     direct, passed through and personalized, and the Worker process's memory meanwhile;
 *  3. events ingested through the same Worker into Turso (count in == rows out) and the hot
 *     path's session snapshot latency;
 *  4. the trainer's timings and peak memory on generated logs, and edge scoring per request.
 * Writes reports/bench.{json,md,svg} and prints the Markdown.
 *
 * wrangler dev's local trace collector is switched off (X_LOCAL_OBSERVABILITY=false, unless
 * set otherwise): it stores a span for every subrequest in SQLite on the same two cores, which
 * the deployed Worker never pays for, and it charges the personalized path (more subrequests)
 * several times what it charges the pass-through.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const VISITORS = 200;
/** Far below both modes' capacity on a 2-core machine: latency without queueing. */
const RATE = Number(process.env.BENCH_RATE ?? 50);
const LARGE_RUNS = Number(process.env.BENCH_LARGE_RUNS ?? 10);
/** The product page one request at a time: 20 ms apart, so nothing queues or piles up. */
const PAGE_RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 200);
const PAGE_PAUSE_MS = 20;
/**
 * A Durable Object idle this long leaves memory (workerd's server.c++, 10 s; Cloudflare's
 * lifecycle docs say the same for objects that can hibernate, as the visitor's can), so a
 * returning visitor's next page then starts it again: the usual case when people read a page
 * for longer than that.
 */
const OBJECT_IDLE_MS = 11_000;
/** Columns of a load run (rateRow), which a measured run (row) extends. */
const RATE_HEAD = ["mode", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors"];
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 20);
const LARGE_PAGE = "/bench/large-page?mb=5";
const CLOCK_TICK_MS = 10; // Linux USER_HZ = 100
const PORTS = { db: 18080, shop: 13000, worker: 18787 };
const DATA_DIR = ".data/bench";
const MODES = ["competitive", "methodical", "spontaneous", "humanistic"] as const;
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 30);
const INGEST_VISITORS = 500;

process.env.X_LOCAL_OBSERVABILITY ??= "false";
// A fresh database and Worker state each run: earlier runs' visitors (their objects, alarms and
// rows) would otherwise load this one.
rmSync(DATA_DIR, { recursive: true, force: true });
const logLines: string[] = [];
const stack = await startStack({
  ports: PORTS,
  dataDir: DATA_DIR,
  log: (line) => logLines.push(line),
  // The load generator times responses on this process's event loop: nothing else runs here.
  ownProcesses: true,
});

async function publish(config: object): Promise<void> {
  const res = await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 201) throw new Error(`publishing failed: ${res.status} ${await res.text()}`);
  // Other isolates re-read the config pointer within 5 s.
  await new Promise((r) => setTimeout(r, 6_000));
}

try {
  const active = (await (
    await fetch(`${stack.workerUrl}/__vitrine/v1/admin/config`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    })
  ).json()) as { config: { pageRules?: unknown[] } & Record<string, unknown> };
  const home = await (await fetch(`${stack.shopUrl}/`)).text();
  const path = /href="(\/p\/[^"]+)"/.exec(home)?.[1];
  if (!path) throw new Error("no product link on the demo home page");
  const url = `${stack.workerUrl}${path}`;
  // The large page is a listing: a URL rule in the config says so (rules are per shop).
  const config = {
    ...active.config,
    pageRules: [{ pattern: "/bench/*", pageType: "category" }, ...(active.config.pageRules ?? [])],
  };

  const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36" };
  const worker = [...workerProcesses(PORTS.worker), ...stack.processes];

  // Pass-through first, on a quiet stack: later phases leave visitors' objects flushing to
  // Turso in the background for up to a minute, which would load the baseline.
  await publish({ ...config, enabled: false });
  await load("warm-up", url, browser, 3);
  const pass = await measured(worker, "pass-through (kill switch, anonymous)", () =>
    load("pass-through (kill switch, anonymous)", url, browser, SECONDS),
  );
  const passAtRate = await load(`pass-through at ${RATE} req/s`, url, browser, SECONDS, [], RATE);
  const pagePass = await pageLoads(url, browser, PAGE_RUNS, [], PAGE_PAUSE_MS);
  const largePass = await pageLoads(`${stack.workerUrl}${LARGE_PAGE}`, browser, LARGE_RUNS);
  const memoryPass = await memory(`${stack.workerUrl}${LARGE_PAGE}`, browser);

  await publish(config);
  // The rewrite alone: request-only modules for visitors without consent, no visitor data.
  await load("warm-up", url, browser, 3);
  const anonymous = await measured(worker, "anonymous (no consent: request-only modules)", () =>
    load("anonymous (no consent: request-only modules)", url, browser, SECONDS),
  );
  // Consenting visitors (the consent endpoint sets their signed consent and visitor cookies),
  // then their browsing: the flushes that follow are personalization's own cost, in its phase.
  const visitors: CookieJar[] = [];
  for (let i = 0; i < VISITORS; i++) {
    const consent = await fetch(`${stack.workerUrl}/__vitrine/v1/consent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    visitors.push(new CookieJar(consent.headers.getSetCookie()));
  }
  const topModes = await browseByMode(visitors, browser, url);
  console.log(`visitors by top buyer mode after browsing: ${JSON.stringify(topModes)}`);
  const visitor = await personalizedVisitor(url, browser, visitors);
  // Warm-up also gives every visitor the session cookie a browser would then send back.
  await load("warm-up", url, browser, 3, visitors);
  const personalized = await measured(worker, `personalized (${VISITORS} returning visitors)`, () =>
    load(`personalized (${VISITORS} returning visitors)`, url, browser, SECONDS, visitors),
  );
  const personalizedAtRate = await load(
    `personalized at ${RATE} req/s`,
    url,
    browser,
    SECONDS,
    visitors,
    RATE,
  );
  const pageAnonymous = await pageLoads(url, browser, PAGE_RUNS, [], PAGE_PAUSE_MS);
  const pagePers = await pageLoads(url, browser, PAGE_RUNS, visitors, PAGE_PAUSE_MS);
  // Every visitor once more, after their objects went idle (an alarm may have woken a few).
  await new Promise((r) => setTimeout(r, OBJECT_IDLE_MS));
  const pageIdle = await pageLoads(url, browser, VISITORS, visitors, PAGE_PAUSE_MS);
  const largeOrigin = await pageLoads(`${stack.shopUrl}${LARGE_PAGE}`, browser, LARGE_RUNS);
  const largePers = await pageLoads(`${stack.workerUrl}${LARGE_PAGE}`, browser, LARGE_RUNS, [
    visitor,
  ]);
  const memoryPers = await memory(`${stack.workerUrl}${LARGE_PAGE}`, browser, visitor);

  // Events into Turso through the same Worker, then the trainer's pure pipeline.
  const ingest = await benchIngest(stack, INGEST_SECONDS, INGEST_VISITORS);
  const snapshot = await benchSnapshot(url, await consentingVisitors(stack.workerUrl, 20), 400);
  const training = trainingBench();

  const hotPath = summarize({
    pass,
    anonymous,
    personalized,
    atRate: { pass: passAtRate, personalized: personalizedAtRate },
    onePage: {
      pass: pagePass,
      anonymous: pageAnonymous,
      personalized: pagePers,
      idleObjects: pageIdle,
    },
    large: { origin: largeOrigin, pass: largePass, personalized: largePers },
    memory: { pass: memoryPass, personalized: memoryPers },
  });
  const markdown = [
    hotPath.markdown,
    ingestMarkdown(ingest, snapshot),
    "Trainer (generated logs; each size in its own process):",
    "",
    training.markdown,
    "",
    "Latency chart: reports/bench.svg",
    "",
  ].join("\n");
  const chart = await latencySvg(
    "Latency through the local Worker, ms",
    [pass, anonymous, personalized, passAtRate, personalizedAtRate].map((l) => ({
      name: l.name.replace(/ \(.*\)$/, ""),
      p50: l.p50,
      p90: l.p90,
      p99: l.p99,
    })),
  );
  mkdirSync("reports", { recursive: true });
  const report = { hotPath: { ...hotPath, markdown: undefined }, ingest, snapshot, training };
  writeFileSync("reports/bench.json", JSON.stringify(report, null, 2));
  writeFileSync("reports/bench.md", markdown);
  writeFileSync("reports/bench.svg", chart);
  console.log(markdown);
  if (ingest.lost || ingest.duplicates || training.failed.length) process.exitCode = 1;
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  console.error(logLines.slice(-20).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
}

type Measured = LoadResult & {
  cpu: {
    /** All of wrangler dev's processes (Worker, local KV/Cache/Durable Objects, proxy, CLI). */
    workerMsPerRequest: number;
    perProcess: { role: string; msPerRequest: number }[];
    /** This process: the load generator (the libSQL server and demo shop run in their own). */
    benchMsPerRequest: number;
  };
};

/** A load run with the CPU time every process spent on it, per request. */
async function measured(
  worker: { pid: number; role: string }[],
  name: string,
  run: () => Promise<LoadResult>,
): Promise<Measured> {
  const before = worker.map((p) => cpuMs(p.pid));
  const self = process.cpuUsage();
  const result = await run();
  const selfUsed = process.cpuUsage(self);
  const n = Math.max(1, result.requests);
  const perProcess = worker.map((p, i) => ({
    role: p.role,
    msPerRequest: (cpuMs(p.pid) - before[i]!) / n,
  }));
  const wrangler = perProcess.filter((p) => /^(wrangler|workerd)/.test(p.role));
  return {
    ...result,
    name,
    cpu: {
      workerMsPerRequest: wrangler.reduce((s, p) => s + p.msPerRequest, 0),
      perProcess,
      benchMsPerRequest: (selfUsed.user + selfUsed.system) / 1000 / n,
    },
  };
}

/**
 * Gives every visitor a profile, a quarter in each buyer mode, the way a shopper gets one:
 * by browsing through the Worker (their Durable Object folds the page views). Then the
 * personalized pages carry the modules a returning visitor sees (badges, product lists,
 * banners), not just the request-only ones. Returns how many visitors got each top mode.
 */
async function browseByMode(
  visitors: readonly CookieJar[],
  headers: Record<string, string>,
  productUrl: string,
): Promise<Record<string, number>> {
  const paths: Record<(typeof MODES)[number], string[]> = {
    competitive: ["/bestsellers", "/c/phones?sort=popularity", "/c/running-shoes?sort=popularity"],
    methodical: [
      "/c/phones?sort=price_asc&instock=1",
      "/c/running-shoes?sort=price_asc&instock=1",
      "/c/sports-watches?sort=price_desc&instock=1",
    ],
    spontaneous: ["/?promo=flash-1", "/?promo=flash-2", "/?promo=flash-3"],
    humanistic: ["/c/phones?sort=rating", "/c/running-shoes?sort=rating", "/c/home?sort=rating"],
  };
  const tops: Record<string, number> = {};
  await Promise.all(
    visitors.map(async (visitor, i) => {
      const mode = MODES[i % MODES.length]!;
      for (const url of [...paths[mode].map((p) => stack.workerUrl + p), productUrl]) {
        const res = await fetch(url, { headers: { ...headers, cookie: visitor.header() } });
        visitor.update(res.headers.getSetCookie());
        const text = await res.text();
        if (url !== productUrl) continue;
        const top = /profile\.topMode=(\w+)/.exec(text)?.[1] ?? "none";
        tops[top] = (tops[top] ?? 0) + 1;
      }
    }),
  );
  return tops;
}

type PageTiming = {
  firstByteMs: number;
  lastByteMs: number;
  bytes: number;
  /** Body chunks as they came off the connection: the rewriter's output comes in more. */
  pieces: number;
  modules: number;
};
type LargeResult = { runs: PageTiming[]; mode: string };
type MemoryResult = { requests: number; startMiB: number; peakMiB: number; endMiB: number };

/** A visitor the config personalizes (not in the holdout), checked through the Worker. */
async function personalizedVisitor(
  url: string,
  headers: Record<string, string>,
  visitors: CookieJar[],
): Promise<CookieJar> {
  for (const visitor of visitors) {
    const res = await fetch(url, { headers: { ...headers, cookie: visitor.header() } });
    await res.arrayBuffer();
    visitor.update(res.headers.getSetCookie());
    if (res.headers.get("x-vitrine") === "personalized") return visitor;
  }
  throw new Error("no visitor got a personalized page (x-vitrine: personalized)");
}

/**
 * Sequential requests for one page: when its first body byte and its last arrive, and in how
 * many pieces. node:http, not fetch: undici hands the first chunk of a chunked body over tens
 * of ms late, which would hide what the Worker does. Requests take turns among `visitors`
 * (none: anonymous), `pauseMs` apart.
 */
async function pageLoads(
  url: string,
  headers: Record<string, string>,
  runs: number,
  visitors: readonly CookieJar[] = [],
  pauseMs = 0,
): Promise<LargeResult> {
  const timings: PageTiming[] = [];
  const modes = new Map<string, number>();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { status, res, chunks } = await get(
      url,
      headers,
      visitors.length ? visitors[i % visitors.length] : undefined,
    );
    const mode = String(res["x-vitrine"] ?? "origin");
    modes.set(mode, (modes.get(mode) ?? 0) + 1);
    let firstByteMs = NaN;
    let bytes = 0;
    let pieces = 0;
    let modules = 0;
    const decoder = new TextDecoder();
    for await (const chunk of chunks) {
      if (bytes === 0) firstByteMs = performance.now() - started;
      bytes += chunk.byteLength;
      pieces++;
      modules += decoder.decode(chunk, { stream: true }).split("data-vt-variant=").length - 1;
    }
    if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
    timings.push({ firstByteMs, lastByteMs: performance.now() - started, bytes, pieces, modules });
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  // The mode most requests got (a few visitors are in the holdout).
  const [mode = ""] = [...modes].sort((a, b) => b[1] - a[1])[0] ?? [];
  return { runs: timings, mode };
}

/** One GET with node:http; the body as the chunks the socket delivered. */
function get(
  url: string,
  headers: Record<string, string>,
  visitor?: CookieJar,
): Promise<{ status: number; res: IncomingHttpHeaders; chunks: AsyncIterable<Buffer> }> {
  return new Promise((resolve, reject) => {
    const cookie = visitor?.header();
    request(url, { headers: cookie ? { ...headers, cookie } : headers }, (res) => {
      visitor?.update(res.headers["set-cookie"] ?? []);
      resolve({ status: res.statusCode ?? 0, res: res.headers, chunks: res });
    })
      .on("error", reject)
      .end();
  });
}

/** The Worker process's resident memory while it serves the large page again and again. */
async function memory(
  url: string,
  headers: Record<string, string>,
  visitor?: CookieJar,
): Promise<MemoryResult> {
  const pid = workerProcesses(PORTS.worker).find((p) => p.role === "workerd (Vitrine)")?.pid;
  if (!pid) throw new Error("the Worker's workerd process was not found");
  const startMiB = rssMiB(pid);
  let peakMiB = startMiB;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid))), 20);
  try {
    for (let i = 0; i < MEMORY_RUNS; i++) {
      const { chunks } = await get(url, headers, visitor);
      for await (const _ of chunks);
    }
  } finally {
    clearInterval(sampler);
  }
  await new Promise((r) => setTimeout(r, 1_000));
  return { requests: MEMORY_RUNS, startMiB, peakMiB, endMiB: rssMiB(pid) };
}

/** The processes of `wrangler dev` on `port`: the CLI and its workerd instances. */
function workerProcesses(port: number): { pid: number; role: string }[] {
  const stat = (pid: string) =>
    readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const cmdline = (pid: string) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const cli = pids.find((pid) => {
    try {
      const args = cmdline(pid);
      return args.some((a) => a.endsWith("wrangler.js")) && args.includes(String(port));
    } catch {
      return false;
    }
  });
  if (!cli) throw new Error(`no wrangler dev process for port ${port}`);
  const group = stat(cli)[2];
  const out: { pid: number; role: string }[] = [];
  for (const pid of pids) {
    try {
      if (stat(pid)[2] !== group) continue;
      const args = cmdline(pid).join(" ");
      const role = !args.includes("workerd")
        ? "wrangler (node)"
        : args.includes(`entry=127.0.0.1:${port}`)
          ? "workerd (wrangler's proxy)"
          : "workerd (Vitrine)";
      out.push({ pid: Number(pid), role });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) * CLOCK_TICK_MS;
  } catch {
    return 0;
  }
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function percentile(values: readonly number[], p: number): number {
  return quantile(
    values.toSorted((a, b) => a - b),
    p / 100,
  );
}

function summarize(r: {
  pass: Measured;
  anonymous: Measured;
  personalized: Measured;
  atRate: { pass: LoadResult; personalized: LoadResult };
  onePage: {
    pass: LargeResult;
    anonymous: LargeResult;
    personalized: LargeResult;
    idleObjects: LargeResult;
  };
  large: { origin: LargeResult; pass: LargeResult; personalized: LargeResult };
  memory: { pass: MemoryResult; personalized: MemoryResult };
}) {
  const { pass, anonymous, personalized } = r;
  const ratio = personalized.rps / pass.rps;
  const anonymousRatio = anonymous.rps / pass.rps;
  const diff = (a: number, b: number) => Math.round((a - b) * 10) / 10;
  const added = { p50: diff(personalized.p50, pass.p50), p99: diff(personalized.p99, pass.p99) };
  const cpuAdded = personalized.cpu.workerMsPerRequest - pass.cpu.workerMsPerRequest;
  const addedAtRate = {
    p50: diff(r.atRate.personalized.p50, r.atRate.pass.p50),
    p99: diff(r.atRate.personalized.p99, r.atRate.pass.p99),
  };
  const rateRow = (l: LoadResult) => [
    l.name,
    l.rps.toFixed(0),
    l.p50,
    l.p90,
    l.p99,
    l.errors + l.non2xx,
  ];
  const ms = (n: number) => n.toFixed(1);
  const row = (m: Measured) => [
    ...rateRow(m),
    ms(m.cpu.workerMsPerRequest),
    ms(m.cpu.benchMsPerRequest),
  ];
  const roles = pass.cpu.perProcess.map((p) => p.role);
  const cpuRows = [...new Set(roles)].map((role) => {
    const of = (m: Measured) =>
      m.cpu.perProcess.filter((p) => p.role === role).reduce((s, p) => s + p.msPerRequest, 0);
    return [
      role,
      ms(of(pass)),
      ms(of(anonymous)),
      ms(of(personalized)),
      ms(of(personalized) - of(pass)),
    ];
  });
  const timing = (name: string) => {
    const values = personalized.timings[name] ?? [];
    return `${name} ${percentile(values, 50)}/${percentile(values, 99)}`;
  };
  const largeRow = (name: string, l: LargeResult) => {
    const first = l.runs.map((x) => x.firstByteMs);
    const last = l.runs.map((x) => x.lastByteMs);
    const mib = (l.runs[0]?.bytes ?? 0) / 1024 / 1024;
    const modules = l.runs[0]?.modules ?? 0;
    return [
      `${name} (${l.mode})`,
      ms(percentile(first, 50)),
      ms(Math.max(...first)),
      ms(percentile(last, 50)),
      mib.toFixed(2),
      modules,
    ];
  };
  const pageRow = (name: string, l: LargeResult) => {
    const of = (pick: (t: PageTiming) => number, p: number) => percentile(l.runs.map(pick), p);
    return [
      `${name} (${l.mode})`,
      ms(of((t) => t.firstByteMs, 50)),
      ms(of((t) => t.lastByteMs, 50)),
      ms(of((t) => t.lastByteMs, 90)),
      ms(of((t) => t.lastByteMs - t.firstByteMs, 50)),
      of((t) => t.pieces, 50),
    ];
  };
  const mem = (name: string, m: MemoryResult) => [
    name,
    m.requests,
    m.startMiB.toFixed(0),
    m.peakMiB.toFixed(0),
    m.endMiB.toFixed(0),
  ];
  const markdown = [
    `Vitrine bench, ${new Date().toISOString()}, ${SECONDS} s per mode, 8 connections, one ` +
      `wrangler dev (workerd) process, local trace collector ` +
      `${process.env.X_LOCAL_OBSERVABILITY === "false" ? "off" : "on"}, same product page`,
    "",
    ...markdownTable(
      [...RATE_HEAD, "wrangler dev CPU ms/req", "load generator CPU ms/req"],
      [row(pass), row(anonymous), row(personalized)],
    ),
    "",
    `throughput ratio personalized / pass-through: ${ratio.toFixed(2)} (target >= 0.80); ` +
      `anonymous / pass-through: ${anonymousRatio.toFixed(2)} (the rewrite without visitor data)`,
    `added latency under full load (queueing included): p50 ${added.p50} ms (target <= 2), p99 ${added.p99} ms (target <= 10)`,
    `added CPU: ${ms(cpuAdded)} ms per request in wrangler dev's processes ` +
      `(${((cpuAdded / pass.cpu.workerMsPerRequest) * 100).toFixed(0)}% over pass-through)`,
    `personalized responses: ${JSON.stringify(personalized.modes)}; Server-Timing p50/p99 ms: ` +
      ["config", "profile", "session", "model"].map(timing).join(", "),
    "",
    `At a fixed ${RATE} req/s on 2 connections (far below both modes' capacity, so latency is ` +
      "service time, not queueing):",
    "",
    ...markdownTable(RATE_HEAD, [rateRow(r.atRate.pass), rateRow(r.atRate.personalized)]),
    "",
    `added latency at ${RATE} req/s: p50 ${addedAtRate.p50} ms (target <= 2), p99 ${addedAtRate.p99} ms (target <= 10)`,
    "",
    "CPU per request by process (ms; the Worker shares its workerd process with the local KV, Cache API and Durable Object simulators):",
    "",
    ...markdownTable(
      ["process", "pass-through", "anonymous", "personalized", "personalized added"],
      cpuRows,
    ),
    "",
    `The product page one request at a time (${PAGE_RUNS} requests each, ${PAGE_PAUSE_MS} ms ` +
      `apart, one kept-alive connection): how long its body takes to arrive, and in how many pieces:`,
    "",
    ...markdownTable(
      [
        "mode",
        "first byte p50 ms",
        "last byte p50 ms",
        "last byte p90 ms",
        "first to last byte p50 ms",
        "pieces p50",
      ],
      [
        pageRow("pass-through, kill switch", r.onePage.pass),
        pageRow("anonymous, no consent", r.onePage.anonymous),
        pageRow("personalized", r.onePage.personalized),
        pageRow(
          `personalized, each visitor once after ${OBJECT_IDLE_MS / 1000} s idle`,
          r.onePage.idleObjects,
        ),
      ],
    ),
    "",
    `5 MB page (${LARGE_PAGE}: the origin streams it over time and never lets it be cached), ` +
      `${LARGE_RUNS} sequential requests each:`,
    "",
    ...markdownTable(
      [
        "path",
        "first byte p50 ms",
        "first byte max ms",
        "last byte p50 ms",
        "MiB",
        "modules injected",
      ],
      [
        largeRow("origin, direct", r.large.origin),
        largeRow("through the Worker, kill switch", r.large.pass),
        largeRow("through the Worker, personalized", r.large.personalized),
      ],
    ),
    "",
    "Resident memory of the Worker's workerd process while it serves the 5 MB page again and again:",
    "",
    ...markdownTable(
      ["mode", "requests", "start MiB", "peak MiB", "end MiB"],
      [mem("kill switch", r.memory.pass), mem("personalized", r.memory.personalized)],
    ),
    "",
  ].join("\n");
  return { ...r, ratio, anonymousRatio, added, addedAtRate, cpuAdded, markdown };
}
