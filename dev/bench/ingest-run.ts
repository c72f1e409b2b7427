import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { startStack } from "../stack.ts";
import { benchIngest, benchSnapshot, consentingVisitors, ingestMarkdown } from "./events.ts";

/**
 * `npm run bench:events`: events ingested per second through the local Worker into Turso, with
 * none lost (count in == rows out), and the hot path's session snapshot latency. Its own ports
 * and data, so it can run beside `npm start`.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const VISITORS = Number(process.env.BENCH_VISITORS ?? 1000);
const DATA_DIR = ".data/bench-events";
// A fresh database and Worker state each run (earlier runs' objects and alarms would load it).
rmSync(DATA_DIR, { recursive: true, force: true });
const logLines: string[] = [];
const stack = await startStack({
  ports: { db: 28080, shop: 23000, worker: 28787 },
  dataDir: DATA_DIR,
  log: (line) => logLines.push(line),
});
try {
  const ingest = await benchIngest(stack, SECONDS, VISITORS);
  const home = await (await fetch(`${stack.shopUrl}/`)).text();
  const path = /href="(\/p\/[^"]+)"/.exec(home)?.[1] ?? "/";
  const snapshot = await benchSnapshot(
    `${stack.workerUrl}${path}`,
    await consentingVisitors(stack.workerUrl, 20),
    400,
  );
  const markdown = ingestMarkdown(ingest, snapshot);
  mkdirSync("reports", { recursive: true });
  writeFileSync("reports/bench-events.json", JSON.stringify({ ingest, snapshot }, null, 2));
  writeFileSync("reports/bench-events.md", markdown);
  console.log(markdown);
  if (ingest.lost !== 0 || ingest.duplicates !== 0) process.exitCode = 1;
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  console.error(logLines.slice(-20).join("\n"));
  process.exitCode = 1;
} finally {
  await stack.stop();
}
