import { slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

/** The shell of the single-page example; /assets/spa.js renders its routes in the browser. */
export function spaPage({ index }: ShopContext): SafeHtml {
  return layout(
    index,
    { title: "Single-page example", pageType: "home" },
    html`<p id="spa-status" class="muted" role="status">Loading…</p>
      <div id="spa-root"></div>
      <div id="product-badges"></div>
      ${slot("recommendations")} ${slot("help-prompt")}
      <script type="module" src="/assets/spa.js"></script>`,
  );
}
