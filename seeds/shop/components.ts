import type { CatalogIndex, Product } from "../catalog-index.ts";
import { formatPrice, stars, stockLabel } from "./format.ts";
import { html, raw, type HtmlValue, type SafeHtml } from "./html.ts";
import type { SlotId } from "./slots.ts";
import { productPath } from "./urls.ts";

/**
 * A personalization slot: a stable id the Worker can replace, append to or prepend to.
 * Empty slots render with no whitespace inside, so `:empty` hides them.
 */
export function slot(
  id: SlotId,
  content?: HtmlValue,
  tag: "section" | "div" | "aside" = "section",
): SafeHtml {
  const name = raw(tag);
  return html`<${name} id="${id}" class="vt-slot" data-slot="${id}">${content ?? ""}</${name}>`;
}

export function ratingLine(p: Product): SafeHtml {
  if (p.reviewCount === 0) return html`<div class="rating"><small>No reviews yet</small></div>`;
  return html`<div class="rating" title="${p.rating} out of 5">
    ${stars(p.rating)} <small>${p.rating.toFixed(1)} (${p.reviewCount.toLocaleString("en")})</small>
  </div>`;
}

export function stockLine(p: Product): SafeHtml {
  const cls = p.stock <= 0 ? "out" : p.stock <= 5 ? "low" : "in";
  return html`<div class="stock ${cls}">${stockLabel(p.stock)}</div>`;
}

export function productCard(p: Product, opts: { rank?: number } = {}): SafeHtml {
  return html`<article class="card cat-${p.categoryId}" data-product-id="${p.id}">
    <a href="${productPath(p.slug)}">
      ${opts.rank !== undefined && html`<span class="rank">#${opts.rank}</span>`}
      <img src="${p.imageUrl}" alt="" width="480" height="480" loading="lazy" />
    </a>
    <div class="body">
      <span class="brand">${p.brand}</span>
      <a class="name" href="${productPath(p.slug)}">${p.name}</a>
      ${ratingLine(p)} ${stockLine(p)}
      <span class="price">${formatPrice(p.priceCents)}</span>
    </div>
  </article>`;
}

export function productGrid(items: readonly Product[], opts: { ranked?: boolean } = {}): SafeHtml {
  return html`<div class="grid">
    ${items.map((p, i) => productCard(p, opts.ranked ? { rank: i + 1 } : {}))}
  </div>`;
}

export function breadcrumbs(
  index: CatalogIndex,
  categoryId: string | null,
  last?: string,
): SafeHtml {
  const category = categoryId ? index.categoryById.get(categoryId) : undefined;
  return html`<nav class="crumbs" aria-label="Breadcrumb">
    <a href="/">Home</a
    >${category && html` › <a href="/c/${category.id}">${category.name}</a>`}${last && html` › ${last}`}
  </nav>`;
}

/** The default help box: FAQ, contact and how fast we answer. */
export function helpBox(): SafeHtml {
  return html`<div class="help">
    <strong>Need help?</strong> See our <a href="/faq">FAQ</a> on delivery, returns and warranty,
    write to <a href="mailto:service@shop.example">service@shop.example</a> or call +48 22 123 45 67
    (Mon-Fri 8:00-18:00). We reply within 2 hours.
  </div>`;
}
