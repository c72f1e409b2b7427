import type { modelVersions, trainingRuns } from "../../../../schema/index.ts";
import { dateTime, integer } from "../format.ts";
import { Layout } from "../layout.tsx";
import { DEGRADED, warningsOf } from "../../scheduled/run-warnings.ts";

type Model = typeof modelVersions.$inferSelect;
type Run = typeof trainingRuns.$inferSelect;

/** Numeric metrics as `k=v`; a run's warnings are shown on their own (see RunOutcome). */
const metrics = (m: Record<string, number | string[]> | null) =>
  m
    ? Object.entries(m)
        .flatMap(([k, v]) =>
          typeof v === "number" ? [`${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`] : [],
        )
        .join(", ")
    : "–";

const RUN_BADGE: Record<string, string> = { succeeded: "ok", failed: "warn", [DEGRADED]: "warn" };

/** A run's error, else its warnings (a degraded run published something degenerate) and metrics. */
function RunOutcome({ run }: { run: Run }) {
  if (run.error) return <span class="bad">{run.error}</span>;
  const warnings = warningsOf(run.metrics);
  return (
    <>
      {warnings.map((w) => (
        <div class="bad">⚠ {w}</div>
      ))}
      {metrics(run.metrics)}
    </>
  );
}

export function ModelsPage(props: { models: Model[]; runs: Run[] }) {
  return (
    <Layout title="Models and training runs" active="/models">
      <div class="panel">
        <h2>Model versions</h2>
        {props.models.length === 0 ? (
          <p class="muted">No recommendation model has been trained yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Version</th>
                <th>Status</th>
                <th class="num">Items</th>
                <th>Offline metrics</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {props.models.map((m) => (
                <tr>
                  <td>
                    <code>{m.version}</code>
                  </td>
                  <td>
                    <span
                      class={`badge ${m.status === "published" ? "ok" : m.status === "rejected" ? "warn" : ""}`}
                    >
                      {m.status}
                    </span>
                  </td>
                  <td class="num">{integer(m.items)}</td>
                  <td>{metrics(m.metrics)}</td>
                  <td>{dateTime(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="panel">
        <h2>Training and ranking runs</h2>
        {props.runs.length === 0 ? (
          <p class="muted">No job has run yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Run</th>
                <th>Job</th>
                <th>Status</th>
                <th>Started</th>
                <th>Finished</th>
                <th class="num">Events read</th>
                <th>Model</th>
                <th>Metrics / error</th>
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => (
                <tr>
                  <td>
                    <code>{r.id}</code>
                  </td>
                  <td>{r.job}</td>
                  <td>
                    <span class={`badge ${RUN_BADGE[r.status] ?? ""}`}>{r.status}</span>
                  </td>
                  <td>{dateTime(r.startedAt)}</td>
                  <td>{dateTime(r.finishedAt)}</td>
                  <td class="num">{integer(r.eventsRead)}</td>
                  <td>{r.modelVersion ?? "–"}</td>
                  <td>
                    <RunOutcome run={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  );
}
