import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../dev/browser/chromium.ts";
import { TRACKER_SOURCE } from "./tracker-source.ts";

/**
 * The tracker as browsers run it (its served source, in Debian's Chromium) on pages shaped like
 * the demo shop's: what it reports when the shop's own cart forms are submitted.
 */
const CHROMIUM = findChromium();
const SHOP = "https://shop.test";

type Sent = { type: string; productId: string | null; valueCents?: number; data: object };

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM!,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A shop page with the tracker injected as the Worker does, and its beacons recorded. */
async function openPage(body: string, head = "", productId = "p-0042"): Promise<Page> {
  const page = await browser.newPage();
  await page.route(`${SHOP}/**`, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html><head>${head}
        <script data-page-type="product" data-product-id="${productId}">${TRACKER_SOURCE}</script>
        </head><body>${body}</body></html>`,
    }),
  );
  // Runs in the page (so as source text: this file has no DOM types). Beacons are recorded;
  // the form's own submit is prevented afterwards, so the page stays to be read back.
  await page.addInitScript(`
    window.__sent = [];
    navigator.sendBeacon = (url, data) => {
      data.text().then((text) => window.__sent.push(text));
      return true;
    };
    document.addEventListener("submit", (e) => e.preventDefault());
  `);
  await page.goto(`${SHOP}/p/watch`);
  return page;
}

async function submitAndRead(page: Page, selector: string): Promise<Sent[]> {
  await page.click(selector);
  await page.waitForFunction("window.__sent.length > 0");
  const sent = (await page.evaluate("window.__sent")) as string[];
  return sent.flatMap((text) => (JSON.parse(text) as { events: Sent[] }).events);
}

const productLd = (offers: object, productID = "p-0042") =>
  `<script type="application/ld+json">${JSON.stringify({
    "@context": "https://schema.org",
    "@type": "Product",
    name: "Trail watch",
    sku: `SKU-${productID}`,
    productID,
    offers,
  })}</script>`;

const buyForm = (qty: number, extra = "") =>
  `<form class="buy" action="/cart/add" method="post" ${extra}>
     <input type="hidden" name="productId" value="p-0042" />
     <input type="number" name="qty" value="${qty}" />
     <button id="buy" type="submit">Add to cart</button>
   </form>`;

describe.skipIf(!CHROMIUM)("tracker: cart adds carry the price", () => {
  it("takes the price from the product's JSON-LD offer: price x quantity as the value", async () => {
    const page = await openPage(
      buyForm(2),
      productLd({ "@type": "Offer", price: "649.99", priceCurrency: "EUR" }),
    );
    const [add] = await submitAndRead(page, "#buy");
    expect(add).toMatchObject({
      type: "add_to_cart",
      productId: "p-0042",
      valueCents: 129_998,
      data: { quantity: 2, unitPriceCents: 64_999 },
    });
    await page.close();
  });

  it("prefers the shop's own data-price on the form", async () => {
    const page = await openPage(
      `<div data-price="19.90">${buyForm(1)}</div>`,
      productLd({ price: 649.99 }),
    );
    const [add] = await submitAndRead(page, "#buy");
    expect(add).toMatchObject({ valueCents: 1990, data: { quantity: 1, unitPriceCents: 1990 } });
    await page.close();
  });

  it("sends no price rather than a wrong one when the page shows none", async () => {
    // A product page (p-0001) with a form adding another product the page has no price for.
    const page = await openPage(buyForm(1), productLd({ price: 5 }, "p-0001"), "p-0001");
    const [add] = await submitAndRead(page, "#buy");
    expect(add).toMatchObject({ type: "add_to_cart", productId: "p-0042", data: { quantity: 1 } });
    expect(add).not.toHaveProperty("valueCents");
    expect(add!.data).not.toHaveProperty("unitPriceCents");
    await page.close();
  });
});
