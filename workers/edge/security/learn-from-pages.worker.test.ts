import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { categories, products } from "../../../schema/index.ts";
import { LEARN_INTERVAL_MS, learnFromPage, markerKey } from "../catalog/learn/index.ts";
import * as clock from "../clock.ts";
import { createDb } from "../db/client.ts";
import { settingsOf } from "../settings.ts";
import { BROWSER_UA, call, consenting, SHOP } from "../test-support/requests.ts";
import { fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";
import { configWith, publishConfig } from "../test-support/fixtures.ts";

/**
 * Zero-integration catalog through the real Worker: product pages the proxy serves add and
 * update their product in Turso after the response (waitUntil), rate-limited, without
 * touching the page. Under `published` because it publishes configs of its own.
 */

const db = createDb(settingsOf(env));
const bindings = fakeOriginEnv();

const SLOTS = { banner: { selector: "#promo-banner", action: "replace" } };
const VARIANTS = {
  "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon">for all</p>' },
};
const learning = (on: boolean) =>
  configWith(SLOTS, VARIANTS, on ? { catalog: { learnFromPages: true } } : {});

const unique = () => crypto.randomUUID().slice(0, 8);

/** A product page as a shop renders it: JSON-LD Product and BreadcrumbList in <head>. */
function jsonLdPage(slug: string, sku: string, price: string): string {
  const product = {
    "@context": "https://schema.org",
    "@graph": [
      {
        "@type": "BreadcrumbList",
        itemListElement: [
          { "@type": "ListItem", position: 1, name: "Home", item: `${SHOP}/` },
          { "@type": "ListItem", position: 2, name: "Learned Gear", item: `${SHOP}/c/gear` },
          { "@type": "ListItem", position: 3, name: `Lamp ${slug}`, item: `${SHOP}/p/${slug}` },
        ],
      },
      {
        "@type": "Product",
        name: `Lamp ${slug}`,
        sku,
        brand: { "@type": "Brand", name: "Glow" },
        image: ["javascript:alert(1)", `/img/${slug}.jpg`],
        offers: {
          "@type": "Offer",
          price,
          priceCurrency: "EUR",
          availability: "https://schema.org/InStock",
        },
      },
    ],
  };
  return (
    `<!doctype html><html><head><title>Lamp</title>` +
    `<script type="application/ld+json">${JSON.stringify(product)}</script></head>` +
    `<body><header id="promo-banner">banner</header><h1>Lamp ${slug}</h1>` +
    `<p class="price">${price} EUR</p></body></html>`
  );
}

/** The fake shop: `pages` by path, never cached (each view reaches the origin). */
function serve(pages: Map<string, string>) {
  interceptFetch((request) => {
    const page = pages.get(new URL(request.url).pathname);
    return page
      ? html(page, { headers: { "cache-control": "no-store" } })
      : new Response("not found", { status: 404 });
  });
}

const row = async (id: string) =>
  (await db.select().from(products).where(eq(products.id, id)))[0] ?? null;

const view = async (path: string, headers: Record<string, string> = {}, on = bindings) => {
  const res = await call(path, { headers: { "user-agent": BROWSER_UA, ...headers } }, on);
  expect(res.status).toBe(200);
  return res;
};

afterEach(() => {
  clock.setClockOffset(0);
  vi.restoreAllMocks();
});

describe("learning the catalog from product pages", () => {
  it("adds an unknown product, holds off within the interval, and takes a price change later", async () => {
    await publishConfig(learning(true));
    const slug = `lamp-${unique()}`;
    const sku = `LRN-${unique()}`;
    const pages = new Map([[`/p/${slug}`, jsonLdPage(slug, sku, "19.90")]]);
    serve(pages);
    expect(await row(sku)).toBeNull();

    await view(`/p/${slug}?utm_source=mail`);
    const learned = await row(sku);
    expect(learned).toMatchObject({
      name: `Lamp ${slug}`,
      url: `${SHOP}/p/${slug}`,
      slug,
      priceCents: 1990,
      currency: "EUR",
      availability: "in_stock",
      brand: "Glow",
      imageUrl: `${SHOP}/img/${slug}.jpg`,
      categoryId: "learned-gear",
      hiddenAt: null,
    });
    const [category] = await db.select().from(categories).where(eq(categories.id, "learned-gear"));
    expect(category?.name).toBe("Learned Gear");

    // The shop changes the price: within the interval the page is not read again.
    pages.set(`/p/${slug}`, jsonLdPage(slug, sku, "24.90"));
    await view(`/p/${slug}`);
    expect(await row(sku)).toEqual(learned);

    // The Worker takes its clock from each request's bindings: this one comes past the interval.
    const later = { ...bindings, CLOCK_OFFSET_MS: String(LEARN_INTERVAL_MS + 1000) } as Env;
    await view(`/p/${slug}`, {}, later);
    expect(await row(sku)).toMatchObject({ priceCents: 2490, name: `Lamp ${slug}` });
  });

  it("serves the same bytes with learning on and off", async () => {
    const slug = `lamp-${unique()}`;
    const sku = `LRN-${unique()}`;
    serve(new Map([[`/p/${slug}`, jsonLdPage(slug, sku, "5.00")]]));
    const visitor = `learn-visitor-${unique()}`;

    await publishConfig(learning(false));
    const anonymousOff = await view(`/p/${slug}`);
    const consentingOff = await view(`/p/${slug}`, await consenting(visitor));
    expect(await row(sku)).toBeNull();

    await publishConfig(learning(true));
    const anonymousOn = await view(`/p/${slug}`);
    expect(await row(sku)).toMatchObject({ priceCents: 500 });
    const consentingOn = await view(`/p/${slug}`, await consenting(visitor));

    expect(consentingOff.text).toContain('class="t-anon"');
    expect(anonymousOn.text).toBe(anonymousOff.text);
    expect(consentingOn.text).toBe(consentingOff.text);
    expect(anonymousOn.headers.get("content-type")).toBe(anonymousOff.headers.get("content-type"));
  });

  it("reads microdata and the canonical link, and teaches only the page's own product", async () => {
    await publishConfig(learning(true));
    const slug = `spade-${unique()}`;
    const sku = `MD-${unique()}`;
    const page =
      `<!doctype html><html><head><link rel="canonical" href="${SHOP}/p/${slug}-canonical">` +
      `</head><body>` +
      `<ol itemscope itemtype="https://schema.org/BreadcrumbList">` +
      `<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">` +
      `<a itemprop="item" href="/"><span itemprop="name">Home</span></a><meta itemprop="position" content="1"></li>` +
      `<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">` +
      `<a itemprop="item" href="/c/garden"><span itemprop="name">Garden</span></a><meta itemprop="position" content="2"></li>` +
      `<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">` +
      `<a itemprop="item" href="/c/garden/tools"><span itemprop="name">Learned Tools</span></a><meta itemprop="position" content="3"></li>` +
      `</ol>` +
      `<div itemscope itemtype="https://schema.org/Product">` +
      `<h1 itemprop="name">Spade <b>Pro</b></h1><meta itemprop="sku" content="${sku}">` +
      `<img itemprop="image" src="/img/spade.png">` +
      `<div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><span itemprop="name">Dig</span></div>` +
      `<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">` +
      `<span itemprop="price" content="39.00">39,00 €</span><meta itemprop="priceCurrency" content="EUR">` +
      `<link itemprop="availability" href="https://schema.org/OutOfStock"></div>` +
      `<div itemprop="review" itemscope itemtype="https://schema.org/Review">` +
      `<div itemprop="itemReviewed" itemscope itemtype="https://schema.org/Product">` +
      `<span itemprop="name">Injected</span><meta itemprop="sku" content="${sku}-other">` +
      `<meta itemprop="price" content="0.01"></div></div>` +
      `</div></body></html>`;
    serve(new Map([[`/p/${slug}`, page]]));

    await view(`/p/${slug}`);
    expect(await row(sku)).toMatchObject({
      name: "Spade Pro",
      url: `${SHOP}/p/${slug}-canonical`,
      priceCents: 3900,
      availability: "out_of_stock",
      stock: 0,
      brand: "Dig",
      imageUrl: `${SHOP}/img/spade.png`,
      categoryId: "garden--learned-tools",
    });
    expect(await row(`${sku}-other`)).toBeNull();
  });

  it("leaves a KV marker so other isolates neither repeat the page nor re-write unchanged facts", async () => {
    await publishConfig(learning(true));
    const slug = `lamp-${unique()}`;
    const sku = `LRN-${unique()}`;
    const text = jsonLdPage(slug, sku, "7.50");
    serve(new Map([[`/p/${slug}`, text]]));
    await view(`/p/${slug}`);
    const stored = await row(sku);
    expect(stored).toMatchObject({ priceCents: 750 });
    expect(await env.MODELS.get(await markerKey(`${SHOP}/p/${slug}`))).not.toBeNull();

    // Another isolate (its own limiter) reading the same page: the marker answers, not Turso.
    const page = { url: `${SHOP}/p/${slug}`, currency: "EUR" };
    const body = () => new Response(text).body!;
    const deps = { kv: env.MODELS, db, now: clock.now() };
    expect(await learnFromPage(body(), page, deps)).toEqual({ status: "recent", id: sku });
    const later = { ...deps, now: deps.now + LEARN_INTERVAL_MS + 1 };
    expect(await learnFromPage(body(), page, later)).toEqual({ status: "unchanged", id: sku });
    expect(await row(sku)).toEqual(stored);
    const changed = new Response(jsonLdPage(slug, sku, "8.00")).body!;
    expect(await learnFromPage(changed, page, later)).toEqual({
      status: "learned",
      id: sku,
      added: false,
    });
    expect(await row(sku)).toMatchObject({ priceCents: 800 });
  });

  it("refuses a page that claims a product the catalog has at another URL", async () => {
    const slug = `lamp-${unique()}`;
    const sku = `LRN-${unique()}`;
    const deps = { kv: env.MODELS, db, now: clock.now() };
    const own = { url: `${SHOP}/p/${slug}`, currency: "EUR" };
    await learnFromPage(new Response(jsonLdPage(slug, sku, "9.00")).body!, own, deps);
    const elsewhere = { url: `${SHOP}/p/${slug}-copy`, currency: "EUR" };
    const claim = new Response(jsonLdPage(`${slug}-copy`, sku, "0.01")).body!;
    expect(await learnFromPage(claim, elsewhere, deps)).toEqual({
      status: "skipped",
      reason: `the catalog lists product "${sku}" at another URL (${SHOP}/p/${slug})`,
    });
    expect(await row(sku)).toMatchObject({ priceCents: 900, url: `${SHOP}/p/${slug}` });
  });
});
