/**
 * Profile builder micro-benchmark: fold cost per event and toProfile cost for a visitor with
 * 1k and 10k touchpoints (the seeded histories' event mix, replayed as one visitor).
 *
 *   npx tsx dev/bench/profile.ts [--runs 7]
 */
import { DEFAULT_NOW, generateCatalog } from "../../seeds/catalog.ts";
import { generateHistories } from "../../seeds/histories.ts";
import type { TrackedEvent } from "../../workers/edge/model/events.ts";
import {
  buildProfile,
  emptyProfileState,
  foldEvent,
  foldEvents,
  toProfile,
  type ProfileState,
} from "../../workers/edge/profile/index.ts";
import { fromSeedRow, seedLookup } from "../../seeds/seed-events.ts";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const BATCH = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median of `RUNS` timed runs (after one warm-up), in ms. */
function time(run: () => void): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const catalog = generateCatalog();
const products = seedLookup(catalog);
const history = generateHistories(catalog, { visitors: 3000 });
// One visitor with the whole shop's behaviour: many visits, every event type.
const all: TrackedEvent[] = history.events
  .map(fromSeedRow)
  .map((e) => ({ ...e, id: `${e.sessionId}:${e.id}` }));

const rows: string[][] = [];
for (const n of [1_000, 10_000]) {
  const events = all.slice(0, n);
  let state: ProfileState = emptyProfileState("bench");

  const single = time(() => {
    let s = emptyProfileState("bench");
    for (const e of events) s = foldEvent(s, e, products);
    state = s;
  });
  const batched = time(() => {
    let s = emptyProfileState("bench");
    for (let i = 0; i < events.length; i += BATCH) {
      s = foldEvents(s, events.slice(i, i + BATCH), products);
    }
  });
  const now = Math.max(DEFAULT_NOW, events.at(-1)!.at);
  const reps = 1_000;
  const read = time(() => {
    for (let i = 0; i < reps; i++) toProfile(state, now);
  });
  const rebuild = time(() => buildProfile(events, products, now, "bench"));
  const profile = toProfile(state, now);
  rows.push([
    String(n),
    ((single / n) * 1000).toFixed(2),
    ((batched / n) * 1000).toFixed(2),
    ((read / reps) * 1000).toFixed(1),
    rebuild.toFixed(2),
    String(JSON.stringify(state).length),
    String(JSON.stringify(profile).length),
  ]);
}

const head = [
  "events",
  "fold µs/event (1 per call)",
  `fold µs/event (batches of ${BATCH})`,
  "toProfile µs",
  "full rebuild ms",
  "state bytes",
  "KV profile bytes",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(" | ")} |`;
console.log(`profile builder, median of ${RUNS} runs, Node ${process.version}`);
console.log(line(head));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
