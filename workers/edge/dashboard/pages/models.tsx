import type { modelVersions, trainingRuns } from "../../../../schema/index.ts";
import { dateTime, integer } from "../format.ts";
import { Layout } from "../layout.tsx";

type Model = typeof modelVersions.$inferSelect;
type Run = typeof trainingRuns.$inferSelect;

const metrics = (m: Record<string, number> | null) =>
  m
    ? Object.entries(m)
        .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
        .join(", ")
    : "–";

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
                    <span
                      class={`badge ${r.status === "succeeded" ? "ok" : r.status === "failed" ? "warn" : ""}`}
                    >
                      {r.status}
                    </span>
                  </td>
                  <td>{dateTime(r.startedAt)}</td>
                  <td>{dateTime(r.finishedAt)}</td>
                  <td class="num">{integer(r.eventsRead)}</td>
                  <td>{r.modelVersion ?? "–"}</td>
                  <td>{r.error ? <span class="bad">{r.error}</span> : metrics(r.metrics)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Layout>
  );
}
