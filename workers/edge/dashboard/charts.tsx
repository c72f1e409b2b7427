/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The pragma: the Node bench (dev/bench/report-chart.tsx) draws these too, outside the Worker build.
/**
 * Hand-written SVG charts: no script, no external library, rendered on the server with the
 * page. Each chart has a <title> and a text fallback in the surrounding table, so it reads
 * without the picture too.
 */
import type { Child } from "hono/jsx";

export const PALETTE = [
  "#2563eb",
  "#d97706",
  "#059669",
  "#dc2626",
  "#7c3aed",
  "#0891b2",
  "#64748b",
];
const color = (i: number) => PALETTE[i % PALETTE.length]!;

const WIDTH = 640;
const FONT = 11;

/** Rounds an axis maximum up to 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (value <= m * power) return m * power;
  return 10 * power;
}

function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

type Bar = { label: string; value: number; note?: string };

/** Horizontal bars, one per row, longest scale first as given. */
export function BarChart(props: { title: string; rows: Bar[]; format: (v: number) => string }) {
  const rowHeight = 22;
  const left = 170;
  const right = 90;
  const height = props.rows.length * rowHeight + 8;
  const max = Math.max(0, ...props.rows.map((r) => r.value));
  const scale = (v: number) => (max > 0 ? (v / max) * (WIDTH - left - right) : 0);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {props.rows.map((r, i) => (
        <g transform={`translate(0 ${i * rowHeight + 4})`}>
          <text x={left - 6} y={14} text-anchor="end" font-size={FONT}>
            {r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label}
          </text>
          <rect
            x={left}
            y={3}
            width={Math.max(1, scale(r.value))}
            height={14}
            fill={color(0)}
            rx={2}
          />
          <text x={left + scale(r.value) + 6} y={14} font-size={FONT}>
            {props.format(r.value)}
            {r.note ? ` ${r.note}` : ""}
          </text>
        </g>
      ))}
    </svg>
  );
}

export type Series = { name: string; points: [number, number][]; dashed?: boolean; color?: string };

/**
 * Lines over a shared x axis (time in ms), with y from 0 to a rounded maximum (or fixed).
 * Consecutive points are joined, so a per-day series must carry every day, zeros included
 * (`fillDays`): a missing day would be bridged by a straight line.
 */
export function LineChart(props: {
  title: string;
  series: Series[];
  xFormat: (x: number) => string;
  yFormat: (y: number) => string;
  yMax?: number;
  /** A horizontal reference line, e.g. the significance level. */
  reference?: { y: number; label: string };
  height?: number;
}) {
  const height = props.height ?? 220;
  const pad = { left: 64, right: 16, top: 12, bottom: 40 };
  const all = props.series.flatMap((s) => s.points);
  if (all.length === 0) return <p class="muted">No data for this chart yet.</p>;
  const xs = all.map((p) => p[0]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const yMax = props.yMax ?? niceMax(Math.max(...all.map((p) => p[1])));
  const px = (x: number) =>
    pad.left + (x1 > x0 ? ((x - x0) / (x1 - x0)) * (WIDTH - pad.left - pad.right) : 0);
  const py = (y: number) => pad.top + (1 - y / yMax) * (height - pad.top - pad.bottom);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {ticks(yMax).map((t) => (
        <g>
          <line x1={pad.left} x2={WIDTH - pad.right} y1={py(t)} y2={py(t)} stroke="#e5e7eb" />
          <text x={pad.left - 6} y={py(t) + 4} text-anchor="end" font-size={FONT}>
            {props.yFormat(t)}
          </text>
        </g>
      ))}
      {[x0, (x0 + x1) / 2, x1].map((x, i) => (
        <text
          x={px(x)}
          y={height - pad.bottom + 16}
          text-anchor={i === 0 ? "start" : i === 2 ? "end" : "middle"}
          font-size={FONT}
        >
          {props.xFormat(x)}
        </text>
      ))}
      {props.reference ? (
        <g>
          <line
            x1={pad.left}
            x2={WIDTH - pad.right}
            y1={py(props.reference.y)}
            y2={py(props.reference.y)}
            stroke="#dc2626"
            stroke-dasharray="4 3"
          />
          <text
            x={WIDTH - pad.right}
            y={py(props.reference.y) - 4}
            text-anchor="end"
            font-size={FONT}
            fill="#dc2626"
          >
            {props.reference.label}
          </text>
        </g>
      ) : null}
      {props.series.map((s, i) => (
        <polyline
          fill="none"
          stroke={s.color ?? color(i)}
          stroke-width={2}
          stroke-dasharray={s.dashed ? "5 4" : undefined}
          points={s.points
            .map(([x, y]) => `${px(x).toFixed(1)},${py(Math.min(y, yMax)).toFixed(1)}`)
            .join(" ")}
        />
      ))}
      <Legend
        names={props.series.map((s) => s.name)}
        colors={props.series.map((s, i) => s.color ?? color(i))}
        y={height - 10}
      />
    </svg>
  );
}

