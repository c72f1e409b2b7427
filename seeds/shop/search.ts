import type { Product } from "../catalog-index.ts";
import { popularityScore } from "../catalog.ts";

const MAX_QUERY = 100;

// Lowercased text per product, computed once: searches run thousands of times in the seeds.
const texts = new WeakMap<Product, { name: string; haystack: string }>();
function searchable(p: Product): { name: string; haystack: string } {
  let text = texts.get(p);
  if (!text) {
    const name = p.name.toLowerCase();
    text = { name, haystack: `${name} ${p.brand.toLowerCase()} ${p.tags.join(" ").toLowerCase()}` };
    texts.set(p, text);
  }
  return text;
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Every query word must occur in the product's name, brand or tags (as a substring, so "run"
 * finds "running"). Name hits rank first, then popularity.
 */
export function searchProducts(items: readonly Product[], query: string): Product[] {
  const words = tokens(query.slice(0, MAX_QUERY));
  if (words.length === 0) return [];
  const scored: [Product, number][] = [];
  for (const p of items) {
    const { name, haystack } = searchable(p);
    if (!words.every((w) => haystack.includes(w))) continue;
    scored.push([p, words.filter((w) => name.includes(w)).length]);
  }
  return scored
    .sort(
      ([a, sa], [b, sb]) =>
        sb - sa || popularityScore(b) - popularityScore(a) || (a.id < b.id ? -1 : 1),
    )
    .map(([p]) => p);
}
