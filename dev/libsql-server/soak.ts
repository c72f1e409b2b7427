import { createClient, type Client } from "@libsql/client";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { markdownTable } from "../markdown-table.ts";
import { freePort } from "../browser/local-stack.ts";
import { replaceSection } from "../markdown-section.ts";

/**
 * `npm run soak:db [-- --seconds 600] [--no-report]`: the local libSQL server in a process of
 * its own under mixed traffic from the official client: autocommit writes, write transactions,
 * reads, a WebSocket client, abandoned batons (read and write), malformed requests and, every
 * second, a statement that crashes an engine process plus a read of text that is not UTF-8.
 * Every 10 s it samples the open file descriptors and resident memory of the server and its
 * engine processes; at the end it stops the server cleanly, starts it again on the same file
 * and checks that every acknowledged row is there. The table goes to docs/benchmarks.md (its
 * own section) and reports/libsql-soak.md, unless `--no-report`.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const args = process.argv.slice(2);
if (args.includes("--help")) {
  console.log(
    "usage: npm run soak:db -- [--seconds N (default 600, at least 10)] [--no-report (print only)]",
  );
  process.exit(0);
}
const at = args.indexOf("--seconds");
const seconds = at >= 0 ? Number(args[at + 1]) : 600;
if (!Number.isFinite(seconds) || seconds < 10) {
  console.error("soak:db: --seconds must be a number of at least 10");
  process.exit(2);
}
const writeReport = !args.includes("--no-report");

type Sample = {
  at: number;
  fds: number;
  rssMb: number;
  /** Proportional set size: shared pages (Node's own code) split among the processes. */
  pssMb: number;
  engines: number;
  acked: number;
  errors: number;
};

async function startServer(file: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "dev/libsql-server/cli.ts", "--port", String(port), "--file", file],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error("the libSQL server did not start");
}

function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

/** The server's engine processes (its children). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number),
  );
}

/** Descriptors and memory of the server and its engine processes together. */
function sample(pid: number, started: number, acked: number, errors: number): Sample {
  const engines = childrenOf(pid);
  let fds = 0;
  let rssKb = 0;
  let pssKb = 0;
  for (const p of [pid, ...engines]) {
    try {
      fds += readdirSync(`/proc/${p}/fd`).length;
      rssKb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1]);
      pssKb += Number(/Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1]);
    } catch {
      // An engine that exited (crashed) between the listing and the read.
    }
  }
  return {
    at: Date.now() - started,
    fds,
    rssMb: rssKb / 1024,
    pssMb: pssKb / 1024,
    engines: engines.length,
    acked,
    errors,
  };
}

const dir = mkdtempSync(join(tmpdir(), "libsql-soak-"));
const file = join(dir, "soak.db");
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let server = await startServer(file, port);
const setup = createClient({ url });
await setup.execute("CREATE TABLE soak (id TEXT PRIMARY KEY, kind TEXT, payload BLOB, n REAL)");
setup.close();

const acked = new Set<string>();
const counts = {
  writes: 0,
  txCommits: 0,
  reads: 0,
  ws: 0,
  abandoned: 0,
  malformed: 0,
  crashes: 0,
  invalidText: 0,
};
let errors = 0;
let seq = 0;
const deadline = Date.now() + seconds * 1000;
const running = () => Date.now() < deadline;
const id = (kind: string) => `${kind}-${++seq}`;
const payload = () => new Uint8Array(64 + (seq % 512)).fill(seq % 251);

