/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { GroupedBarChart } from "../../workers/edge/dashboard/charts.tsx";

export type LatencyRow = { name: string; p50: number; p90: number; p99: number };

/** The bench's latencies as a standalone SVG file, drawn by the dashboard's own chart. */
export async function latencySvg(title: string, rows: readonly LatencyRow[]): Promise<string> {
  const chart = (
    <GroupedBarChart
      title={title}
      groups={rows.map((r) => ({ label: r.name, values: [r.p50, r.p90, r.p99] }))}
      seriesNames={["p50", "p90", "p99"]}
      format={(v) => `${v} ms`}
    />
  );
  const svg = String(chart);
  // A file on its own needs the SVG namespace that inline SVG in HTML does without.
  return svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ');
}
