import type { ExperimentReport } from "../../analytics/experiments/analyze.ts";
import type { ExperimentListing } from "../../analytics/queries/experiment-results.ts";
import { posteriorMean } from "../../analytics/stats/bayesian.ts";
import { betaDensity } from "../../analytics/stats/special-functions.ts";
import { CurveChart, IntervalChart, LineChart, PALETTE } from "../charts.tsx";
import { date, integer, money, percent, pValue, signedPercent } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

export const GOALS = [
  "purchase",
  "add_to_cart",
  "checkout_step",
  "slot_click",
  "newsletter_signup",
];

function SrmBadge(props: { report: ExperimentReport }) {
  const srm = props.report.srm;
  if (!srm) return <span class="badge">no data</span>;
  return srm.mismatch ? (
    <span class="badge warn" data-srm="mismatch">
      sample-ratio mismatch (p = {pValue(srm.pValue)})
    </span>
  ) : (
    <span class="badge ok" data-srm="ok">
      split as configured (p = {pValue(srm.pValue)})
    </span>
  );
}

export function ExperimentsPage(props: {
  items: { listing: ExperimentListing; report: ExperimentReport }[];
  goal: string;
}) {
  return (
    <Layout title="Experiments" active="/experiments">
      <GoalPicker goal={props.goal} action={href("/experiments")} />
      {props.items.length === 0 ? (
        <p class="notice">No experiment in the active configuration or in Turso yet.</p>
      ) : (
        <div class="panel">
          <table>
            <thead>
              <tr>
                <th>Experiment</th>
                <th>Status</th>
                <th class="num">Visitors</th>
                <th>Arms (conversion, chance to be best)</th>
                <th>Sample ratio</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map(({ listing, report }) => (
                <tr data-experiment={listing.id}>
                  <td>
                    <a
                      href={href(
                        `/experiments/${encodeURIComponent(listing.id)}?goal=${props.goal}`,
                      )}
                    >
                      {listing.name}
                    </a>
                    <div class="muted">
                      <code>{listing.id}</code>
                    </div>
                  </td>
                  <td>{listing.status}</td>
                  <td class="num" data-visitors={String(report.exposures.counted)}>
                    {integer(report.exposures.counted)}
                  </td>
                  <td>
                    {report.arms.map((a) => (
                      <div>
                        <strong>{a.arm}</strong>: {integer(a.visitors)} ·{" "}
                        {percent(a.conversionRate, 2)} · {percent(a.chanceToBeBest)}
                      </div>
                    ))}
                  </td>
                  <td>
                    <SrmBadge report={report} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Methods />
    </Layout>
  );
}

function GoalPicker(props: { goal: string; action: string }) {
  return (
    <form method="get" action={props.action} class="inline">
      <label>
        Conversion goal:{" "}
        <select name="goal">
          {GOALS.map((g) => (
            <option value={g} selected={g === props.goal}>
              {g}
            </option>
          ))}
        </select>
      </label>{" "}
      <button class="secondary" type="submit">
        Show
      </button>
    </form>
  );
}

function densityCurves(report: ExperimentReport) {
  const arms = report.arms.filter((a) => a.visitors > 0);
  if (arms.length === 0) return [];
  const sds = arms.map((a) => {
    const { alpha, beta } = a.posterior;
    const n = alpha + beta;
    const m = alpha / n;
    return { m, sd: Math.sqrt((m * (1 - m)) / (n + 1)) };
  });
  const lo = Math.max(0, Math.min(...sds.map((s) => s.m - 4 * s.sd)));
  const hi = Math.min(1, Math.max(...sds.map((s) => s.m + 4 * s.sd)));
  return arms.map((a) => ({
    name: a.arm,
    points: Array.from({ length: 121 }, (_, i): [number, number] => {
      const x = lo + ((hi - lo) * i) / 120;
      return [x, betaDensity(x, a.posterior.alpha, a.posterior.beta)];
    }),
  }));
}

export function ExperimentPage(props: {
  listing: ExperimentListing;
  report: ExperimentReport;
  goal: string;
}) {
  const { listing, report } = props;
  const treatments = report.arms.filter((a) => !a.isControl && a.conversion);
  const level = `${Math.round((1 - report.alpha) * 100)}%`;
  return (
    <Layout title={listing.name} active="/experiments">
      <p>
        <code>{listing.id}</code> · {listing.status} · control <strong>{report.control}</strong> ·{" "}
        <SrmBadge report={report} />
      </p>
      <GoalPicker
        goal={props.goal}
        action={href(`/experiments/${encodeURIComponent(listing.id)}`)}
      />
      {report.srm?.mismatch ? (
        <p class="notice error">
          The arms did not receive the configured shares of visitors (χ² ={" "}
          {report.srm.chiSquare.toFixed(2)}, df {report.srm.df}). Assignment or logging is broken;
          do not trust the results below.
        </p>
      ) : null}
      <p class="muted">
        Visitors counted: {integer(report.exposures.counted)} (first exposure each; repeated
        exposures ignored: {integer(report.exposures.duplicates)}; visitors seen in two arms
        dropped: {integer(report.exposures.crossovers)}; bots dropped:{" "}
        {integer(report.exposures.bots)}).
      </p>
      <div class="panel">
        <h2>Results per arm (goal: {report.goal})</h2>
        <table>
          <thead>
            <tr>
              <th>Arm</th>
              <th class="num">Weight</th>
              <th class="num">Visitors</th>
              <th class="num">Converted</th>
              <th class="num">Conversion (95% CrI)</th>
              <th class="num">Revenue / visitor</th>
              <th class="num">Uplift ({level} CI)</th>
              <th class="num">Chance to beat control</th>
              <th class="num">Expected loss</th>
              <th class="num">Always-valid p</th>
              <th class="num">Fixed-horizon p</th>
            </tr>
          </thead>
          <tbody>
            {report.arms.map((a) => (
              <tr data-arm={a.arm}>
                <td>
                  <strong>{a.arm}</strong>
                  {a.isControl ? <span class="muted"> (control)</span> : null}
                </td>
                <td class="num">{percent(a.weight, 0)}</td>
                <td class="num">{integer(a.visitors)}</td>
                <td class="num">{integer(a.converters)}</td>
                <td class="num">
                  {percent(a.conversionRate, 2)}
                  <div class="muted">
                    {percent(a.conversionInterval[0], 2)} – {percent(a.conversionInterval[1], 2)}
                  </div>
                </td>
                <td class="num">{money(a.revenuePerVisitorCents)}</td>
                <td class="num">
                  {a.conversion ? (
                    <>
                      {signedPercent(a.conversion.comparison.relative)}
                      <div class="muted">
                        {signedPercent(a.conversion.comparison.relativeInterval[0])} to{" "}
                        {signedPercent(a.conversion.comparison.relativeInterval[1])}
                      </div>
                    </>
                  ) : (
                    "–"
                  )}
                </td>
                <td
                  class="num"
                  data-chance={a.conversion ? a.conversion.chanceToBeatControl.toFixed(4) : ""}
                >
                  {a.conversion ? percent(a.conversion.chanceToBeatControl) : "–"}
                </td>
                <td class="num">{a.conversion ? percent(a.conversion.expectedLoss, 3) : "–"}</td>
                <td class="num">{a.conversion ? pValue(a.conversion.sequential.pValue) : "–"}</td>
                <td class="num">{a.conversion ? pValue(a.conversion.comparison.pValue) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Revenue per visitor against control</h2>
        <table>
          <thead>
            <tr>
              <th>Arm</th>
              <th class="num">Revenue</th>
              <th class="num">Difference / visitor ({level} CI)</th>
              <th class="num">Chance to beat control</th>
              <th class="num">Expected loss / visitor</th>
              <th class="num">Always-valid p</th>
            </tr>
          </thead>
          <tbody>
            {report.arms.map((a) => (
              <tr>
                <td>{a.arm}</td>
                <td class="num">{money(a.revenueCents)}</td>
                <td class="num">
                  {a.revenue ? (
                    <>
                      {money(a.revenue.comparison.delta)}
                      <div class="muted">
                        {money(a.revenue.comparison.deltaInterval[0])} to{" "}
                        {money(a.revenue.comparison.deltaInterval[1])}
                      </div>
                    </>
                  ) : (
                    "–"
                  )}
                </td>
                <td class="num">{a.revenue ? percent(a.revenue.chanceToBeatControl) : "–"}</td>
                <td class="num">{a.revenue ? money(a.revenue.expectedLoss) : "–"}</td>
                <td class="num">{a.revenue ? pValue(a.revenue.sequential.pValue) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {treatments.length > 0 ? (
        <div class="grid2">
          <div class="panel">
            <h2>Relative uplift in conversion</h2>
            <IntervalChart
              title={`Relative uplift against ${report.control} with ${level} intervals`}
              rows={treatments.map((a) => ({
                label: a.arm,
                estimate: a.conversion!.comparison.relative,
                lo: a.conversion!.comparison.relativeInterval[0],
                hi: a.conversion!.comparison.relativeInterval[1],
              }))}
              format={(v) => signedPercent(v, 0)}
            />
            <h2>Always-valid interval on the difference</h2>
            <IntervalChart
              title="Confidence sequence on the difference in conversion rate"
              rows={treatments.map((a) => ({
                label: a.arm,
                estimate: a.conversion!.sequential.delta,
                lo: a.conversion!.sequential.interval[0],
                hi: a.conversion!.sequential.interval[1],
              }))}
              format={(v) => signedPercent(v, 1)}
            />
          </div>
          <div class="panel">
            <h2>Posterior of the conversion rate</h2>
            <CurveChart
              title="Beta posterior densities per arm"
              curves={densityCurves(report)}
              xFormat={(x) => percent(x, 2)}
            />
            <p class="muted">
              Posterior means:{" "}
              {report.arms
                .map((a) => `${a.arm} ${percent(posteriorMean(a.posterior), 2)}`)
                .join(", ")}
            </p>
          </div>
          <div class="panel">
            <h2>Cumulative conversion per day</h2>
            <LineChart
              title="Cumulative conversion rate per arm"
              series={report.arms.map((a) => ({
                name: a.arm,
                points: report.timeline.map((t): [number, number] => [
                  t.at,
                  t.arms.find((x) => x.arm === a.arm)?.conversionRate ?? 0,
                ]),
              }))}
              xFormat={date}
              yFormat={(y) => percent(y, 1)}
            />
          </div>
          <div class="panel">
            <h2>Always-valid p-value over time</h2>
            <LineChart
              title="Always-valid p-value against control"
              series={treatments.map((a) => ({
                name: a.arm,
                color: PALETTE[report.arms.indexOf(a) % PALETTE.length],
                points: report.timeline.map((t): [number, number] => [
                  t.at,
                  t.arms.find((x) => x.arm === a.arm)?.pValue ?? 1,
                ]),
              }))}
              xFormat={date}
              yFormat={(y) => y.toFixed(2)}
              yMax={1}
              reference={{ y: report.alpha, label: `α = ${report.alpha}` }}
            />
          </div>
        </div>
      ) : (
        <p class="notice">Not enough visitors in control and a treatment arm to compare yet.</p>
      )}
      <Methods tau={report.tau} />
    </Layout>
  );
}

function Methods(props: { tau?: ExperimentReport["tau"] }) {
  return (
    <div class="panel muted">
      <h2>How to read this</h2>
      <ul>
        <li>
          A visitor counts once per experiment, from their first exposure; conversions and revenue
          count only after it. Visitors seen in two arms and bots are left out.
        </li>
        <li>
          <strong>Chance to beat control</strong> and <strong>expected loss</strong>: Beta-Binomial
          model with a uniform prior (exact for conversion); revenue uses a normal approximation.
          Expected loss is what you give up, per visitor, if you ship the arm and it is in fact
          worse.
        </li>
        <li>
          <strong>Always-valid p</strong>: mixture sequential probability ratio test (mSPRT, normal
          mixture{props.tau ? `, τ = ${percent(props.tau.conversion, 3)} for conversion` : ""}). You
          may look every day and stop as soon as it is below α; the false-positive rate stays at α.
        </li>
        <li>
          <strong>Fixed-horizon p</strong> and the uplift interval (Welch, delta method) are valid
          only at a sample size fixed in advance: do not stop early on them.
        </li>
        <li>
          <strong>Sample ratio</strong>: chi-square test of visitors per arm against the configured
          weights; p &lt; 0.001 flags a mismatch.
        </li>
      </ul>
    </div>
  );
}
