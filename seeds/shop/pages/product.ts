import type { Product } from "../../catalog-index.ts";
import { popularityScore } from "../../catalog.ts";
import { breadcrumbs, helpBox, productGrid, ratingLine, slot, stockLine } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { formatPrice, stars } from "../format.ts";
import { html, jsonScript, type SafeHtml } from "../html.ts";
import { productJsonLd } from "../json-ld.ts";
import { layout } from "../layout.ts";
import { reviewsFor } from "../reviews.ts";
import { productPath } from "../urls.ts";
import { MAX_QTY } from "../cart.ts";

export function productPage({ index }: ShopContext, p: Product): SafeHtml {
  const category = index.categoryById.get(p.categoryId);
  const fits = p.accessoryFor.flatMap((id) => index.byId.get(id) ?? []).slice(0, 8);
  const accessories = [...(index.accessoriesOf.get(p.id) ?? [])]
    .sort((a, b) => popularityScore(b) - popularityScore(a))
    .slice(0, 4);
  const similar = (index.byCategory.get(p.categoryId) ?? [])
    .filter((q) => q.id !== p.id && q.tags[0] === p.tags[0] && q.stock > 0)
    .sort((a, b) => popularityScore(b) - popularityScore(a))
    .slice(0, 4);
  const reviews = reviewsFor(p);
  const soldOut = p.stock <= 0;
  return layout(
    index,
    {
      title: p.name,
      pageType: "product",
      productId: p.id,
      categoryId: p.categoryId,
      description: p.description,
      head: html`<script type="application/ld+json">
        ${jsonScript(productJsonLd(p, category))}
      </script>`,
    },
    html`${breadcrumbs(index, p.categoryId, p.name)}
      <div class="product cat-${p.categoryId}">
        <img src="${p.imageUrl}" alt="${p.name}" width="480" height="480" />
        <div>
          <div class="muted">${p.brand}</div>
          <h1>${p.name}</h1>
          ${slot(
            "product-badges",
            html`${p.tags.includes("new") && html`<span class="badge">New</span>`}${p.stock > 0 && p.stock <= 5 && html`<span class="badge">Low stock</span>`}`,
            "div",
          )}
          <a href="#reviews" style="text-decoration:none">${ratingLine(p)}</a>
          <div class="price">${formatPrice(p.priceCents)}</div>
          ${stockLine(p)}
          <form class="buy" action="/cart/add" method="post">
            <input type="hidden" name="productId" value="${p.id}" />
            <input
              type="number"
              name="qty"
              value="1"
              min="1"
              max="${Math.max(1, Math.min(MAX_QTY, p.stock))}"
              aria-label="Quantity"
              ${soldOut ? html` disabled` : ""}
            />
            <button class="btn" type="submit" ${soldOut ? html` disabled` : ""}>
              ${soldOut ? "Sold out" : "Add to cart"}
            </button>
          </form>
          ${slot(
            "product-extras",
            html`<ul class="perks">
              <li>Free delivery over €50, ships within 24 h</li>
              <li>30-day free returns</li>
              <li>2-year warranty</li>
            </ul>`,
            "div",
          )}
          <p>${p.description}</p>
          <p class="muted">SKU ${p.sku} · ${p.tags.filter((t) => t !== "new").join(" · ")}</p>
          ${fits.length > 0 && html`<p><strong>Fits:</strong> ${fits.map((b, i) => html`${i > 0 ? ", " : ""}<a href="${productPath(b.slug)}">${b.name}</a>`)}${p.accessoryFor.length > fits.length ? ` and ${p.accessoryFor.length - fits.length} more` : ""}</p>`}
        </div>
      </div>
      ${
        accessories.length > 0 &&
        html`<h2>Accessories for this product</h2>
          ${productGrid(accessories)}`
      }
      ${slot(
        "recommendations",
        similar.length > 0
          ? html`<h2>Similar products</h2>
              ${productGrid(similar)}`
          : undefined,
      )}
      <h2 id="reviews">Customer reviews</h2>
      ${
        reviews.length === 0
          ? html`<p class="muted">No reviews yet. Be the first to review this product.</p>`
          : html`<p>
                ${stars(p.rating)} ${p.rating.toFixed(1)} out of 5, from
                ${p.reviewCount.toLocaleString("en")} reviews
              </p>
              <div class="reviews">
                ${reviews.map(
                  (r) =>
                    html`<article class="review">
                      <h3>${r.title}</h3>
                      <div class="rating">${stars(r.rating)}</div>
                      <p>${r.body}</p>
                      <small class="muted"
                        >${r.author}, ${r.country} · ${r.daysAgo} days ago · verified
                        purchase</small
                      >
                    </article>`,
                )}
              </div>`
      }
      ${slot("help-prompt", helpBox())}`,
  );
}
