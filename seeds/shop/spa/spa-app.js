// @ts-check
/**
 * The demo shop's single-page example: client-side routes over /api/products.json that ask
 * Vitrine for each route's decisions through the typed browser client, like a headless shop
 * would. Served at /assets/spa.js; it only personalizes when the page comes through the Worker.
 */
const CLIENT_URL = "/__vitrine/v1/assets/client.js";

/** @typedef {{ id: string, slug: string, name: string, brand: string, priceCents: number, categoryId: string, url: string }} Product */

/** @param {number} cents */
const price = (cents) => `€${(cents / 100).toFixed(2)}`;

/** @param {string} text */
const esc = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function main() {
  const root = /** @type {HTMLElement} */ (document.getElementById("spa-root"));
  const status = /** @type {HTMLElement} */ (document.getElementById("spa-status"));
  /** @type {{ products: Product[] }} */
  const catalog = await (await fetch("/api/products.json")).json();
  /** @type {any} */
  let client = null;
  try {
    client = (await import(/* @vite-ignore */ CLIENT_URL)).vitrineClient();
  } catch {
    status.textContent = "Open this page through the Vitrine Worker to see it personalized.";
  }
  let landing = true;

  async function render() {
    const slug = /^\/spa\/p\/([^/]+)$/.exec(location.pathname)?.[1];
    const product = slug
      ? catalog.products.find((p) => p.slug === decodeURIComponent(slug))
      : undefined;
    if (product) {
      root.innerHTML = `<p><a href="/spa" data-spa>← All products</a></p>
        <h1>${esc(product.name)}</h1><p>${esc(product.brand)} · ${price(product.priceCents)}</p>
        <button type="button" id="spa-add">Add to cart</button>`;
      document.getElementById("spa-add")?.addEventListener("click", () => {
        void client?.track([
          {
            type: "add_to_cart",
            productId: product.id,
            data: { quantity: 1, unitPriceCents: product.priceCents },
          },
        ]);
      });
    } else {
      root.innerHTML = `<h1>Single-page shop</h1><ul class="spa-list">${catalog.products
        .slice(0, 12)
        .map(
          (p) =>
            `<li><a href="/spa/p/${encodeURIComponent(p.slug)}" data-spa>${esc(p.name)}</a> ${price(p.priceCents)}</li>`,
        )
        .join("")}</ul>`;
    }
    if (!client) return;
    const answer = await client.decide({
      path: location.pathname + location.search,
      ...(landing ? { referrer: document.referrer || null } : {}),
      pageType: product ? "product" : "home",
      ...(product ? { productId: product.id, categoryId: product.categoryId } : {}),
    });
    landing = false;
    const changed = client.apply(answer);
    status.textContent = `Vitrine: ${answer.mode}, ${answer.decisions.length} decisions, ${changed} elements updated`;
    status.dataset.mode = answer.mode;
    status.dataset.path = location.pathname;
    status.dataset.variants = answer.decisions
      .map((/** @type {{ variant: string }} */ d) => d.variant)
      .join(" ");
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-spa]") : null;
    if (!(link instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    history.pushState(null, "", link.href);
    void render();
  });
  addEventListener("popstate", () => void render());
  await render();
}

void main();
