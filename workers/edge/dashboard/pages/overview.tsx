import type { Overview } from "../../analytics/queries/overview-query.ts";
import { LineChart } from "../charts.tsx";
import { date, integer, money, percent } from "../format.ts";
import { Card, Layout, RangePicker } from "../layout.tsx";
import { href } from "../paths.ts";

export function OverviewPage(props: { data: Overview; days: number }) {
  const d = props.data;
  const conversion = d.activeVisitors ? d.buyers / d.activeVisitors : 0;
  return (
    <Layout title="Overview" active="">
      <RangePicker days={props.days} action={href("")} />
      <div class="cards" style="margin-top:12px">
        <Card
          label="Visitors (period)"
          value={integer(d.activeVisitors)}
          note={`${integer(d.knownVisitors)} known in all`}
        />
        <Card
          label="Personalized share"
          value={percent(d.activeVisitors ? d.personalizedVisitors / d.activeVisitors : 0)}
          note={`${integer(d.personalizedVisitors)} visitors saw personalization`}
        />
        <Card
          label="Consent to personalize"
          value={percent(d.consentShare)}
          note="latest choice per visitor"
        />
        <Card
          label="Conversion"
          value={percent(conversion, 2)}
          note={`${integer(d.buyers)} buyers`}
        />
        <Card label="Orders" value={integer(d.orders)} note={`${integer(d.sessions)} visits`} />
        <Card
          label="Revenue"
          value={money(d.revenueCents)}
          note={`${money(d.activeVisitors ? d.revenueCents / d.activeVisitors : 0)} per visitor`}
        />
      </div>
      <div class="grid2">
        <div class="panel">
          <h2>Visitors per day</h2>
          <LineChart
            title="Visitors and visits per day"
            series={[
              { name: "visitors", points: d.daily.map((r) => [r.day, r.visitors]) },
              { name: "visits", points: d.daily.map((r) => [r.day, r.sessions]), dashed: true },
            ]}
            xFormat={date}
            yFormat={(y) => integer(y)}
          />
        </div>
        <div class="panel">
          <h2>Revenue per day</h2>
          <LineChart
            title="Revenue per day"
            series={[{ name: "revenue", points: d.daily.map((r) => [r.day, r.revenueCents]) }]}
            xFormat={date}
            yFormat={(y) => money(y).replace(/\.00$/, "")}
          />
        </div>
      </div>
    </Layout>
  );
}