function Legend(props: { names: string[]; y: number; colors?: string[] }) {
  let x = 64;
  const items: Child[] = [];
  props.names.forEach((name, i) => {
    items.push(
      <g>
        <rect x={x} y={props.y - 9} width={10} height={10} fill={props.colors?.[i] ?? color(i)} />
        <text x={x + 14} y={props.y} font-size={FONT}>
          {name}
        </text>
      </g>,
    );
    x += 24 + name.length * 6.5;
  });
  return <g>{items}</g>;
}

export type Interval = { label: string; estimate: number; lo: number; hi: number };

/** Forest plot: each estimate with its interval, against a zero line. */
export function IntervalChart(props: {
  title: string;
  rows: Interval[];
  format: (v: number) => string;
}) {
  const rowHeight = 28;
  const left = 170;
  const right = 24;
  const height = props.rows.length * rowHeight + 34;
  const finite = props.rows.flatMap((r) => [r.lo, r.hi, 0]).filter(Number.isFinite);
  const extent = Math.max(1e-9, ...finite.map(Math.abs));
  const span = niceMax(extent);
  const px = (v: number) =>
    left + ((Math.max(-span, Math.min(span, v)) + span) / (2 * span)) * (WIDTH - left - right);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      <line x1={px(0)} x2={px(0)} y1={4} y2={height - 24} stroke="#9ca3af" />
      {[-span, 0, span].map((t) => (
        <text x={px(t)} y={height - 8} text-anchor="middle" font-size={FONT}>
          {props.format(t)}
        </text>
      ))}
      {props.rows.map((r, i) => {
        const y = i * rowHeight + 18;
        return (
          <g>
            <text x={left - 8} y={y + 4} text-anchor="end" font-size={FONT}>
              {r.label}
            </text>
            <line
              x1={px(r.lo)}
              x2={px(r.hi)}
              y1={y}
              y2={y}
              stroke={color(i + 1)}
              stroke-width={3}
            />
            <circle cx={px(r.estimate)} cy={y} r={5} fill={color(i + 1)} />
          </g>
        );
      })}
    </svg>
  );
}

/** Curves sampled as (x, y) pairs, e.g. posterior densities, drawn on a shared x range. */
export function CurveChart(props: {
  title: string;
  curves: { name: string; points: [number, number][] }[];
  xFormat: (x: number) => string;
}) {
  return (
    <LineChart
      title={props.title}
      series={props.curves.map((c) => ({ name: c.name, points: c.points }))}
      xFormat={props.xFormat}
      yFormat={() => ""}
      height={200}
    />
  );
}

/** Groups of bars side by side (e.g. one group per channel, one bar per model). */
export function GroupedBarChart(props: {
  title: string;
  groups: { label: string; values: number[] }[];
  seriesNames: string[];
  format: (v: number) => string;
}) {
  const height = 260;
  const pad = { left: 70, right: 10, top: 10, bottom: 60 };
  const max = niceMax(Math.max(0, ...props.groups.flatMap((g) => g.values)));
  const groupWidth = (WIDTH - pad.left - pad.right) / Math.max(1, props.groups.length);
  const barWidth = Math.max(2, (groupWidth - 8) / Math.max(1, props.seriesNames.length));
  const py = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      {ticks(max).map((t) => (
        <g>
          <line x1={pad.left} x2={WIDTH - pad.right} y1={py(t)} y2={py(t)} stroke="#e5e7eb" />
          <text x={pad.left - 6} y={py(t) + 4} text-anchor="end" font-size={FONT}>
            {props.format(t)}
          </text>
        </g>
      ))}
      {props.groups.map((g, gi) => (
        <g transform={`translate(${pad.left + gi * groupWidth + 4} 0)`}>
          {g.values.map((v, si) => (
            <rect
              x={si * barWidth}
              y={py(v)}
              width={barWidth - 1}
              height={py(0) - py(v)}
              fill={color(si)}
            >
              <title>{`${g.label} · ${props.seriesNames[si]}: ${props.format(v)}`}</title>
            </rect>
          ))}
          <text
            x={(groupWidth - 8) / 2}
            y={height - pad.bottom + 14}
            text-anchor="middle"
            font-size={FONT}
          >
            {g.label.length > 14 ? `${g.label.slice(0, 13)}…` : g.label}
          </text>
        </g>
      ))}
      <Legend names={props.seriesNames} y={height - 12} />
    </svg>
  );
}
