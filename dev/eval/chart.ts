import type { MethodResult } from "./evaluate.ts";

const COLORS = ["#8c8c8c", "#4e79a7", "#e15759", "#59a14f", "#f28e2b"];
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A grouped bar chart (SVG) of Recall@k, NDCG@k and MRR per method. */
export function chartSvg(title: string, methods: MethodResult[], ks: number[]): string {
  const metrics: [string, (m: MethodResult) => number][] = [
    ...ks.map((k): [string, (m: MethodResult) => number] => [
      `Recall@${k}`,
      (m) => m.result.at[k]!.recall,
    ]),
    ...ks.map((k): [string, (m: MethodResult) => number] => [
      `NDCG@${k}`,
      (m) => m.result.at[k]!.ndcg,
    ]),
    ["MRR@100", (m) => m.result.mrr],
  ];
  const W = 760;
  const H = 360;
  const left = 50;
  const top = 40;
  const plotW = W - left - 20;
  const plotH = H - top - 90;
  const max = Math.max(0.01, ...methods.flatMap((m) => metrics.map(([, f]) => f(m)))) * 1.1;
  const groupW = plotW / metrics.length;
  const barW = (groupW * 0.8) / methods.length;
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max / 4) * t;
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`,
    );
  }
  metrics.forEach(([label, f], g) => {
    const x0 = left + g * groupW + groupW * 0.1;
    methods.forEach((m, i) => {
      const v = f(m);
      parts.push(
        `<rect x="${(x0 + i * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(m.method)} ${label}: ${v.toFixed(4)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(left + g * groupW + groupW / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${label}</text>`,
    );
  });
  methods.forEach((m, i) => {
    const ly = H - 50 + i * 14;
    parts.push(
      `<rect x="${left}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${left + 16}" y="${ly}">${esc(m.method)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
