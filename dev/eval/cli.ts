import cliProgress from "cli-progress";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateCatalog } from "../../seeds/catalog.ts";
import { generateHistories } from "../../seeds/histories.ts";
import { interactionsOf } from "../../workers/edge/recommend/interactions.ts";
import { chartSvg } from "./chart.ts";
import { evaluateAll, resultsTable } from "./evaluate.ts";
import { parseInteractions, toCsv } from "./interactions-csv.ts";

const USAGE = `usage:
  npm run eval -- --interactions FILE.csv [--k 10,20] [--history 50] [--ease-max 1500]
                  [--half-life-days 30] [--window-days 7,14,120] [--out reports]
  npm run eval -- --export-seeded FILE.csv [--visitors 3000]
CSV: visitor_id,item_id,timestamp[,event_type] with a header (or a MovieLens ratings.csv).`;

type Args = Record<string, string>;

function parseArgs(argv: string[]): Args {
  const known = [
    ...["interactions", "k", "history", "ease-max", "out", "export-seeded", "visitors"],
    ...["half-life-days", "window-days"],
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

/** The seeded demo histories (same generator and clock as `npm run seed`) as CSV. */
async function exportSeeded(file: string, visitors: number): Promise<void> {
  const now = Date.UTC(2026, 10, 1);
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

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`eval: ${err instanceof Error ? err.message : err}\n${USAGE}`);
    process.exit(2);
  });
}
