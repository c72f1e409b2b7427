import { load, type CookieJar, type LoadResult } from "./load.ts";
import { cpuByRole, type Proc } from "./processes.ts";
import { atRate, firstLast, oneAtATime, type TimedRun } from "./page-timing.ts";
import { countsSince, readCounts, type Counts } from "./session-worker.ts";
import { BROWSER } from "./visitors.ts";

/**
 * One mode of the hot path on one page, measured in one go: throughput at saturation with the
 * CPU every process spent and the platform operations counted per page, then first- and
 * last-byte latency at a fixed rate and one request at a time.
 */
export type ModeRun = {
  mode: string;
  page: string;
  /** Added before every call to the visitor's object, ms (personalized modes). */
  delayMs: number;
  saturation: LoadResult;
  /** CPU ms per request served at saturation, by process role. */
  cpuPerPage: Record<string, number>;
  /** Operations per request at saturation: the main Worker's and the object's Worker's. */
  edge: Counts;
  session: Counts;
  atRate: TimedRun;
  oneAtATime: TimedRun;
};

export type HotPathEnv = {
  edgeUrl: string;
  sessionUrl: string;
  processes: () => Proc[];
  seconds: number;
  rate: number;
  pageRuns: number;
  log: (line: string) => void;
};

/** Runs one mode on one page; `visitors` empty: anonymous requests. */
export async function runMode(
  env: HotPathEnv,
  mode: string,
  delayMs: number,
  page: { name: string; url: string },
  visitors: readonly CookieJar[],
): Promise<ModeRun> {
  const label = `${mode}, ${page.name}`;
  env.log(`bench: ${label}`);
  await load(`warm-up ${label}`, page.url, BROWSER, 2, visitors);
  const procs = env.processes();
  const cpuBefore = cpuByRole(procs);
  const [edgeBefore, sessionBefore] = await Promise.all([
    readCounts(env.edgeUrl),
    readCounts(env.sessionUrl),
  ]);
  const saturation = await load(label, page.url, BROWSER, env.seconds, visitors);
  const cpuAfter = cpuByRole(procs);
  const [edgeAfter, sessionAfter] = await Promise.all([
    readCounts(env.edgeUrl),
    readCounts(env.sessionUrl),
  ]);
  const n = Math.max(1, saturation.requests);
  const cpuPerPage: Record<string, number> = {};
  for (const [role, ms] of cpuAfter) cpuPerPage[role] = (ms - (cpuBefore.get(role) ?? 0)) / n;
  const perPage = (c: Counts) => {
    const out = { ...c };
    for (const k of Object.keys(out) as (keyof Counts)[]) if (k !== "isolate") out[k] = c[k] / n;
    return out;
  };
  const opts = { headers: BROWSER, visitors };
  const timedAtRate = await atRate(label, page.url, env.rate, env.seconds, opts);
  const single = await oneAtATime(label, page.url, env.pageRuns, opts);
  return {
    mode,
    page: page.name,
    delayMs,
    saturation,
    cpuPerPage,
    edge: perPage(countsSince(edgeAfter, edgeBefore)),
    session: perPage(countsSince(sessionAfter, sessionBefore)),
    atRate: timedAtRate,
    oneAtATime: single,
  };
}

/** The main Worker's own CPU per page: its runtime process (not wrangler's local proxy). */
export const workerCpu = (r: ModeRun) => r.cpuPerPage["Worker: workerd (runtime)"] ?? NaN;
/** The object's CPU per page view: the runtime process of its own Worker. */
export const objectCpu = (r: ModeRun) => r.cpuPerPage["object: workerd (runtime)"] ?? NaN;

export type Target = { what: string; measured: number; limit: number; met: boolean };

const PASS = "pass-through";
const PERSONALIZED = "personalized";

/**
 * The targets, each a difference or ratio within this run. `runs` holds every mode on
 * every page; pass-through is the baseline on the same page.
 */
export function targets(runs: readonly ModeRun[], rate: number): Target[] {
  const out: Target[] = [];
  const find = (mode: string, page: string, delay = 0) =>
    runs.find((r) => r.mode === mode && r.page === page && r.delayMs === delay);
  const pages = [...new Set(runs.map((r) => r.page))];
  const round = (n: number) => Math.round(n * 100) / 100;
  const add = (what: string, measured: number, limit: number, ratio = false) =>
    out.push({
      what,
      measured: round(measured),
      limit,
      met: ratio ? measured >= limit : measured <= limit,
    });
  for (const page of pages) {
    const pass = find(PASS, page);
    if (!pass) continue;
    const anon = find("anonymous", page);
    const pers = find(PERSONALIZED, page);
    if (pers)
      add(
        `${page}: Worker CPU per personalized page − pass-through, ms`,
        workerCpu(pers) - workerCpu(pass),
        1.0,
      );
    if (anon)
      add(
        `${page}: Worker CPU per anonymous page − pass-through, ms`,
        workerCpu(anon) - workerCpu(pass),
        0.5,
      );
    if (pers) add(`${page}: object CPU per page view, ms`, objectCpu(pers), 0.5);
    const passBody = firstLast(pass.oneAtATime).lastP50 - firstLast(pass.oneAtATime).firstP50;
    for (const r of runs.filter((x) => x.page === page && x.mode === PERSONALIZED)) {
      const d = `${page}, +${r.delayMs} ms`;
      add(`${d}: throughput / pass-through`, r.saturation.rps / pass.saturation.rps, 0.8, true);
      const p = firstLast(pass.oneAtATime);
      const q = firstLast(r.oneAtATime);
      add(`${d}: first byte p50 − pass-through, one at a time, ms`, q.firstP50 - p.firstP50, 0.5);
      add(
        `${d}: last byte p50 − pass-through, one at a time, ms (limit: delay not hidden by the ${passBody.toFixed(1)} ms body + 1)`,
        q.lastP50 - p.lastP50,
        Math.round((Math.max(0, r.delayMs - passBody) + 1) * 10) / 10,
      );
    }
    if (pers) {
      const p = firstLast(pass.atRate);
      const q = firstLast(pers.atRate);
      add(`${page}: added last byte p50 at ${rate} req/s, no delay, ms`, q.lastP50 - p.lastP50, 2);
      add(`${page}: added last byte p99 at ${rate} req/s, no delay, ms`, q.lastP99 - p.lastP99, 10);
    }
  }
  return out;
}
