import {
  itemKnnRanker,
  modelRanker,
  popularityRanker,
  type Ranker,
} from "../../workers/edge/recommend/baselines.ts";
import { COOCCURRENCE_DEFAULTS } from "../../workers/edge/recommend/cooccurrence.ts";
import type { Interaction } from "../../workers/edge/recommend/interactions.ts";
import {
  evaluateRankings,
  leaveLastOut,
  type EvalCase,
  type EvalResult,
} from "../../workers/edge/recommend/metrics.ts";
import { TRAIN_DEFAULTS, trainFromInteractions } from "../../workers/edge/recommend/model.ts";
import { markdownTable } from "../markdown-table.ts";

export type MethodResult = { method: string; trainMs: number; result: EvalResult };

export type EvalOptions = {
  ks: number[];
  /** Most recent distinct items of a visitor that a method may use (the edge keeps ~20-50). */
  history: number;
  /** Dense EASE on at most this many of the most popular items (0: co-occurrence only). */
  easeMaxItems: number;
  /** The production model's decay half-life and co-occurrence windows (view, cart, buy), days. */
  halfLifeDays: number;
  windowDays: [number, number, number];
  onProgress?: (method: string, done: number, total: number) => void;
};

/**
 * Leave-last-out evaluation of popularity, item-kNN and the production model (the trainer's
 * pure pipeline plus the edge's "recommended for you" scoring) on one interaction log.
 */
export function evaluateAll(
  interactions: Interaction[],
  o: EvalOptions,
): {
  cases: EvalCase[];
  items: number;
  visitors: number;
  methods: MethodResult[];
} {
  const { train, cases } = leaveLastOut(interactions, o.history);
  const items = new Set(interactions.map((i) => i.item)).size;
  const visitors = new Set(interactions.map((i) => i.visitor)).size;
  const maxK = Math.max(...o.ks, 100);
  const methods: MethodResult[] = [];
  const run = (method: string, build: () => Ranker) => {
    const t0 = performance.now();
    const rank = build();
    const trainMs = performance.now() - t0;
    const ranked: string[][] = [];
    cases.forEach((c, n) => {
      ranked.push(rank(c.history, maxK));
      if (n % 50 === 0 || n === cases.length - 1) o.onProgress?.(method, n + 1, cases.length);
    });
    methods.push({ method, trainMs, result: evaluateRankings(cases, ranked, o.ks, items) });
  };
  const popular = popularityRanker(train);
  run("popularity", () => popular);
  run("item-kNN (cosine, 100 nn)", () => itemKnnRanker(train, 100));
  run(o.easeMaxItems > 0 ? "Vitrine (co-occurrence + EASE)" : "Vitrine (co-occurrence)", () => {
    const DAY = 86_400_000;
    const model = trainFromInteractions(train, [], {
      ...TRAIN_DEFAULTS,
      cooccurrence: {
        ...COOCCURRENCE_DEFAULTS,
        halfLifeMs: o.halfLifeDays * DAY,
        windowMs: o.windowDays.map((d) => d * DAY) as [number, number, number],
      },
      ease: o.easeMaxItems > 0 ? { ...TRAIN_DEFAULTS.ease!, maxItems: o.easeMaxItems } : null,
    });
    return modelRanker(model, popular([], 200));
  });
  return { cases, items, visitors, methods };
}

/** A Markdown table: one row per method, Recall/NDCG per k, MRR, coverage per k. */
export function resultsTable(methods: MethodResult[], ks: number[]): string {
  const pct = (x: number) => x.toFixed(4);
  const head = [
    "method",
    ...ks.map((k) => `Recall@${k}`),
    ...ks.map((k) => `NDCG@${k}`),
    "MRR@100",
    ...ks.map((k) => `Coverage@${k}`),
    "train s",
  ];
  const rows = methods.map((m) => [
    m.method,
    ...ks.map((k) => pct(m.result.at[k]!.recall)),
    ...ks.map((k) => pct(m.result.at[k]!.ndcg)),
    pct(m.result.mrr),
    ...ks.map((k) => pct(m.result.at[k]!.coverage)),
    (m.trainMs / 1000).toFixed(1),
  ]);
  return markdownTable(head, rows).join("\n");
}
