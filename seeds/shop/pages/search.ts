import { productGrid, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { searchProducts } from "../search.ts";

export function searchPage({ index }: ShopContext, query: string): SafeHtml {
  const q = query.trim();
  const results = q ? searchProducts(index.products, q) : [];
  return layout(
    index,
    { title: q ? `Search: ${q}` : "Search", pageType: "search", query: q },
    html`<h1>${q ? html`Results for “${q}”` : "Search"}</h1>
      ${
        !q
          ? html`<p class="muted">
              Type what you are looking for: a brand, a model or a kind of product.
            </p>`
          : results.length === 0
            ? html`<div class="empty">
                Nothing matches “${q}”. Check the spelling, try a brand, or see our
                <a href="/bestsellers">bestsellers</a>.
              </div>`
            : html`<p class="muted">
                  ${results.length} ${results.length === 1 ? "product" : "products"}
                </p>
                ${productGrid(results)}`
      }
      ${slot("sidebar", undefined, "aside")} ${slot("recommendations")}`,
  );
}
