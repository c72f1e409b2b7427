import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "../database.ts";
import { replaceSection } from "../markdown-section.ts";
import { markdownTable } from "../markdown-table.ts";
import { importCatalog } from "../catalog-cli.ts";

/**
 * npx tsx dev/bench/catalog-import.ts [ITEMS]   (default 100000; not part of the test suite)
 *
 * Writes a generated Merchant Center RSS feed of ITEMS items (a tenth of them variants in
 * groups of 5), starts a local libSQL server on a scratch file in its own process, imports
 * the feed, then imports it again with 1% of prices changed and 1% of products gone, and
 * prints the time and the importing process's peak memory for each pass (the server's is
 * not counted). Everything is removed at the end.
 */

const items = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(items) || items < 1 || items > 2_000_000) {
  console.error("ITEMS must be a whole number from 1 to 2000000");
  process.exit(2);
}
const T = Date.UTC(2031, 0, 1);

async function writeFeed(path: string, pass: number): Promise<void> {
  const out = createWriteStream(path);
  const put = async (s: string) => {
    if (!out.write(s)) await once(out, "drain");
  };
  await put(
    `<?xml version="1.0"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n`,
  );
  for (let i = 0; i < items; i++) {
    // The second pass drops one ungrouped product in 100 and changes the price of another.
    if (pass === 2 && i % 100 === 5) continue;
    const price = (19.99 + (i % 500) + (pass === 2 && i % 100 === 1 ? 1 : 0)).toFixed(2);
    const group = i % 10 === 0 ? `<g:item_group_id>G${Math.floor(i / 50)}</g:item_group_id>` : "";
    await put(
      `<item><g:id>SKU-${i}</g:id><title>Product ${i} &amp; co</title>` +
        `<link>https://shop.example/p/product-${i}</link><description>Generated product number ${i}</description>` +
        `<g:price>${price} EUR</g:price><g:availability>${i % 7 ? "in_stock" : "out_of_stock"}</g:availability>` +
        `<g:image_link>https://cdn.shop.example/${i}.jpg</g:image_link><g:brand>Brand ${i % 40}</g:brand>` +
        `<g:product_type>Dept ${i % 12} &gt; Aisle ${i % 60}</g:product_type>${group}</item>\n`,
    );
  }
  await put(`</channel></rss>\n`);
  out.end();
  await once(out, "finish");
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** The local libSQL server in a child process, so its memory is not the importer's. */
async function startServer(file: string) {
  const port = await freePort();
  const cli = fileURLToPath(new URL("../libsql-server/cli.ts", import.meta.url));
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const child = spawn(tsx, [cli, "--port", String(port), "--file", file], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error("the libSQL server exited");
    const up = await fetch(`${url}/health`).then(
      () => true,
      () => false,
    );
    if (up) return { url, stop: () => child.kill("SIGTERM") };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGTERM");
  throw new Error("the libSQL server did not start within 10 s");
}

const rows: string[][] = [];
const dir = await mkdtemp(join(tmpdir(), "vitrine-catalog-bench-"));
const server = await startServer(join(dir, "bench.db"));
try {
  await applyMigrations({ url: server.url });
  for (const pass of [1, 2]) {
    const feed = join(dir, `feed-${pass}.xml`);
    await writeFeed(feed, pass);
    const size = (await stat(feed)).size;
    let peakHeap = 0;
    const sampler = setInterval(
      () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)),
      50,
    );
    const started = performance.now();
    const result = await importCatalog({ url: server.url }, feed, { now: T + pass });
    const ms = performance.now() - started;
    clearInterval(sampler);
    const peakRss = mb(process.resourceUsage().maxRSS * 1024);
    console.log(
      `pass ${pass}: ${items} items, ${mb(size)} MB feed: ${ms.toFixed(0)} ms; ` +
        `peak heap ${mb(peakHeap)} MB, peak RSS ${peakRss} MB; ` +
        `${result.added} added, ${result.changed} changed, ` +
        `${result.hidden} hidden, ${result.unchanged} unchanged, ${result.errors.length} errors`,
    );
    rows.push([
      pass === 1 ? "first import" : "again: 1% prices changed, 1% gone",
      `${mb(size)} MB`,
      (ms / 1000).toFixed(1),
      String(mb(peakHeap)),
      String(peakRss),
      `${result.added} / ${result.changed} / ${result.hidden} / ${result.unchanged}`,
      String(result.errors.length),
    ]);
  }
  replaceSection(
    "docs/benchmarks.md",
    "catalog-import",
    [
      "## Catalog import",
      "",
      `\`npm run catalog -- import\` of a generated Merchant Center RSS feed of ${items} items ` +
        "(a tenth of them variants in groups of 5) into a local libSQL server in its own process; " +
        "memory is the importing process's (peak RSS is the highest so far in the run).",
      "",
      ...markdownTable(
        [
          "pass",
          "feed",
          "time s",
          "peak heap MB",
          "peak RSS MB",
          "added / changed / hidden / unchanged",
          "errors",
        ],
        rows,
      ),
    ].join("\n"),
  );
} finally {
  server.stop();
  await rm(dir, { recursive: true, force: true });
}
