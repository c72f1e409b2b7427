import type { experiments, exposures } from "../schema/index.ts";
import {
  HOLDOUT_EXPERIMENT,
  decide,
  parseConfig,
  type PersonalizationConfig,
} from "../workers/edge/decide/index.ts";
import type { TrackedEvent } from "../workers/edge/model/events.ts";
import {
  applyEvent,
  emptyJourney,
  enterSession,
  type JourneyState,
} from "../workers/edge/visitor/journey.ts";
import { demoConfigAt } from "./config/demo-config.ts";
import type { Histories } from "./histories.ts";
import { fromSeedRow } from "./seed-events.ts";

export type ExperimentRow = typeof experiments.$inferInsert;
export type ExposureRow = typeof exposures.$inferInsert;

/** The demo configuration `npm start` publishes on day `now`: the seeded exposures follow its experiments. */
export function loadDemoConfig(now: number): PersonalizationConfig {
  const parsed = parseConfig(demoConfigAt(now));
  if (!parsed.ok) throw new Error(`demo-config.json is invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.config;
}

/**
 * Experiment exposures for the seeded histories, as the Worker would have recorded them: each
 * visitor's events are replayed through the real journey reducer (the Durable Object's), and
 * every page view is decided by the real decision engine with the demo configuration, with the
 * session as it stood when the page was requested. Visitors without consent get none. Only the
 * first exposure per visitor and experiment is kept, like the exposures table's primary key.
 *
 * The seeded behaviour was generated without knowing the arms, so the seeded experiments are
 * A/A tests in effect: the dashboard should find no significant difference and no SRM.
 */
export function generateExposures(
  histories: Pick<Histories, "events" | "sessions">,
  config: PersonalizationConfig,
  now: number,
): { experiments: ExperimentRow[]; exposures: ExposureRow[] } {
  const campaignOf = new Map(histories.sessions.map((s) => [s.id, s.campaign ?? null]));
  const byVisitor = new Map<string, TrackedEvent[]>();
  histories.events.forEach((row) => {
    const list = byVisitor.get(row.visitorId) ?? [];
    list.push(fromSeedRow(row));
    byVisitor.set(row.visitorId, list);
  });
  const out: ExposureRow[] = [];
  for (const [visitorId, events] of byVisitor) {
    events.sort((a, b) => a.at - b.at);
    const seen = new Set<string>();
    let journey: JourneyState | null = null;
    for (const event of events) {
      journey ??= emptyJourney(event.sessionId ?? "seed", event.at);
      if (event.type === "page_view" && event.pageType) {
        const session = enterSession(journey, event.sessionId ?? "seed", event.at).session;
        const decision = decide(config, {
          visitorId,
          consent: { personalization: true, analytics: true, source: "cookie" },
          profile: null,
          session,
          context: {
            path: event.path ?? "/",
            query: {},
            device: event.device ?? "desktop",
            isBot: false,
            country: null,
            region: null,
            channel: event.channel ?? "direct",
            campaign: event.sessionId ? (campaignOf.get(event.sessionId) ?? null) : null,
            referrerHost: null,
            pageType: event.pageType,
            productId: event.productId,
            categoryId: event.categoryId,
            now: event.at,
            localHour: new Date(event.at).getUTCHours(),
          },
        });
        for (const e of decision.exposures) {
          if (seen.has(e.experimentId)) continue;
          seen.add(e.experimentId);
          out.push({
            experimentId: e.experimentId,
            visitorId,
            variant: e.arm,
            exposedAt: event.at,
          });
        }
      }
      journey = applyEvent(journey, event);
    }
  }
  out.sort((a, b) => a.exposedAt - b.exposedAt || (a.visitorId < b.visitorId ? -1 : 1));
  const experimentRows: ExperimentRow[] = [
    {
      id: HOLDOUT_EXPERIMENT,
      name: "Personalization vs global holdout",
      status: "running",
      definition: {
        control: "holdout",
        arms: [
          { id: "holdout", weight: config.holdout.percent / 100, variant: null },
          { id: "personalized", weight: 1 - config.holdout.percent / 100, variant: null },
        ],
      },
      createdAt: out[0]?.exposedAt ?? now,
      updatedAt: now,
    },
    ...Object.entries(config.experiments).map(([id, e]) => ({
      id,
      name: e.description ?? id,
      status: e.status,
      definition: {
        control: e.arms.find((a) => a.variant === null)?.id ?? e.arms[0]?.id ?? "control",
        ...e,
      } as Record<string, unknown>,
      createdAt: out.find((x) => x.experimentId === id)?.exposedAt ?? now,
      updatedAt: now,
    })),
  ];
  return { experiments: experimentRows, exposures: out };
}
