import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startShop } from "../seeds/shop/server.ts";
import { demoConfigAt } from "../seeds/config/demo-config.ts";
import { seedDatabase, type SeedResult } from "../seeds/run.ts";
import * as clock from "../workers/edge/clock.ts";
import { applyMigrations } from "./database.ts";
import { startLibsqlServer } from "./libsql-server/server.ts";
import { assertPortFree } from "./ports.ts";

/**
 * The whole local stack in one process tree: libSQL server (Turso's protocol) -> migrations
 * -> demo data -> demo shop origin -> `wrangler dev` proxying to the shop -> demo config and
 * first rankings. Used by `npm start` and `npm run bench`.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
export const LOCAL_TOKEN = "local-dev-token";

export type StackOptions = {
  ports: { db: number; shop: number; worker: number };
  /** Folder (under the repo) for the database file and wrangler's local state. */
  dataDir: string;
  log: (line: string) => void;
  /**
   * The libSQL server and the demo shop in processes of their own rather than in this one.
   * The bench wants it: its load generator times every response on this process's event loop,
   * which must not also be running SQL for the Worker's flushes.
   */
  ownProcesses?: boolean;
  /** More `wrangler dev` arguments (the bench: its own config, `-c dev/bench/workers/...`). */
  wranglerArgs?: string[];
};

/** A server of the stack: where it answers, and its process when it runs in one of its own. */
type Service = { url: string; pid?: number; close(): Promise<void> | void };

export type Stack = {
  workerUrl: string;
  shopUrl: string;
  dbUrl: string;
  adminToken: string;
  /** The libSQL server's and the demo shop's processes, with `ownProcesses`. */
  processes: { pid: number; role: string }[];
  stop(): Promise<void>;
};

/** Ends start-up with a one-line reason; main's catch prints it and stops what runs. */
function fail(message: string): never {
  throw new Error(message);
}

/**
 * wrangler dev only loads the secrets listed in wrangler.toml from .dev.vars. Returns the
 * admin token the local stack uses.
 */
export function ensureDevVars(dbUrl: string, log: (line: string) => void): string {
  const path = `${root}.dev.vars`;
  const adminToken = () =>
    /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(path, "utf8"))?.[1]?.trim() ?? "";
  if (existsSync(path)) return adminToken();
  const example = readFileSync(`${root}.dev.vars.example`, "utf8");
  const local = example
    .replace(/^TURSO_URL=.*$/m, `TURSO_URL=${dbUrl}`)
    .replace(/^TURSO_AUTH_TOKEN=.*$/m, `TURSO_AUTH_TOKEN=${LOCAL_TOKEN}`)
    .replace(/^COOKIE_SECRET=.*$/m, `COOKIE_SECRET=${crypto.randomUUID()}${crypto.randomUUID()}`)
    .replace(/^ADMIN_TOKEN=.*$/m, `ADMIN_TOKEN=local-admin-${crypto.randomUUID().slice(0, 8)}`);
  writeFileSync(path, local);
  log("wrote .dev.vars with local secrets");
  return adminToken();
}

/** The author the local stack publishes the demo configuration as. */
const DEMO_AUTHOR = "npm start (demo)";

/**
 * A fresh stack shows personalization at once: the demo config (its dated campaign moved to
 * today) is published if none is, or again when the demo data was just regenerated for today
 * and the active config is still the stack's own demo; then the rankings and trainer run once
 * instead of waiting for their first cron tick.
 */
