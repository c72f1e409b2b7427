import { kindOf } from "../../catalog.ts";
import { productCard, productGrid, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { bestsellers } from "../listing.ts";

export function homePage({ index }: ShopContext): SafeHtml {
  // Featured: the best-rated in-stock product of each category, the merchandiser's picks.
  const featured = index.categories.flatMap((c) => {
    const best = (index.byCategory.get(c.id) ?? [])
      .filter((p) => p.stock > 5 && p.reviewCount >= 20 && !kindOf(p).endsWith("-care"))
      .sort((a, b) => b.rating - a.rating || b.reviewCount - a.reviewCount)[0];
    return best ? [best] : [];
  });
  const top = bestsellers(index.products, 4);
  return layout(
    index,
    {
      title: "Sports watches, running gear, phones and home",
      pageType: "home",
      description:
        "Sports watches, running shoes and apparel, phones, accessories and home appliances with free delivery over €50.",
    },
    html`${slot(
        "hero",
        html`<div class="hero">
          <div>
            <h1>Gear for your next personal best</h1>
            <p>
              GPS watches, running shoes and the tech you carry every day. Free delivery over €50
              and 30 days to change your mind.
            </p>
            <a class="btn" href="/c/running-shoes">Shop running shoes</a>
          </div>
          <div>${top[0] && productCard(top[0])}</div>
        </div>`,
      )}
      <h2>Shop by category</h2>
      <div class="tiles">
        ${index.categories.map(
          (c) =>
            html`<a class="tile cat-${c.id}" href="/c/${c.id}"
              ><strong>${c.name}</strong
              ><span class="muted">${(index.byCategory.get(c.id) ?? []).length} products</span></a
            >`,
        )}
      </div>
      <h2>Featured</h2>
      ${productGrid(featured)} ${slot("recommendations")}
      <h2>Bestsellers</h2>
      ${productGrid(top, { ranked: true })}
      <p><a href="/bestsellers">See all bestsellers →</a></p>`,
  );
}
