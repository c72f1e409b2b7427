import type { RunMetrics } from "../../../schema/index.ts";

/**
 * A run that published something degenerate (an empty ranking, a model without pairs): the
 * job did not fail, but what it published makes modules vanish. Its warnings are kept in the
 * run's metrics under `warnings`.
 */
export const DEGRADED = "degraded";

/** The recommendation model's size as the trainer measured it before publishing. */
export type ModelSize = { items: number; pairs: number };

/** What makes a published recommendation model degenerate; empty: the model is usable. */
export function modelWarnings({ items, pairs }: ModelSize): string[] {
  if (items === 0) return ["the published model has no items"];
  if (pairs === 0)
    return ["the published model has no item pairs: every list falls back to popularity"];
  return [];
}

/** The warnings a run recorded (none for runs recorded without them). */
export function warningsOf(metrics: RunMetrics | null | undefined): string[] {
  const w = metrics?.warnings;
  return Array.isArray(w) ? w.filter((x): x is string => typeof x === "string") : [];
}

/** `job: warning` for each warning of each job's latest publishing run, for the health check. */
export function degradedJobs(runs: { job: string; metrics: RunMetrics | null }[]): string[] {
  return runs.flatMap((r) => warningsOf(r.metrics).map((w) => `${r.job}: ${w}`));
}
