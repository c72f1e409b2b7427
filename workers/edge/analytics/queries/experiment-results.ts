import { sql } from "drizzle-orm";
import { experiments } from "../../../../schema/index.ts";
import type { Db } from "../../db/client.ts";
import type { PersonalizationConfig } from "../../decide/index.ts";
import { HOLDOUT_EXPERIMENT } from "../../decide/index.ts";
import {
  analyzeExperiment,
  type ExperimentReport,
  type ExperimentSpec,
  type OutcomeEvent,
} from "../experiments/analyze.ts";
import {
  botVisitors,
  type ExposureRecord,
  type VisitorActivity,
} from "../experiments/exposures.ts";

export type ExperimentListing = ExperimentSpec & {
  name: string;
  status: string;
  /** Where the definition came from: the active config, or only Turso's record. */
  source: "config" | "turso";
};

type Arm = { id?: unknown; weight?: unknown; variant?: unknown };

function specFrom(id: string, definition: Record<string, unknown>): ExperimentSpec | null {
  const arms = Array.isArray(definition.arms) ? (definition.arms as Arm[]) : [];
  const parsed = arms
    .filter((a) => typeof a.id === "string")
    .map((a) => ({ id: a.id as string, weight: typeof a.weight === "number" ? a.weight : 0 }));
  if (parsed.length === 0) return null;
  const control =
    typeof definition.control === "string"
      ? definition.control
      : ((arms.find((a) => a.variant === null)?.id as string | undefined) ?? parsed[0]!.id);
  return { id, control, arms: parsed };
}

/**
 * Experiments to report: the active config's (authoritative arms and weights), the global
 * holdout, and any experiment Turso remembers (stopped ones dropped from the config).
 */
export async function listExperiments(
  db: Db,
  config: PersonalizationConfig | null,
): Promise<ExperimentListing[]> {
  const out = new Map<string, ExperimentListing>();
  if (config) {
    const p = config.holdout.percent / 100;
    out.set(HOLDOUT_EXPERIMENT, {
      id: HOLDOUT_EXPERIMENT,
      control: "holdout",
      arms: [
        { id: "holdout", weight: p },
        { id: "personalized", weight: 1 - p },
      ],
      name: "Personalization vs global holdout",
      status: config.enabled ? "running" : "stopped",
      source: "config",
    });
    for (const [id, e] of Object.entries(config.experiments)) {
      const spec = specFrom(id, e as unknown as Record<string, unknown>)!;
      out.set(id, { ...spec, name: e.description ?? id, status: e.status, source: "config" });
    }
  }
  const rows = await db.select().from(experiments);
  for (const row of rows) {
    if (out.has(row.id)) continue;
    const spec = specFrom(row.id, row.definition);
    if (spec) out.set(row.id, { ...spec, name: row.name, status: row.status, source: "turso" });
  }
  return [...out.values()];
}

// Exposures come from the exposures table and from page views that carry them in their
// payload (the Durable Object records both); the analysis deduplicates across the two.
const exposedVisitors = (experimentId: string) => sql`
  SELECT visitor_id FROM exposures WHERE experiment_id = ${experimentId}
  UNION
  SELECT e.visitor_id FROM events e, json_each(e.payload, '$.exposures') x
  WHERE e.type = 'page_view' AND json_extract(x.value, '$.experiment') = ${experimentId}`;

/** Raw exposures, outcome events and bot signals for one experiment, then the analysis. */
export async function experimentReport(
  db: Db,
  spec: ExperimentSpec,
  options: { goal: string; until: number },
): Promise<ExperimentReport> {
  const [table, fromEvents, outcomes, activity] = await Promise.all([
    db.all<{ visitor_id: string; variant: string; exposed_at: number }>(sql`
      SELECT visitor_id, variant, exposed_at FROM exposures WHERE experiment_id = ${spec.id}`),
    db.all<{ visitor_id: string; arm: string; at: number; n: number }>(sql`
      SELECT e.visitor_id, json_extract(x.value, '$.arm') AS arm, min(e.occurred_at) AS at,
        count(*) AS n
      FROM events e, json_each(e.payload, '$.exposures') x
      WHERE e.type = 'page_view' AND json_extract(x.value, '$.experiment') = ${spec.id}
      GROUP BY e.visitor_id, arm`),
    db.all<{ visitor_id: string; type: string; occurred_at: number; value_cents: number | null }>(
      sql`
      SELECT visitor_id, type, occurred_at, value_cents FROM events
      WHERE type IN (${options.goal}, 'purchase') AND occurred_at <= ${options.until}
        AND visitor_id IN (${exposedVisitors(spec.id)})`,
    ),
    db.all<{
      visitor_id: string;
      views: number;
      first_at: number;
      last_at: number;
      flagged: number;
    }>(
      sql`
      SELECT visitor_id, count(*) AS views, min(occurred_at) AS first_at,
        max(occurred_at) AS last_at,
        max(coalesce(json_extract(payload, '$.bot'), 0)) AS flagged
      FROM events WHERE type = 'page_view' AND visitor_id IN (${exposedVisitors(spec.id)})
      GROUP BY visitor_id`,
    ),
  ]);
  const exposures: ExposureRecord[] = [
    ...table.map((r) => ({
      experimentId: spec.id,
      visitorId: r.visitor_id,
      arm: r.variant,
      at: Number(r.exposed_at),
    })),
    ...fromEvents.map((r) => ({
      experimentId: spec.id,
      visitorId: r.visitor_id,
      arm: String(r.arm),
      at: Number(r.at),
      count: Number(r.n),
    })),
  ];
  const events: OutcomeEvent[] = outcomes.map((r) => ({
    visitorId: r.visitor_id,
    type: r.type,
    at: Number(r.occurred_at),
    valueCents: Number(r.value_cents ?? 0),
  }));
  const bots = botVisitors(
    activity.map((r): VisitorActivity => ({
      visitorId: r.visitor_id,
      pageViews: Number(r.views),
      firstAt: Number(r.first_at),
      lastAt: Number(r.last_at),
      flagged: Number(r.flagged) === 1,
    })),
  );
  return analyzeExperiment(spec, exposures, events, { ...options, bots });
}
