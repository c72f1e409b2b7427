import type { RunFlags } from "../../analytics/queries/recommendations-query.ts";
import type { SlotPerformance } from "../../analytics/recommendations/click-through.ts";
import { BarChart } from "../charts.tsx";
import { dateTime, integer, percent } from "../format.ts";
import { Layout, RangePicker } from "../layout.tsx";
import { href } from "../paths.ts";

export function RecommendationsPage(props: {
  rows: SlotPerformance[];
  days: number;
  flags?: RunFlags[];
}) {
  const shown = props.rows.filter((r) => r.impressions > 0);
  return (
    <Layout title="Recommendation performance" active="/recommendations">
      <RangePicker days={props.days} action={href("/recommendations")} />
      <p class="muted">
        Impressions: personalized page views that rendered the slot variant. Clicks: the tracker's{" "}
        <code>slot_click</code> events on injected modules. Interval: 95% credible interval of the
        click-through rate.
      </p>
      {props.rows.length === 0 ? (
        <p class="notice">No slot impressions or clicks recorded in this period yet.</p>
      ) : (
        <>
          <div class="panel">
            <h2>Click-through by slot variant</h2>
            <BarChart
              title="Click-through rate by slot variant"
              rows={shown.map((r) => ({ label: `${r.slot}: ${r.variant}`, value: r.ctr }))}
              format={(v) => percent(v, 2)}
            />
          </div>
          <div class="panel">
            <table>
              <thead>
                <tr>
                  <th>Slot</th>
                  <th>Variant</th>
                  <th class="num">Impressions</th>
                  <th class="num">Clicks</th>
                  <th class="num">CTR</th>
                  <th class="num">95% interval</th>
                </tr>
              </thead>
              <tbody>
                {props.rows.map((r) => (
                  <tr data-slot={r.slot} data-variant={r.variant}>
                    <td>{r.slot}</td>
                    <td>{r.variant}</td>
                    <td class="num">{integer(r.impressions)}</td>
                    <td class="num" data-clicks={String(r.clicks)}>
                      {integer(r.clicks)}
                    </td>
                    <td class="num">{percent(r.ctr, 2)}</td>
                    <td class="num">
                      {percent(r.interval[0], 2)} – {percent(r.interval[1], 2)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <FlaggedPairs runs={props.flags ?? []} />
    </Layout>
  );
}

/**
 * Item pairs whose co-views jumped in a training run, or that new visitor ids pushed and the
 * trainer held back: a campaign, or someone trying to place a product next to a popular one.
 */
function FlaggedPairs(props: { runs: RunFlags[] }) {
  return (
    <div class="panel" id="reco-flags">
      <h2>Flagged co-views</h2>
      {props.runs.length === 0 ? (
        <p class="muted">No training run in this period flagged a jump in co-views.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Training run</th>
              <th>Item pair</th>
            </tr>
          </thead>
          <tbody>
            {props.runs.flatMap((run) =>
              run.flags.map((flag) => (
                <tr data-flag>
                  <td>{dateTime(run.runAt)}</td>
                  <td>{flag}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}
