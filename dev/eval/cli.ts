import cliProgress from "cli-progress";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateCatalog } from "../../seeds/catalog.ts";
import { generateHistories } from "../../seeds/histories.ts";
import * as clock from "../../workers/edge/clock.ts";
import { interactionsOf } from "../../workers/edge/recommend/interactions.ts";
import { chartSvg } from "./chart.ts";
import { evaluateAll, resultsTable } from "./evaluate.ts";
import { parseInteractions, toCsv } from "./interactions-csv.ts";
import { parseLog } from "./log-adapters.ts";
import { generateRepeatLog, REPEAT_LOG_DEFAULTS, toTransactionsCsv } from "./repeat-log.ts";
import {
  ease,
  itemKnn,
  personalPopularity,
  popularity,
  recentPopularity,
  sessionKnn,
  vitrine,
} from "./methods.ts";
import { protocolTables, runProtocol } from "./next-basket.ts";

const USAGE = `usage:
  npm run eval -- --interactions FILE.csv [--protocol next-basket|leave-last-out]
                  [--unit basket|session] [--test-fraction 0.1] [--bootstrap 1000] [--seed 1]
                  [--k 10,20] [--history 50] [--ease-max 1500] [--ease-baseline-max 2500]
                  [--half-life-days 30] [--window-days 7,14,120] [--out reports]
  npm run eval -- --export-seeded FILE.csv [--visitors 3000]
  npm run eval -- --export-repeat FILE.csv [--customers 1500]
CSV with a header: visitor_id,item_id,timestamp[,event_type][,session_id][,basket_id]; a
transactional export (Invoice, StockCode, Customer ID, InvoiceDate[, Quantity]); an event log
(RetailRocket/REES46 columns); or a MovieLens ratings.csv.`;

type Args = Record<string, string>;

function parseArgs(argv: string[]): Args {
  const known = [
    ...["interactions", "k", "history", "ease-max", "out", "export-seeded", "visitors"],
    ...["half-life-days", "window-days", "protocol", "unit", "test-fraction", "bootstrap", "seed"],
    "ease-baseline-max",
    "export-repeat",
    "customers",
  ];
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.replace(/^--/, "");
    if (!argv[i]!.startsWith("--") || !known.includes(name))
      throw new Error(`unknown argument ${argv[i]}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
    args[name] = value;
  }
  return args;
}

const positiveInt = (args: Args, name: string, fallback: number, min = 1) => {
  if (args[name] === undefined) return fallback;
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number >= ${min}`);
  return n;
};

/** The seeded demo histories (same generator and day anchor as `npm run seed`) as CSV. */
async function exportSeeded(file: string, visitors: number): Promise<void> {
  const now = clock.dayStart(clock.now());
  const histories = generateHistories(generateCatalog({ now }), { now, visitors });
  const rows = histories.events.flatMap((e) =>
    interactionsOf({
      visitorId: e.visitorId,
      type: e.type,
      occurredAt: e.occurredAt,
      productId: e.productId ?? null,
      payload: e.payload,
    }).map((i) => ({
      visitor: i.visitor,
      item: i.item,
      at: i.at,
      type: ["product_view", "add_to_cart", "purchase"][i.level]!,
    })),
  );
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, toCsv(rows));
  console.log(`wrote ${rows.length} interactions of ${visitors} seeded visitors to ${file}`);
}

