import { productGrid, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { bestsellers } from "../listing.ts";

export function bestsellersPage({ index }: ShopContext): SafeHtml {
  return layout(
    index,
    {
      title: "Bestsellers",
      pageType: "bestsellers",
      description: "Our most popular products across every category.",
    },
    html`<h1>Bestsellers</h1>
      <p class="muted">
        The most popular products in the shop, ranked by what customers buy and rate.
      </p>
      ${slot("category-top")} ${productGrid(bestsellers(index.products), { ranked: true })}`,
  );
}
