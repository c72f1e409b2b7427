import type { CatalogIndex } from "../catalog-index.ts";
import { slot } from "./components.ts";
import { html, type HtmlValue, type SafeHtml } from "./html.ts";
import { SLOTS } from "./slots.ts";
import { SHOP_CSS_HREF } from "./styles.ts";
import { SHOP_NAME } from "./theme.ts";
import type { PageType } from "./urls.ts";

export type PageOptions = {
  title: string;
  pageType: PageType;
  description?: string;
  /** Extra head markup, e.g. JSON-LD. */
  head?: HtmlValue;
  /** The search box's current text. */
  query?: string;
  categoryId?: string;
  productId?: string;
  /** Anonymous pages never show anything from the visitor's cookies (they are cached shared). */
  cartCount?: number;
};

/** The page shell: header, category nav, promo banner slot, footer. */
export function layout(index: CatalogIndex, opts: PageOptions, body: HtmlValue): SafeHtml {
  const hasBanner = (SLOTS["promo-banner"].pages as readonly PageType[]).includes(opts.pageType);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${opts.title} | ${SHOP_NAME}</title>
        ${opts.description && html`<meta name="description" content="${opts.description}" />`}
        <meta name="page-type" content="${opts.pageType}" />
        <link rel="stylesheet" href="${SHOP_CSS_HREF}" />
        <link rel="icon" href="data:," />
        ${opts.head}
      </head>
      <body
        data-page-type="${opts.pageType}"
        ${opts.productId && html` data-product-id="${opts.productId}"`}${opts.categoryId && html` data-category-id="${opts.categoryId}"`}
      >
        <header class="site-header">
          <div class="wrap">
            <a class="logo" href="/">Nord<span>markt</span></a>
            <form class="search" action="/search" method="get" role="search">
              <input
                type="search"
                name="q"
                value="${opts.query ?? ""}"
                placeholder="Search watches, shoes, phones…"
                aria-label="Search"
              />
              <button type="submit">Search</button>
            </form>
            <nav class="header-links">
              <a href="/bestsellers">Bestsellers</a>
              <a href="/faq">Help</a>
              <a href="/cart">Cart${opts.cartCount ? html` (${opts.cartCount})` : ""}</a>
            </nav>
          </div>
        </header>
        <nav class="nav" aria-label="Categories">
          <div class="wrap">
            ${index.categories.map((c) => html`<a href="/c/${c.id}" ${c.id === opts.categoryId ? html` aria-current="page"` : ""}>${c.name}</a>`)}
            <a href="/bestsellers">Bestsellers</a>
          </div>
        </nav>
        <main>
          <div class="wrap">
            ${hasBanner && slot("promo-banner", html`Free delivery over €50 · 30-day free returns · 2-year warranty`, "div")}
            ${body}
          </div>
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <div><strong>${SHOP_NAME}</strong><br />Sports, tech and home since 2014.</div>
            <div>
              <a href="/faq#delivery-times">Delivery</a><br /><a href="/faq#returns">Returns</a
              ><br /><a href="/faq#warranty">Warranty</a><br /><a href="/faq#payment-methods"
                >Payment</a
              >
            </div>
            <div>
              service@shop.example<br />+48 22 123 45 67<br />Mon-Fri 8:00-18:00, replies within 2
              hours
            </div>
          </div>
        </footer>
      </body>
    </html> `;
}
