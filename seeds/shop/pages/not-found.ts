import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

export function notFoundPage(
  { index }: ShopContext,
  message = "We could not find that page.",
): SafeHtml {
  return layout(
    index,
    { title: "Page not found", pageType: "other" },
    html`<div class="empty">
      <h1>Page not found</h1>
      <p>${message}</p>
      <p>
        <a class="btn" href="/">Back to the shop</a>
        <a class="btn secondary" href="/search">Search</a>
      </p>
    </div>`,
  );
}

export function errorPage({ index }: ShopContext, title: string, message: string): SafeHtml {
  return layout(
    index,
    { title, pageType: "other" },
    html`<div class="empty">
      <h1>${title}</h1>
      <p>${message}</p>
      <p><a class="btn" href="/">Back to the shop</a></p>
    </div>`,
  );
}