async function loop(body: () => Promise<void>, pauseMs = 0): Promise<void> {
  while (running()) {
    try {
      await body();
    } catch {
      errors++;
    }
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

const http = (): Client => createClient({ url });
const writer = http();
const reader = http();
const ws = createClient({ url: url.replace(/^http:/, "ws:") });

async function rawPipeline(body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/v3/pipeline`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

const MALFORMED = [
  "{",
  '{"requests": 7}',
  '{"requests": [{"type": "execute", "stmt": {"sql": 5}}]}',
  '{"baton": "no-such-baton", "requests": [{"type": "execute", "stmt": {"sql": "SELECT 1"}}]}',
  '{"requests": [{"type": "execute", "stmt": {"sql": "SELECT ?", "args": [{"type": "blob"}]}}]}',
  '{"requests": [{"type": "execute", "stmt": {"sql": "INSERT INTO soak VALUES (1)"}}]}',
];

const started = Date.now();
const samples: Sample[] = [sample(server.pid!, started, 0, 0)];
const sampler = setInterval(() => {
  samples.push(sample(server.pid!, started, acked.size, errors));
  const s = samples.at(-1)!;
  console.log(
    `soak:db ${Math.round(s.at / 1000)}s fds=${s.fds} rss=${s.rssMb.toFixed(0)}MB pss=${s.pssMb.toFixed(0)}MB engines=${s.engines} acked=${s.acked} errors=${s.errors} crashes=${counts.crashes}`,
  );
}, 10_000);

await Promise.all([
  ...[1, 2, 3].map(() =>
    loop(async () => {
      const key = id("w");
      await writer.execute({
        sql: "INSERT INTO soak VALUES (?, 'write', ?, ?)",
        args: [key, payload(), seq / 7],
      });
      acked.add(key);
      counts.writes++;
    }),
  ),
  ...[1, 2].map(() =>
    loop(async () => {
      const tx = await writer.transaction("write");
      const keys = [id("t"), id("t"), id("t")];
      try {
        for (const key of keys)
          await tx.execute({
            sql: "INSERT INTO soak VALUES (?, 'tx', ?, ?)",
            args: [key, payload(), 1],
          });
        await tx.commit();
        for (const key of keys) acked.add(key);
        counts.txCommits++;
      } finally {
        tx.close();
      }
    }),
  ),
  loop(async () => {
    await reader.execute("SELECT count(*), max(n) FROM soak");
    await reader.execute("SELECT id, payload FROM soak ORDER BY rowid DESC LIMIT 20");
    counts.reads++;
  }),
  loop(async () => {
    const keys = [id("s"), id("s")];
    await ws.batch(
      keys.map((key) => ({
        sql: "INSERT INTO soak VALUES (?, 'ws', ?, NULL)",
        args: [key, payload()],
      })),
      "write",
    );
    for (const key of keys) acked.add(key);
    counts.ws++;
  }, 20),
  // A read transaction left open every 2 s; a write transaction (never acknowledged) every
  // 45 s: the server must expire both and roll the write back.
  loop(async () => {
    await rawPipeline(
      JSON.stringify({
        requests: [
          { type: "execute", stmt: { sql: "BEGIN" } },
          { type: "execute", stmt: { sql: "SELECT count(*) FROM soak" } },
        ],
      }),
    );
    counts.abandoned++;
  }, 2_000),
  loop(async () => {
    for (let waited = 0; waited < 45_000 && running(); waited += 500)
      await new Promise((r) => setTimeout(r, 500));
    if (!running()) return;
    await rawPipeline(
      JSON.stringify({
        requests: [
          { type: "execute", stmt: { sql: "BEGIN IMMEDIATE" } },
          {
            type: "execute",
            stmt: { sql: `INSERT INTO soak VALUES ('${id("x")}', 'abandoned', NULL, NULL)` },
          },
        ],
      }),
    );
    counts.abandoned++;
  }),
  // An engine crash a second (the binding panics on this EXPLAIN's non-UTF-8 text): the
  // request must get an error naming it and nothing else may notice. Then text that is not
  // UTF-8, which a query returns with U+FFFD.
  loop(async () => {
    const crash = await rawPipeline(
      JSON.stringify({
        requests: [{ type: "execute", stmt: { sql: "EXPLAIN SELECT CAST(x'ff' AS TEXT)" } }],
      }),
    );
    const result = (crash.json as { results?: { error?: { message?: string } }[] })?.results?.[0];
    if (!/engine crashed/.test(result?.error?.message ?? ""))
      throw new Error(`crash not reported: ${JSON.stringify(crash.json)}`);
    counts.crashes++;
    const rs = await reader.execute("SELECT CAST(x'636166e9' AS TEXT) AS v");
    if (rs.rows[0]!.v !== "caf\uFFFD") throw new Error(`invalid text read as ${rs.rows[0]!.v}`);
    counts.invalidText++;
  }, 1_000),
  loop(async () => {
    const body = MALFORMED[counts.malformed % MALFORMED.length]!;
    const { status } = await rawPipeline(body);
    if (status >= 500) throw new Error(`HTTP ${status} for ${body}`);
    counts.malformed++;
  }, 50),
]);
clearInterval(sampler);
samples.push(sample(server.pid!, started, acked.size, errors));
for (const c of [writer, reader, ws]) c.close();

const exitCode = await stopServer(server);
server = await startServer(file, port);
const check = createClient({ url });
const stored = new Set((await check.execute("SELECT id FROM soak")).rows.map((r) => String(r.id)));
const abandonedRows = Number(
  (await check.execute("SELECT count(*) AS n FROM soak WHERE kind = 'abandoned'")).rows[0]!.n,
);
check.close();
await stopServer(server);
rmSync(dir, { recursive: true, force: true });

const missing = [...acked].filter((k) => !stored.has(k));
const first = samples[1] ?? samples[0]!;
const last = samples.at(-1)!;
const maxOf = (f: (s: Sample) => number) => Math.max(...samples.map(f));
const table = markdownTable(
  ["measure", "value"],
  [
    ["duration", `${seconds} s`],
    ["acknowledged rows", String(acked.size)],
    ["acknowledged rows missing after a clean restart", String(missing.length)],
    ["abandoned write transactions' rows on disk", String(abandonedRows)],
    [
      "autocommit writes / transactions / WebSocket batches / read rounds",
      `${counts.writes} / ${counts.txCommits} / ${counts.ws} / ${counts.reads}`,
    ],
    ["abandoned batons / malformed requests", `${counts.abandoned} / ${counts.malformed}`],
    ["engine crashes reported / non-UTF-8 reads", `${counts.crashes} / ${counts.invalidText}`],
    ["client-side errors (timeouts, BUSY)", String(errors)],
    [
      "engine processes: first sample, last, max",
      `${first.engines}, ${last.engines}, ${maxOf((s) => s.engines)}`,
    ],
    [
      "open fds, server + engines: first sample, last, max",
      `${first.fds}, ${last.fds}, ${maxOf((s) => s.fds)}`,
    ],
    [
      "resident memory MB, server + engines: first sample, last, max",
      `${first.rssMb.toFixed(0)}, ${last.rssMb.toFixed(0)}, ${maxOf((s) => s.rssMb).toFixed(0)}`,
    ],
    [
      "proportional memory (PSS) MB, server + engines: first sample, last, max",
      `${first.pssMb.toFixed(0)}, ${last.pssMb.toFixed(0)}, ${maxOf((s) => s.pssMb).toFixed(0)}`,
    ],
    ["server exit code on SIGTERM", String(exitCode)],
  ],
);
const report = [
  "## Local libSQL server soak",
  "",
  `\`npm run soak:db -- --seconds ${seconds}\`, ${new Date().toISOString().slice(0, 10)}: the server in` +
    " its own process, the load from one Node process with the official client.",
  "",
  ...table,
  "",
].join("\n");
console.log(report);
if (writeReport) {
  mkdirSync(join(root, "reports"), { recursive: true });
  writeFileSync(join(root, "reports/libsql-soak.md"), report);
  replaceSection(join(root, "docs/benchmarks.md"), "libsql-soak", report);
}
process.exit(missing.length || abandonedRows ? 1 : 0);
