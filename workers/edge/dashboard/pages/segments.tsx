import type { Count, SegmentSizes } from "../../analytics/queries/segments-query.ts";
import { BarChart } from "../charts.tsx";
import { integer, percent } from "../format.ts";
import { Layout, RangePicker } from "../layout.tsx";
import { href } from "../paths.ts";

function Sizes(props: { title: string; rows: Count[]; empty: string }) {
  const total = props.rows.reduce((s, r) => s + r.count, 0);
  return (
    <div class="panel">
      <h2>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <BarChart
          title={props.title}
          rows={props.rows.map((r) => ({
            label: r.key,
            value: r.count,
            note: `(${percent(total ? r.count / total : 0)})`,
          }))}
          format={integer}
        />
      )}
    </div>
  );
}

export function SegmentsPage(props: { data: SegmentSizes; days: number }) {
  const d = props.data;
  return (
    <Layout title="Buyer modes and segments" active="/segments">
      <RangePicker days={props.days} action={href("/segments")} />
      <p class="muted">
        Profiles are written by each visitor's Durable Object; visitors without one yet are counted
        as "(no profile yet)". Devices and channels are for visits in the period.
      </p>
      <div class="grid2">
        <Sizes title="Buyer modes (top mode)" rows={d.buyerModes} empty="No visitors yet." />
        <Sizes title="Segments" rows={d.segments} empty="No profile carries segments yet." />
        <Sizes title="Lifecycle" rows={d.lifecycles} empty="No visitors yet." />
        <Sizes title="Value tier" rows={d.valueTiers} empty="No visitors yet." />
        <Sizes
          title="Customer segments"
          rows={d.customerSegments}
          empty="No customer segments computed yet."
        />
        <Sizes title="Devices (visitors)" rows={d.devices} empty="No visits in the period." />
        <Sizes title="Channels (visits)" rows={d.channels} empty="No visits in the period." />
        <div class="panel">
          <h2>Gift buyers</h2>
          <p>
            <strong>{integer(d.giftBuyers)}</strong> buyers placed a gift order in the period.
          </p>
        </div>
      </div>
    </Layout>
  );
}
