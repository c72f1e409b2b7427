import { markdownTable } from "../markdown-table.ts";
import type { LogEvent } from "./log-adapters.ts";
import { popularityOrder, type Method, type Params, type Scorer } from "./methods.ts";
import { temporalSplit, windows, type Case, type Unit } from "./protocol.ts";
import { bootstrapCi, caseMetrics, mean, pairedBootstrap, type CaseMetrics } from "./stats.ts";

/** The lists measured: the whole next basket, its re-bought items, its items new to the visitor. */
export const LIST_TYPES = ["next", "again", "explore"] as const;
export type ListType = (typeof LIST_TYPES)[number];

/**
 * One method's three lists for a case, with the same exclusions for every method: `next` ranks
 * every item; `again` only items the visitor bought before; `explore` no item of the history.
 * Scored items come first (highest first), then the shared popularity order; `again` ends with
 * the remaining bought items, most recent first, so every method can fill it.
 */
export function listsFor(
  scores: Map<string, number>,
  c: Case,
  fill: readonly string[],
  k: number,
): Record<ListType, string[]> {
  const ranked = [...scores]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([id]) => id);
  const inHistory = new Set(c.history.map((h) => h.item));
  const bought = c.history.filter((h) => h.boughtAt.length).map((h) => h.item);
  const boughtSet = new Set(bought);
  const take = (sources: (readonly string[])[], keep: (id: string) => boolean) => {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const src of sources)
      for (const id of src) {
        if (out.length >= k) return out;
        if (seen.has(id) || !keep(id)) continue;
        seen.add(id);
        out.push(id);
      }
    return out;
  };
  return {
    next: take([ranked, fill], () => true),
    again: take([ranked, fill, bought], (id) => boughtSet.has(id)),
    explore: take([ranked, fill], (id) => !inHistory.has(id)),
  };
}

export type ProtocolOptions = {
  unit: Unit;
  ks: number[];
  historyLimit: number;
  /** Test window = this share of the log's time span at its end; validation the same before. */
  testFraction: number;
  seed: number;
  bootstrapRounds: number;
  onProgress?: (stage: string) => void;
};

/** Per-case metrics of one method: by list type, by k, one entry per case of that list type. */
export type PerCase = Record<ListType, Record<number, CaseMetrics[]>>;

export type MethodReport = {
  method: string;
  params: Params;
  /** Next-basket Recall@k (smallest k) on validation, per grid point tried. */
  validation: { params: Params; recall: number }[];
  trainMs: number;
  perCase: PerCase;
};

export type ProtocolReport = {
  unit: Unit;
  cutoffs: { validation: number; test: number; end: number };
  cases: Record<ListType, number>;
  validationCases: number;
  trainEvents: number;
  methods: MethodReport[];
};

const relevantOf = (c: Case, t: ListType) =>
  t === "next" ? c.target : t === "again" ? c.repeat : c.explore;

function score(
  scorer: Scorer,
  cases: readonly Case[],
  fill: readonly string[],
  ks: number[],
): PerCase {
  const maxK = Math.max(...ks);
  const out = Object.fromEntries(
    LIST_TYPES.map((t) => [t, Object.fromEntries(ks.map((k) => [k, []]))]),
  ) as unknown as PerCase;
  for (const c of cases) {
    const lists = listsFor(scorer(c), c, fill, maxK);
    for (const t of LIST_TYPES) {
      const rel = relevantOf(c, t);
      if (!rel.length) continue;
      for (const k of ks) out[t][k]!.push(caseMetrics(lists[t], rel, k));
    }
  }
  return out;
}

/**
 * The next-basket protocol: parameters of each method chosen on the validation window (next
 * basket Recall at the smallest k), then each method retrained on everything before the test
 * cutoff and scored once on the test cases.
 */
