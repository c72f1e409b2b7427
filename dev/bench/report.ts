import { markdownTable } from "../markdown-table.ts";
import { objectCpu, workerCpu, type ModeRun, type Target } from "./hot-path.ts";
import { firstLast, type TimedRun } from "./page-timing.ts";
import { costOf, gbSeconds, PRICES, type Meter, type Usage } from "./pricing.ts";
import type { Counts } from "./session-worker.ts";

/** The Markdown tables of a bench run: the hot path by mode, targets, processes, prices. */
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");
const modeName = (r: ModeRun) =>
  r.mode === "personalized" ? `personalized +${r.delayMs} ms` : r.mode;

export function hotPathTables(runs: readonly ModeRun[], rate: number, pageRuns: number): string[] {
  const passOf = (r: ModeRun) => runs.find((x) => x.page === r.page && x.mode === "pass-through");
  const lat = (t: TimedRun) => {
    const v = firstLast(t);
    return [`${f1(v.firstP50)} / ${f1(v.firstP99)}`, `${f1(v.lastP50)} / ${f1(v.lastP99)}`];
  };
  const objectPerView = (r: ModeRun) => (r.mode === "personalized" ? f2(objectCpu(r)) : "–");
  return [
    "Throughput at saturation (8 connections, closed loop) and what each page cost there:",
    "",
    ...markdownTable(
      [
        "page",
        "mode",
        "req/s",
        "/ pass-through",
        "Worker CPU ms/page",
        "object CPU ms/page view",
        "object calls/page",
        "KV reads/page",
        "object SQLite rows read / written per page",
        "errors",
      ],
      runs.map((r) => [
        r.page,
        modeName(r),
        r.saturation.rps.toFixed(0),
        f2(r.saturation.rps / (passOf(r)?.saturation.rps ?? NaN)),
        f2(workerCpu(r)),
        objectPerView(r),
        f2(r.edge.doCalls),
        f2(r.edge.kvReads + r.session.kvReads),
        `${f1(r.session.sqlRowsRead)} / ${f1(r.session.sqlRowsWritten)}`,
        r.saturation.errors + r.saturation.non2xx,
      ]),
    ),
    "",
    `Latency, ms, first byte and last byte of the body, p50 / p99: one request at a time ` +
      `(${pageRuns} requests, 20 ms apart) and at a fixed ${rate} req/s (open loop, timed from ` +
      `when each request was due):`,
    "",
    ...markdownTable(
      [
        "page",
        "mode",
        "first byte, one at a time",
        "last byte, one at a time",
        `first byte, ${rate} req/s`,
        `last byte, ${rate} req/s`,
        "x-vitrine",
      ],
      runs.map((r) => [
        r.page,
        modeName(r),
        ...lat(r.oneAtATime),
        ...lat(r.atRate),
        Object.entries(r.oneAtATime.modes)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ]),
    ),
    "",
  ];
}

export function targetTable(list: readonly Target[]): string[] {
  return markdownTable(
    ["target", "measured", "limit", "met"],
    list.map((t) => [t.what, f2(t.measured), t.limit, t.met ? "yes" : "**no**"]),
  );
}

/** CPU ms per page by process, for every mode: where the time went, process by process. */
export function processTable(runs: readonly ModeRun[]): string[] {
  const roles = [...new Set(runs.flatMap((r) => Object.keys(r.cpuPerPage)))].sort();
  return markdownTable(
    ["process", ...runs.map((r) => `${r.page}, ${modeName(r)}`)],
    roles.map((role) => [role, ...runs.map((r) => f2(r.cpuPerPage[role] ?? 0))]),
  );
}

export type CostInput = {
  /** Worker CPU per unit, ms (the runtime process, measured locally). */
  workerCpuMs: number;
  workerRequests: number;
  edge: Counts;
  session: Counts;
};

/** Usage per unit from measured per-unit counts (both Workers' counters summed). */
export function usageOf(c: CostInput): Usage {
  const kv = (x: Counts) => x.kvWrites + x.kvDeletes + x.kvLists;
  const usage: Usage = {
    workerRequests: c.workerRequests,
    workerCpuMs: c.workerCpuMs,
    doRequests: c.edge.doCalls + c.session.doCalls + c.session.alarms,
    doGbSeconds: gbSeconds(c.edge.doCallMs + c.session.doCallMs),
    doSqlRowsRead: c.session.sqlRowsRead,
    doSqlRowsWritten: c.session.sqlRowsWritten,
    kvReads: c.edge.kvReads + c.session.kvReads,
    kvWrites: kv(c.edge) + kv(c.session),
    tursoRowsRead: c.edge.tursoRowsRead + c.session.tursoRowsRead,
    tursoRowsWritten: c.edge.tursoRowsWritten + c.session.tursoRowsWritten,
  };
  // A count that could not be measured (a Worker restarted) is left out, not priced at 0.
  for (const [k, v] of Object.entries(usage)) if (!Number.isFinite(v)) delete usage[k as Meter];
  return usage;
}

/** Dollars per million (or thousand) units, one column per workload, one row per meter. */
export function costTable(columns: { name: string; usage: Usage; units: number }[]): string[] {
  const costs = columns.map((c) => costOf(c.usage, c.units));
  const rows = PRICES.map((p) => [
    `${p.label} ($${p.usd} per ${p.per.toLocaleString("en")} ${p.unit})`,
    ...costs.map((c) => {
      const line = c.lines.find((l) => l.meter === p.meter);
      return line ? `${fmtQty(line.quantity)} → $${line.usd.toFixed(4)}` : "not measured";
    }),
  ]);
  rows.push(["**total**", ...costs.map((c) => `**$${c.totalUsd.toFixed(4)}**`)]);
  return markdownTable(["meter", ...columns.map((c) => c.name)], rows);
}

const fmtQty = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1);

export function priceSources(): string[] {
  return PRICES.map((p) => `- ${p.label}: ${p.source} (read ${p.read})`);
}
