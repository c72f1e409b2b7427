import type { Product } from "../catalog-index.ts";
import { escapeHtml } from "./html.ts";
import { categoryColor } from "./theme.ts";

// A simple line drawing per category, centred at (240, 200) in a 480×480 canvas.
const GLYPHS: Record<string, string> = {
  "sports-watches":
    '<rect x="205" y="90" width="70" height="220" rx="18"/><circle cx="240" cy="200" r="78"/><circle cx="240" cy="200" r="60" fill="none" stroke-width="6"/><path d="M240 160v42l26 16" fill="none" stroke-width="8" stroke-linecap="round"/>',
  "running-shoes":
    '<path d="M120 250c10-60 40-90 70-95l30 40c30 10 70 15 110 25 40 10 40 40 30 55H130c-12 0-14-12-10-25z"/><path d="M125 262h240" stroke-width="12" stroke-linecap="round"/>',
  "running-apparel":
    '<path d="M190 110l-70 40 28 55 30-14v129h124V191l30 14 28-55-70-40c-8 20-28 32-50 32s-42-12-50-32z"/>',
  phones:
    '<rect x="180" y="90" width="120" height="220" rx="20"/><rect x="192" y="112" width="96" height="172" rx="6" fill="none" stroke-width="5"/><circle cx="240" cy="296" r="6"/>',
  "phone-accessories":
    '<rect x="150" y="110" width="90" height="170" rx="18" fill="none" stroke-width="12"/><path d="M300 130v60c0 30-30 40-30 70v30" fill="none" stroke-width="12" stroke-linecap="round"/><rect x="280" y="100" width="40" height="40" rx="8"/>',
  home: '<path d="M160 150h140v70c0 45-30 75-70 75s-70-30-70-75z"/><path d="M300 170c40 0 40 55 0 55" fill="none" stroke-width="12"/><path d="M200 100c-10 15 10 25 0 40M240 100c-10 15 10 25 0 40" fill="none" stroke-width="6" stroke-linecap="round"/>',
};

/** Up to two lines of at most ~22 characters, word-wrapped. */
function wrapName(name: string): string[] {
  const lines: string[] = [""];
  for (const word of name.split(/\s+/)) {
    const last = lines[lines.length - 1]!;
    if (last && (last + " " + word).length > 22) {
      if (lines.length === 2) {
        lines[1] = `${last}…`;
        return lines;
      }
      lines.push(word);
    } else lines[lines.length - 1] = last ? `${last} ${word}` : word;
  }
  return lines;
}

/** A product picture: category colour and drawing, brand initials and the name. */
export function productSvg(p: Product): string {
  const { base, soft } = categoryColor(p.categoryId);
  const glyph = GLYPHS[p.categoryId] ?? GLYPHS.home!;
  const initials = p.brand
    .split(/[\s&]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .slice(0, 2)
    .join("");
  const lines = wrapName(p.name)
    .map(
      (line, i) =>
        `<text x="240" y="${368 + i * 34}" font-size="26" text-anchor="middle" fill="#1f2937">${escapeHtml(line)}</text>`,
    )
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 480" width="480" height="480" role="img" aria-label="${escapeHtml(p.name)}">` +
    `<rect width="480" height="480" fill="${soft}"/>` +
    `<g fill="${base}" stroke="${base}" opacity="0.9">${glyph}</g>` +
    `<circle cx="410" cy="70" r="42" fill="${base}"/>` +
    `<text x="410" y="82" font-size="32" font-weight="700" text-anchor="middle" fill="#fff" font-family="system-ui, sans-serif">${escapeHtml(initials)}</text>` +
    `<g font-family="system-ui, sans-serif">${lines}</g>` +
    `</svg>`
  );
}