export function runProtocol(
  events: readonly LogEvent[],
  methods: readonly Method[],
  o: ProtocolOptions,
): ProtocolReport {
  const w = windows(events, o.testFraction);
  const split = (cutoff: number, end: number) =>
    temporalSplit(events, {
      unit: o.unit,
      cutoff,
      end,
      historyLimit: o.historyLimit,
      seed: o.seed,
    });
  const val = split(w.valCutoff, w.testCutoff);
  const test = split(w.testCutoff, w.end);
  const valFill = popularityOrder(val.train);
  const testFill = popularityOrder(test.train);
  const k0 = Math.min(...o.ks);
  const reports: MethodReport[] = [];
  for (const m of methods) {
    const validation: MethodReport["validation"] = [];
    if (m.grid.length > 1)
      for (const params of m.grid) {
        o.onProgress?.(`${m.name}: validation ${JSON.stringify(params)}`);
        const per = score(m.build(val.train, params), val.cases, valFill, [k0]);
        validation.push({ params, recall: mean(per.next[k0]!.map((x) => x.recall)) });
      }
    const best = validation.length
      ? validation.reduce((a, b) => (b.recall > a.recall ? b : a)).params
      : m.grid[0]!;
    o.onProgress?.(`${m.name}: test ${JSON.stringify(best)}`);
    const t0 = performance.now();
    const scorer = m.build(test.train, best);
    const trainMs = performance.now() - t0;
    reports.push({
      method: m.name,
      params: { ...best, ...m.selfChosen?.(test.train) },
      validation,
      trainMs,
      perCase: score(scorer, test.cases, testFill, o.ks),
    });
  }
  const first = reports[0]?.perCase;
  return {
    unit: o.unit,
    cutoffs: { validation: w.valCutoff, test: w.testCutoff, end: w.end },
    cases: Object.fromEntries(LIST_TYPES.map((t) => [t, first?.[t][k0]!.length ?? 0])) as Record<
      ListType,
      number
    >,
    validationCases: val.cases.length,
    trainEvents: test.train.length,
    methods: reports,
  };
}

const METRICS = ["recall", "ndcg", "mrr"] as const;
const LABEL = { recall: "Recall", ndcg: "NDCG", mrr: "MRR" } as const;
const TITLE: Record<ListType, string> = {
  next: "next basket (every item of it)",
  again: "buy again (items bought before)",
  explore: "explore (items new to the visitor)",
};

/**
 * Markdown tables, one per list type: each metric's mean with its bootstrap 95% interval, and
 * for every other method the paired-bootstrap difference from `reference` on the smallest k's
 * Recall with its p-value.
 */
export function protocolTables(
  r: ProtocolReport,
  ks: number[],
  reference: string,
  rounds: number,
  seed: number,
): string {
  const k0 = Math.min(...ks);
  const ref = r.methods.find((m) => m.method === reference);
  const parts: string[] = [];
  for (const t of LIST_TYPES) {
    if (!r.cases[t]) {
      parts.push(`**${TITLE[t]}**: no cases in the test window`);
      continue;
    }
    const head = [
      "method",
      ...ks.flatMap((k) => METRICS.map((m) => `${LABEL[m]}@${k}`)),
      `Δ Recall@${k0} vs ${reference} (p)`,
    ];
    const rows = r.methods.map((m) => {
      const cells = ks.flatMap((k) =>
        METRICS.map((metric) => {
          const ci = bootstrapCi(
            m.perCase[t][k]!.map((x) => x[metric]),
            rounds,
            seed,
          );
          return `${ci.mean.toFixed(4)} [${ci.lo.toFixed(3)}, ${ci.hi.toFixed(3)}]`;
        }),
      );
      let vs = "—";
      if (ref && m !== ref) {
        const d = pairedBootstrap(
          m.perCase[t][k0]!.map((x) => x.recall),
          ref.perCase[t][k0]!.map((x) => x.recall),
          rounds,
          seed,
        );
        vs = `${d.diff >= 0 ? "+" : ""}${d.diff.toFixed(4)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}] (p${d.p <= 1 / rounds ? `≤${(1 / rounds).toFixed(3)}` : `=${d.p.toFixed(3)}`})`;
      }
      return [m.method, ...cells, vs];
    });
    parts.push(`**${TITLE[t]}**, ${r.cases[t]} cases\n\n${markdownTable(head, rows).join("\n")}`);
  }
  return parts.join("\n\n");
}
