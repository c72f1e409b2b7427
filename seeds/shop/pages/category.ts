import type { Category } from "../../catalog-index.ts";
import { breadcrumbs, productGrid, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";
import { applyListing, brandsOf } from "../listing.ts";
import { categoryPath, type ListingQuery, type SortKey } from "../urls.ts";

const SORT_LABELS: Record<SortKey, string> = {
  featured: "Featured",
  popularity: "Most popular",
  rating: "Top rated",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
};

export function categoryPage(
  { index }: ShopContext,
  category: Category,
  q: ListingQuery,
): SafeHtml {
  const all = index.byCategory.get(category.id) ?? [];
  const items = applyListing(all, q);
  const filtered = q.brands.length > 0 || q.minEur !== null || q.maxEur !== null || q.inStock;
  const brands = new Set(q.brands);
  return layout(
    index,
    {
      title: category.name,
      pageType: "category",
      categoryId: category.id,
      description: `${category.name}: ${all.length} products, free delivery over €50.`,
    },
    html`${breadcrumbs(index, category.id)}
      <h1>${category.name}</h1>
      ${slot("category-top")}
      <div class="listing cat-${category.id}">
        <div>
          <form class="filters" action="/c/${category.id}" method="get">
            <fieldset>
              <legend>Brand</legend>
              ${brandsOf(all).map(
                (b) =>
                  html`<label
                    ><input
                      type="checkbox"
                      name="brand"
                      value="${b}"
                      ${brands.has(b) ? html` checked` : ""}
                    />
                    ${b}</label
                  >`,
              )}
            </fieldset>
            <fieldset>
              <legend>Price (€)</legend>
              <input
                type="number"
                name="min"
                min="0"
                step="1"
                placeholder="min"
                value="${q.minEur ?? ""}"
                aria-label="Minimum price"
              />
              –
              <input
                type="number"
                name="max"
                min="0"
                step="1"
                placeholder="max"
                value="${q.maxEur ?? ""}"
                aria-label="Maximum price"
              />
            </fieldset>
            <fieldset>
              <legend>Availability</legend>
              <label
                ><input
                  type="checkbox"
                  name="instock"
                  value="1"
                  ${q.inStock ? html` checked` : ""}
                />
                In stock only</label
              >
            </fieldset>
            <fieldset>
              <legend>Sort by</legend>
              <select name="sort" aria-label="Sort by">
                ${Object.entries(SORT_LABELS).map(
                  ([key, label]) =>
                    html`<option value="${key}" ${key === q.sort ? html` selected` : ""}>
                      ${label}
                    </option>`,
                )}
              </select>
            </fieldset>
            <button class="btn" type="submit">Apply</button>
            ${filtered && html` <a href="${categoryPath(category.id, { sort: q.sort })}">Clear filters</a>`}
          </form>
          ${slot("sidebar", undefined, "aside")}
        </div>
        <div>
          <div class="toolbar">
            <span class="muted">${items.length} of ${all.length} products</span>
            <span class="sorts"
              >Sort:${Object.entries(SORT_LABELS).map(
                ([key, label]) =>
                  html`<a
                    href="${categoryPath(category.id, { ...q, sort: key as SortKey })}"
                    ${key === q.sort ? html` aria-current="true"` : ""}
                    >${label}</a
                  >`,
              )}</span
            >
          </div>
          ${items.length > 0 ? productGrid(items) : html`<div class="empty">No products match these filters. <a href="${categoryPath(category.id)}">Show all ${category.name.toLowerCase()}</a></div>`}
        </div>
      </div>`,
  );
}
