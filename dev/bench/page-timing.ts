import { Agent, request } from "node:http";
import type { CookieJar } from "./load.ts";
import { quantile } from "./percentiles.ts";

/**
 * When a page's first and last body bytes arrive, one request at a time or at a fixed rate.
 * node:http, not fetch: undici hands the first chunk of a chunked body over tens of ms late,
 * which would hide what the Worker does.
 */
export type PageTiming = { firstByteMs: number; lastByteMs: number; bytes: number };
export type TimedRun = {
  name: string;
  runs: PageTiming[];
  /** How the Worker said it handled the pages (`x-vitrine`), counted. */
  modes: Record<string, number>;
  errors: number;
};

type Options = {
  headers: Record<string, string>;
  /** Requests take turns among them, each keeping its cookies; none: anonymous. */
  visitors?: readonly CookieJar[];
};

/** One GET; times from `startedAt` (a fixed-rate request's due time, so queueing counts). */
function timedGet(
  agent: Agent,
  url: string,
  opts: Options,
  visitor: CookieJar | undefined,
  startedAt: number,
): Promise<PageTiming & { status: number; mode: string }> {
  return new Promise((resolve, reject) => {
    const cookie = visitor?.header();
    const req = request(
      url,
      { agent, headers: cookie ? { ...opts.headers, cookie } : opts.headers },
      (res) => {
        visitor?.update(res.headers["set-cookie"] ?? []);
        let firstByteMs = NaN;
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          if (bytes === 0) firstByteMs = performance.now() - startedAt;
          bytes += chunk.byteLength;
        });
        res.on("end", () =>
          resolve({
            firstByteMs,
            lastByteMs: performance.now() - startedAt,
            bytes,
            status: res.statusCode ?? 0,
            mode: String(res.headers["x-vitrine"] ?? "origin"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * `runs` requests one after another on one kept-alive connection, `pauseMs` apart: the page's
 * latency with nothing queued.
 */
export async function oneAtATime(
  name: string,
  url: string,
  runs: number,
  opts: Options,
  pauseMs = 20,
): Promise<TimedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out: TimedRun = { name, runs: [], modes: {}, errors: 0 };
  const visitors = opts.visitors ?? [];
  try {
    for (let i = 0; i < runs; i++) {
      const t = await timedGet(agent, url, opts, visitors[i % visitors.length], performance.now());
      record(out, t);
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    }
  } finally {
    agent.destroy();
  }
  return out;
}

/**
 * Open loop at `rate` requests per second for `seconds`: each request is sent when due, on up
 * to 16 kept-alive connections, and timed from when it was due, so a slow answer that holds
 * back the next one counts for both (no coordinated omission).
 */
export async function atRate(
  name: string,
  url: string,
  rate: number,
  seconds: number,
  opts: Options,
): Promise<TimedRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const out: TimedRun = { name, runs: [], modes: {}, errors: 0 };
  const visitors = opts.visitors ?? [];
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const visitor = visitors.length ? visitors[i % visitors.length] : undefined;
      pending.push(
        timedGet(agent, url, opts, visitor, due).then(
          (t) => record(out, t),
          () => {
            out.errors++;
          },
        ),
      );
    }
    await Promise.all(pending);
  } finally {
    agent.destroy();
  }
  return out;
}

function record(out: TimedRun, t: PageTiming & { status: number; mode: string }): void {
  if (t.status !== 200) {
    out.errors++;
    return;
  }
  out.modes[t.mode] = (out.modes[t.mode] ?? 0) + 1;
  out.runs.push({ firstByteMs: t.firstByteMs, lastByteMs: t.lastByteMs, bytes: t.bytes });
}

/** The `p`th percentile (0-100) of one timing over the run's requests, ms. */
export function pct(run: TimedRun, pick: (t: PageTiming) => number, p: number): number {
  return quantile(
    run.runs.map(pick).toSorted((a, b) => a - b),
    p / 100,
  );
}

/** First- and last-byte p50/p99 of a run. */
export function firstLast(run: TimedRun) {
  return {
    firstP50: pct(run, (t) => t.firstByteMs, 50),
    firstP99: pct(run, (t) => t.firstByteMs, 99),
    lastP50: pct(run, (t) => t.lastByteMs, 50),
    lastP99: pct(run, (t) => t.lastByteMs, 99),
  };
}
