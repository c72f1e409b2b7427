import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { assertPortFree } from "../ports.ts";

/**
 * The visitor's Durable Object in a `wrangler dev` (and workerd) of its own, the way it is
 * deployed: another isolate, usually another machine. The bench's main Worker
 * (workers/edge-worker.toml) binds it by `script_name` and wrangler's dev registry connects
 * the two processes. Its own local storage: workerd locks its files, so two processes cannot
 * share one folder (see copyKv).
 */
const root = fileURLToPath(new URL("../..", import.meta.url));

/** The bench's wrangler configs: the main Worker, and the object's Worker. */
export const BENCH_CONFIG = {
  edge: "dev/bench/workers/edge-worker.toml",
  session: "dev/bench/workers/session-worker.toml",
};

/**
 * Bundles a bench Worker once (`wrangler deploy --dry-run --outdir`) and writes a config next
 * to the bundle that serves it unbundled, so the bench measures one build throughout: wrangler
 * dev would otherwise rebuild and restart the Worker whenever a source file changes mid-run.
 * Returns the derived config's path.
 */
export function prebuild(config: string, outDir: string): string {
  const build = spawnSync(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      "deploy",
      "--dry-run",
      "-c",
      config,
      "--outdir",
      `${root}${outDir}`,
    ],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  if (build.status !== 0) {
    const why = `${build.stdout}${build.stderr}`.split("\n").filter((l) => /ERROR|rror|✘/.test(l));
    throw new Error(`bundling ${config} failed: ${why.join(" ").replace(/\x1b\[[0-9;]*m/g, "")}`);
  }
  const text = readFileSync(`${root}${config}`, "utf8");
  const main = /^main = "([^"]+)"$/m.exec(text)?.[1];
  if (!main) throw new Error(`${config} has no main = "..." line`);
  const derived = `${outDir}/${basename(config)}`;
  writeFileSync(
    `${root}${derived}`,
    text.replace(/^main = .*$/m, `main = "${basename(main)}"\nno_bundle = true`),
  );
  return derived;
}

export type SessionWorker = { url: string; port: number; stop(): Promise<void> };

export async function startSessionWorker(opts: {
  port: number;
  inspectorPort: number;
  dataDir: string;
  dbUrl: string;
  log: (line: string) => void;
}): Promise<SessionWorker> {
  await assertPortFree(opts.port, "the bench's Durable Object Worker");
  const child = spawn(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      "dev",
      "-c",
      prebuild(BENCH_CONFIG.session, `${opts.dataDir}/session-bundle`),
      "--port",
      String(opts.port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(opts.inspectorPort),
      "--var",
      `TURSO_URL:${opts.dbUrl}`,
      "--env-file",
      ".dev.vars",
      "--persist-to",
      `${opts.dataDir}/wrangler-session`,
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  const log = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((l) => l.trim())
      .forEach((l) => opts.log(`[session] ${l}`));
  child.stdout?.on("data", log);
  child.stderr?.on("data", log);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        resolve();
      }
    });
  const url = `http://127.0.0.1:${opts.port}`;
  for (const started = Date.now(); Date.now() - started < 90_000;) {
    if (child.exitCode !== null)
      throw new Error(`the object's wrangler dev exited (${child.exitCode})`);
    try {
      const res = await fetch(`${url}/__bench/counts`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return { url, port: opts.port, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the object's Worker did not answer at ${url} within 90 s`);
}

/**
 * Copies KV namespaces from one bench Worker's local store to the other's (the object plans
 * pages with the published config and the trainer's models, which the main Worker wrote).
 */
export async function copyKv(fromUrl: string, toUrl: string, namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    const dump = await fetch(`${fromUrl}/__bench/kv?ns=${ns}`);
    if (!dump.ok) throw new Error(`reading KV ${ns} failed: HTTP ${dump.status}`);
    const load = await fetch(`${toUrl}/__bench/kv?ns=${ns}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: await dump.text(),
    });
    if (!load.ok) throw new Error(`copying KV ${ns} failed: HTTP ${load.status}`);
  }
}

/** The counters a bench Worker keeps (workers/counting.js). */
export type Counts = {
  isolate: string;
  requests: number;
  kvReads: number;
  kvWrites: number;
  kvDeletes: number;
  kvLists: number;
  doCalls: number;
  doCallMs: number;
  alarms: number;
  sqlRowsRead: number;
  sqlRowsWritten: number;
  tursoRowsRead: number;
  tursoRowsWritten: number;
};

export async function readCounts(workerUrl: string): Promise<Counts> {
  const res = await fetch(`${workerUrl}/__bench/counts`);
  if (!res.ok) throw new Error(`bench counters at ${workerUrl}: HTTP ${res.status}`);
  return (await res.json()) as Counts;
}

/**
 * `a - b`, field by field. NaN everywhere when the Worker's isolate changed in between (it
 * restarted, e.g. wrangler reloaded it after a source file changed): its counts started again.
 */
export function countsSince(a: Counts, b: Counts): Counts {
  const out = { ...a };
  const restarted = a.isolate !== b.isolate;
  for (const k of Object.keys(out) as (keyof Counts)[]) {
    if (k !== "isolate") out[k] = restarted ? NaN : a[k] - b[k];
  }
  return out;
}

/** Every call from the main Worker to the object waits `ms` first (0: none). */
export async function setObjectDelay(workerUrl: string, ms: number): Promise<void> {
  const res = await fetch(`${workerUrl}/__bench/delay?ms=${ms}`, { method: "POST" });
  if (!res.ok) throw new Error(`setting the object delay failed: HTTP ${res.status}`);
}