async function bootstrapDemo(
  workerUrl: string,
  adminToken: string,
  demoRefreshed: boolean,
  log: (line: string) => void,
): Promise<void> {
  const admin = { authorization: `Bearer ${adminToken}` };
  const listing = await fetch(`${workerUrl}/__vitrine/v1/admin/config/versions`, {
    headers: admin,
  });
  if (!listing.ok) fail(`reading the active configuration failed with HTTP ${listing.status}`);
  const { active, versions } = (await listing.json()) as {
    active: number | null;
    versions: { version: number; author: string }[];
  };
  const activeAuthor = versions.find((v) => v.version === active)?.author;
  if (active === null || (demoRefreshed && activeAuthor === DEMO_AUTHOR)) {
    const config = {
      ...demoConfigAt(clock.now()),
      styles: readFileSync(`${root}seeds/config/vitrine.css`, "utf8"),
    };
    const res = await fetch(`${workerUrl}/__vitrine/v1/admin/config`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json", "x-vitrine-author": DEMO_AUTHOR },
      body: JSON.stringify(config),
    });
    if (res.status !== 201) fail(`publishing the demo configuration failed: ${await res.text()}`);
    log("demo configuration published (its seasonal campaign runs around today)");
  }
  const cron = await fetch(`${workerUrl}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
  if (!cron.ok) fail(`the first rankings run failed with HTTP ${cron.status}`);
  log("rankings and recommendations published");
}

function startWorker(opts: StackOptions, shopUrl: string, dbUrl: string): ChildProcess {
  // Its own process group, so stopping it also stops the workerd processes it starts.
  const child = spawn(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      "dev",
      "--port",
      String(opts.ports.worker),
      "--ip",
      "127.0.0.1",
      "--var",
      `ORIGIN_URL:${shopUrl}`,
      "--var",
      `TURSO_URL:${dbUrl}`,
      "--persist-to",
      `${opts.dataDir}/wrangler`,
      "--show-interactive-dev-session=false",
      // Lets start-up trigger the cron jobs once through /__scheduled.
      "--test-scheduled",
      ...(opts.wranglerArgs ?? []),
    ],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // No telemetry and no download of request.cf sample data: the stack runs offline.
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    },
  );
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter((line) => line.trim())
      .forEach((line) => opts.log(`[worker] ${line}`));
  child.stdout?.on("data", prefix);
  child.stderr?.on("data", prefix);
  return child;
}

async function waitForWorker(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/__vitrine/v1/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  fail(`the Worker did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

/**
 * One of the stack's node CLIs in a process of its own (tsx as a loader, not its CLI, so the pid
 * is the server's), once it answers at `url`.
 */
async function startChild(script: string, args: string[], url: string): Promise<Service> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  for (const started = Date.now(); Date.now() - started < 30_000;) {
    if (child.exitCode !== null)
      fail(`${script} exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return { url, pid: child.pid, close };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await close();
  fail(`${script} did not answer at ${url} within 30s`);
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One start-up line on the demo data: kept, generated, or replaced because it was stale. */
export function seedSummary(seeded: SeedResult): string {
  if (seeded.replacedAnchor !== undefined) {
    const days = Math.round((seeded.anchor - seeded.replacedAnchor) / clock.DAY_MS);
    return (
      `demo data was generated for ${isoDay(seeded.replacedAnchor)} (${days} days ago): ` +
      `generated again for ${isoDay(seeded.anchor)}, so sales windows and dated rules hold ` +
      `(visits you made in the demo were cleared)`
    );
  }
  return seeded.skipped
    ? `demo data present (generated for ${isoDay(seeded.anchor)})`
    : `demo data seeded for ${isoDay(seeded.anchor)}`;
}

/** Starts everything; on failure what was started is stopped again and the error rethrown. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const { ports, log } = opts;
  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await Promise.resolve(s()).catch(() => undefined);
    stoppers.length = 0;
  };
  try {
    for (const [what, port, env] of [
      ["libSQL server", ports.db, "VITRINE_DB_PORT"],
      ["demo shop", ports.shop, "VITRINE_SHOP_PORT"],
      ["Worker", ports.worker, "VITRINE_WORKER_PORT"],
    ] as const) {
      await assertPortFree(port, `${what}; another port via ${env}`);
    }

    const dbFile = `${root}${opts.dataDir}/local.db`;
    const db: Service = opts.ownProcesses
      ? await startChild(
          "dev/libsql-server/cli.ts",
          ["--port", String(ports.db), "--file", dbFile, "--token", LOCAL_TOKEN],
          `http://127.0.0.1:${ports.db}`,
        )
      : await startLibsqlServer({ file: dbFile, port: ports.db, authToken: LOCAL_TOKEN });
    stoppers.push(() => db.close());
    const conn = { url: db.url, authToken: LOCAL_TOKEN };
    await applyMigrations(conn);
    log("migrations applied");
    const seeded = await seedDatabase(conn, { refreshStale: true, log: (m) => log(`seed ${m}`) });
    log(seedSummary(seeded));

    const shop: Service = opts.ownProcesses
      ? await startChild(
          "seeds/shop/cli.ts",
          ["--port", String(ports.shop)],
          `http://127.0.0.1:${ports.shop}`,
        )
      : await startShop({ port: ports.shop });
    stoppers.push(() => shop.close());

    const adminToken = ensureDevVars(db.url, log);
    const worker = startWorker(opts, shop.url, db.url);
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          if (worker.exitCode !== null) return resolve();
          worker.once("exit", () => resolve());
          try {
            if (worker.pid) process.kill(-worker.pid, "SIGTERM");
          } catch {
            resolve(); // the group is already gone
          }
        }),
    );
    const workerUrl = `http://127.0.0.1:${ports.worker}`;
    await waitForWorker(workerUrl, worker);
    await bootstrapDemo(workerUrl, adminToken, seeded.replacedAnchor !== undefined, log);

    const processes = [
      { service: db, role: "libSQL server (node)" },
      { service: shop, role: "demo shop (node)" },
    ].flatMap(({ service, role }) => (service.pid ? [{ pid: service.pid, role }] : []));
    return { workerUrl, shopUrl: shop.url, dbUrl: db.url, adminToken, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