/** A generated wholesale-like log with repeat cycles (repeat-log.ts), as a transactional CSV. */
async function exportRepeat(file: string, customers: number): Promise<void> {
  const lines = generateRepeatLog({
    ...REPEAT_LOG_DEFAULTS,
    customers,
    end: clock.dayStart(clock.now()),
  });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, toTransactionsCsv(lines));
  console.log(`wrote ${lines.length} invoice lines of ${customers} generated customers to ${file}`);
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args["export-repeat"])
    return exportRepeat(
      args["export-repeat"],
      positiveInt(args, "customers", REPEAT_LOG_DEFAULTS.customers),
    );
  if (args["export-seeded"])
    return exportSeeded(args["export-seeded"], positiveInt(args, "visitors", 3000));
  const file = args.interactions;
  if (!file) throw new Error("--interactions FILE.csv is required");
  const ks = (args.k ?? "10,20").split(",").map((s) => Number(s.trim()));
  if (!ks.every((k) => Number.isInteger(k) && k >= 1 && k <= 100))
    throw new Error("--k must be a comma-separated list of whole numbers from 1 to 100");
  const history = positiveInt(args, "history", 50);
  const easeMaxItems = positiveInt(args, "ease-max", 1500, 0);
  const outDir = args.out ?? "reports";
  const halfLifeDays = Number(args["half-life-days"] ?? 30);
  if (!(halfLifeDays > 0)) throw new Error("--half-life-days must be a positive number");
  const windowDays = (args["window-days"] ?? "7,14,120").split(",").map(Number);
  if (windowDays.length !== 3 || !windowDays.every((d) => d > 0))
    throw new Error("--window-days must be three positive numbers: view,cart,buy");

  const text = await readFile(file, "utf8").catch(() => {
    throw new Error(`--interactions: cannot read ${file}`);
  });
  const protocol = args.protocol ?? "next-basket";
  if (protocol === "next-basket")
    return nextBasket(args, file, text, {
      ks,
      history,
      easeMaxItems,
      halfLifeDays,
      windowDays: windowDays as [number, number, number],
      outDir,
    });
  if (protocol !== "leave-last-out")
    throw new Error("--protocol must be next-basket or leave-last-out");
  const interactions = parseInteractions(text, basename(file));
  if (interactions.length === 0) throw new Error(`${file}: no interactions`);

  const bars = new cliProgress.MultiBar(
    {
      format: " {method} |{bar}| {value}/{total} cases",
      hideCursor: true,
      clearOnComplete: false,
      // Progress on stderr keeps stdout (the table) clean; logs get a line every few seconds.
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = new Map<string, cliProgress.SingleBar>();
  const { cases, items, visitors, methods } = evaluateAll(interactions, {
    ks,
    history,
    easeMaxItems,
    halfLifeDays,
    windowDays: windowDays as [number, number, number],
    onProgress: (method, done, total) => {
      let b = bar.get(method);
      if (!b) bar.set(method, (b = bars.create(total, 0, { method: method.padEnd(32) })));
      b.update(done, { method: method.padEnd(32) });
    },
  });
  bars.stop();

  const name = basename(file).replace(/\.[^.]+$/, "");
  const title = `${name}: ${interactions.length} interactions, ${visitors} visitors, ${items} items, ${cases.length} held-out cases`;
  console.log(`\n${title}\nleave-last-out by time; history = last ${history} distinct items\n`);
  console.log(resultsTable(methods, ks));
  await mkdir(outDir, { recursive: true });
  const svg = join(outDir, `eval-${name}.svg`);
  await writeFile(svg, chartSvg(title, methods, ks));
  await writeFile(
    join(outDir, `eval-${name}.json`),
    JSON.stringify(
      {
        file,
        interactions: interactions.length,
        visitors,
        items,
        cases: cases.length,
        ks,
        history,
        methods,
      },
      null,
      2,
    ),
  );
  console.log(`\nchart: ${svg}`);
}

/** The next-basket protocol (protocol.ts, next-basket.ts): tables with intervals and tests. */
async function nextBasket(
  args: Args,
  file: string,
  text: string,
  o: {
    ks: number[];
    history: number;
    easeMaxItems: number;
    halfLifeDays: number;
    windowDays: [number, number, number];
    outDir: string;
  },
): Promise<void> {
  const unit = args.unit ?? "basket";
  if (unit !== "basket" && unit !== "session") throw new Error("--unit must be basket or session");
  const testFraction = Number(args["test-fraction"] ?? 0.1);
  if (!(testFraction > 0 && testFraction < 0.5))
    throw new Error("--test-fraction must be a number between 0 and 0.5");
  const rounds = positiveInt(args, "bootstrap", 1000, 100);
  const seed = positiveInt(args, "seed", 1, 0);
  const easeBaselineMax = positiveInt(args, "ease-baseline-max", 2500, 0);
  const { events, dropped, format } = parseLog(text, basename(file));
  if (events.length === 0) throw new Error(`${file}: no events`);
  const vitrineMethod = vitrine(o);
  const tuned = vitrine({ ...o, tune: true });
  const methods = [
    popularity,
    recentPopularity,
    personalPopularity,
    itemKnn,
    ...(easeBaselineMax > 0 ? [ease(easeBaselineMax)] : []),
    sessionKnn,
    vitrineMethod,
    tuned,
  ];
  const report = runProtocol(events, methods, {
    unit,
    ks: o.ks,
    historyLimit: o.history,
    testFraction,
    seed,
    bootstrapRounds: rounds,
    onProgress: (stage) => console.error(`  ${stage}`),
  });
  const name = basename(file).replace(/\.[^.]+$/, "");
  const visitors = new Set(events.map((e) => e.visitor)).size;
  const items = new Set(events.map((e) => e.item)).size;
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  console.log(
    `\n${name} (${format}): ${events.length} events, ${visitors} visitors, ${items} items` +
      (dropped.noVisitor || dropped.returns
        ? `; left out ${dropped.noVisitor} rows without a customer, ${dropped.returns} returns`
        : "") +
      `\nunit: ${unit}; validation from ${day(report.cutoffs.validation)} (${report.validationCases} cases), ` +
      `test from ${day(report.cutoffs.test)}; training = ${report.trainEvents} events before the test cutoff; ` +
      `history = last ${o.history} distinct items strictly before the held-out ${unit}\n`,
  );
  for (const m of report.methods)
    console.log(
      `${m.method}: params ${JSON.stringify(m.params)}` +
        (m.validation.length
          ? ` (validation Recall@${Math.min(...o.ks)}: ${m.validation.map((v) => `${JSON.stringify(v.params)} ${v.recall.toFixed(4)}`).join(", ")})`
          : "") +
        `, trained in ${(m.trainMs / 1000).toFixed(1)} s`,
    );
  console.log(`\n${protocolTables(report, o.ks, vitrineMethod.name, rounds, seed)}`);
  await mkdir(o.outDir, { recursive: true });
  const out = join(o.outDir, `eval-${name}-${unit}.json`);
  await writeFile(out, JSON.stringify({ file, dropped, ...report }, null, 1));
  console.log(`\nper-case metrics: ${out}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`eval: ${err instanceof Error ? err.message : err}\n${USAGE}`);
    process.exit(2);
  });
}
