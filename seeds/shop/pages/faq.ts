import { helpBox, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { FAQ } from "../faq-content.ts";
import { html, type SafeHtml } from "../html.ts";
import { layout } from "../layout.ts";

export function faqPage({ index }: ShopContext): SafeHtml {
  const topics = [...new Set(FAQ.map((f) => f.topic))];
  return layout(
    index,
    {
      title: "Help & FAQ",
      pageType: "faq",
      description: "Delivery, returns, warranty and payment questions answered.",
    },
    html`<h1>Help & FAQ</h1>
      <div class="faq">
        ${topics.map(
          (topic) =>
            html`<h2>${topic}</h2>
              ${FAQ.filter((f) => f.topic === topic).map(
                (f) =>
                  html`<details id="${f.id}">
                    <summary>${f.question}</summary>
                    <p>${f.answer}</p>
                  </details>`,
              )}`,
        )}
      </div>
      ${slot("help-prompt", helpBox())}`,
  );
}
