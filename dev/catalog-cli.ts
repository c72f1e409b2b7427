import { createReadStream, statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import cliProgress from "cli-progress";
import { connect, type Connection } from "./database.ts";
import {
  applyImport,
  FEED_FORMATS,
  parseFeed,
  type FeedError,
  type FeedFormat,
  type ImportMode,
  type ImportResult,
} from "../workers/edge/catalog/feed/index.ts";
import { defaultMode } from "../workers/edge/catalog/feed/plan.ts";
import { readFeedUrl } from "../workers/edge/catalog/feed/fetch-feed.ts";
import * as clock from "../workers/edge/clock.ts";

const DEFAULT_DB = "http://127.0.0.1:8080";
const USAGE = `Usage:
  npm run catalog -- import FILE|URL [--format F] [--mode full|upsert] [--currency C] [--base-url URL]
      Loads a shop's product feed into the catalog in TURSO_URL (default ${DEFAULT_DB},
      token TURSO_AUTH_TOKEN).
      --format    ${FEED_FORMATS.join(", ")} (told from the content when omitted)
      --mode      full: products missing from the feed are hidden (default for feeds);
                  upsert: add and update only (default for json and ndjson)
      --currency  for feeds without one (Shopify's products.json); default EUR
      --base-url  the shop's origin, for relative links (default: the feed URL's origin)`;

export type ImportOptions = {
  format?: FeedFormat;
  mode?: ImportMode;
  currency?: string;
  baseUrl?: string;
  now?: number;
  fetch?: typeof fetch;
  /** Phase ("read" in bytes of a file, "write" in rows), done and total. */
  onProgress?: (phase: "read" | "write", done: number, total: number) => void;
};

export type ImportSummary = ImportResult & { format: FeedFormat; mode: ImportMode };

const isUrl = (source: string) => /^https?:\/\//i.test(source);

/** Reads a file as a stream of text chunks, reporting bytes read. */
async function* fileChunks(path: string, onBytes?: (done: number, total: number) => void) {
  const total = statSync(path).size;
  let done = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const decoder = new TextDecoder();
  for await (const buf of stream as AsyncIterable<Buffer>) {
    done += buf.length;
    onBytes?.(done, total);
    yield decoder.decode(buf, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Reads a feed file or URL and applies it to the catalog in `conn`. */
export async function importCatalog(
  conn: Connection,
  source: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const parseOptions = { currency: options.currency, baseUrl: options.baseUrl };
  const feed = isUrl(source)
    ? await readFeedUrl(source, options.fetch ?? fetch, options.format, parseOptions)
    : await parseFeed(
        fileChunks(source, (d, t) => options.onProgress?.("read", d, t)),
        options.format,
        parseOptions,
      );
  const mode = options.mode ?? defaultMode(feed.format);
  const { client, db } = connect(conn);
  try {
    const result = await applyImport(db, feed, {
      mode,
      now: options.now ?? clock.now(),
      onProgress: (d, t) => options.onProgress?.("write", d, t),
    });
    return { ...result, format: feed.format, mode };
  } finally {
    client.close();
  }
}

/** One line per row that was not imported: where it is and which field is wrong. */
export function describeError(e: FeedError): string {
  const at = e.line !== null ? `line ${e.line}` : e.item ? `item ${e.item}` : "feed";
  return `${at}${e.id ? ` (${e.id})` : ""}: ${e.field}: ${e.message}`;
}

export function describeResult(source: string, r: ImportSummary): string[] {
  const lines = [
    `${source} (${r.format}, ${r.mode}): ${r.added} added, ${r.changed} changed, ${r.hidden} hidden, ` +
      `${r.unchanged} unchanged, ${r.categoriesAdded} categories added, ${r.errors.length} not imported`,
  ];
  if (r.removalsSkipped) lines.push(`nothing hidden: ${r.removalsSkipped}`);
  const shown = r.errors.slice(0, 50).map((e) => `  ${describeError(e)}`);
  if (r.errors.length > shown.length)
    shown.push(`  ... and ${r.errors.length - shown.length} more`);
  return [...lines, ...shown];
}

type CliIo = {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  /** Draw progress bars (an interactive terminal). */
  progress: boolean;
};

const nodeIo: CliIo = {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: !!process.stderr.isTTY,
};

/** Runs one command; resolves to the exit code (1 when some rows were not imported). */
export async function runCatalogCli(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[i]!);
    if (m) flags[m[1]!] = m[2] ?? rest[++i] ?? "";
    else positional.push(rest[i]!);
  }
  const source = positional[0];
  const unknown = Object.keys(flags).find(
    (f) => !["format", "mode", "currency", "base-url"].includes(f),
  );
  if (command !== "import" || !source || positional.length > 1 || unknown) {
    if (unknown) io.err(`catalog: unknown option --${unknown}`);
    io.err(USAGE);
    return 2;
  }
  if (flags.format && !(FEED_FORMATS as readonly string[]).includes(flags.format)) {
    io.err(`catalog: --format must be one of ${FEED_FORMATS.join(", ")}, got "${flags.format}"`);
    return 2;
  }
  if (flags.mode && flags.mode !== "full" && flags.mode !== "upsert") {
    io.err(`catalog: --mode must be full or upsert, got "${flags.mode}"`);
    return 2;
  }
  const bars = new Map<string, cliProgress.SingleBar>();
  const onProgress = (phase: "read" | "write", done: number, total: number) => {
    if (!io.progress) return;
    let bar = bars.get(phase);
    if (!bar) {
      bar = new cliProgress.SingleBar(
        {
          format: `${phase === "read" ? "reading" : "writing"} [{bar}] {percentage}% {value}/{total} ${phase === "read" ? "bytes" : "rows"}`,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
      bars.set(phase, bar);
    }
    bar.setTotal(total);
    bar.update(done);
  };
  try {
    const result = await importCatalog(
      { url: io.env.TURSO_URL ?? DEFAULT_DB, authToken: io.env.TURSO_AUTH_TOKEN },
      source,
      {
        format: flags.format as FeedFormat | undefined,
        mode: flags.mode as ImportMode | undefined,
        currency: flags.currency,
        baseUrl: flags["base-url"],
        onProgress,
      },
    );
    for (const bar of bars.values()) bar.stop();
    for (const line of describeResult(source, result)) io.out(line);
    return result.errors.length ? 1 : 0;
  } catch (err) {
    for (const bar of bars.values()) bar.stop();
    io.err(`catalog: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runCatalogCli(process.argv.slice(2));
}
