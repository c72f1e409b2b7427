import {
  MODEL_LABELS,
  MODELS,
  type AttributionReport,
  type AttributionTable,
} from "../../analytics/attribution/attribution.ts";
import { GroupedBarChart } from "../charts.tsx";
import { integer, money, percent } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

const DAY = 86_400_000;

function ModelTable(props: { table: AttributionTable; dimension: string; limit?: number }) {
  const rows = props.table.rows.slice(0, props.limit ?? props.table.rows.length);
  return (
    <table data-dimension={props.dimension}>
      <thead>
        <tr>
          <th>{props.dimension}</th>
          {MODELS.map((m) => (
            <th class="num">{MODEL_LABELS[m]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr data-key={r.key}>
            <td>{r.key}</td>
            {MODELS.map((m) => (
              <td class="num" data-model={m} data-cents={String(r.cents[m])}>
                {money(r.cents[m])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th>Total</th>
          {MODELS.map((m) => (
            <th
              class="num"
              data-model={m}
              data-total={String(props.table.rows.reduce((s, r) => s + r.cents[m], 0))}
            >
              {money(props.table.rows.reduce((s, r) => s + r.cents[m], 0))}
            </th>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}

export function AttributionPage(props: {
  report: AttributionReport;
  days: number;
  lookbackDays: number;
}) {
  const r = props.report;
  return (
    <Layout title="Attribution" active="/attribution">
      <form method="get" action={href("/attribution")} class="inline">
        <label>
          Orders from the last{" "}
          <select name="days">
            {[7, 30, 90, 180, 365].map((d) => (
              <option value={String(d)} selected={d === props.days}>
                {d} days
              </option>
            ))}
          </select>
        </label>{" "}
        <label>
          look-back window{" "}
          <select name="lookback">
            {[7, 14, 30, 60, 90].map((d) => (
              <option value={String(d)} selected={d === props.lookbackDays}>
                {d} days
              </option>
            ))}
          </select>
        </label>{" "}
        <button class="secondary" type="submit">
          Show
        </button>
      </form>
      <div class="cards" style="margin-top:12px">
        <div class="card">
          <div class="label">Orders</div>
          <div class="value">{integer(r.orders)}</div>
        </div>
        <div class="card">
          <div class="label">Revenue</div>
          <div class="value" data-revenue={String(r.totalCents)}>
            {money(r.totalCents)}
          </div>
        </div>
        <div class="card">
          <div class="label">Cross-device journeys</div>
          <div class="value" data-cross-device={String(r.crossDevice.orders)}>
            {percent(r.crossDevice.share)}
          </div>
          <div class="muted">
            {integer(r.crossDevice.orders)} orders, {money(r.crossDevice.cents)}
          </div>
        </div>
        <div class="card">
          <div class="label">Touches per order</div>
          <div class="value">{r.averageTouches.toFixed(1)}</div>
        </div>
      </div>
      <div class="panel">
        <h2>Revenue credited to each channel, by model</h2>
        <GroupedBarChart
          title="Revenue by channel under each attribution model"
          groups={r.byChannel.rows.map((row) => ({
            label: row.key,
            values: MODELS.map((m) => row.cents[m]),
          }))}
          seriesNames={MODELS.map((m) => MODEL_LABELS[m])}
          format={(v) => money(v).replace(/\.00$/, "")}
        />
        <ModelTable table={r.byChannel} dimension="Channel" />
      </div>
      <div class="panel">
        <h2>By campaign (top 25)</h2>
        <ModelTable table={r.byCampaign} dimension="Campaign" limit={25} />
      </div>
      <div class="panel muted">
        <h2>Models</h2>
        <ul>
          <li>
            Touches are visits (their entry channel and campaign) of the buyer's journey in the{" "}
            {Math.round(r.options.lookbackMs / DAY)} days before the order; a logged-in customer's
            journey spans all their devices.
          </li>
          <li>
            Last click and first click give the whole order to one visit; linear splits it evenly.
          </li>
          <li>
            Time decay halves a visit's weight for every {Math.round(r.options.halfLifeMs / DAY)}{" "}
            days it lies before the order.
          </li>
          <li>
            Position based gives 40% to the first and the last visit and shares 20% among the ones
            in between.
          </li>
          <li>
            Shares are whole cents (largest remainder), so every column adds up exactly to revenue.
          </li>
        </ul>
      </div>
    </Layout>
  );
}
