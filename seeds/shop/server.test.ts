import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexCatalog, type CatalogIndex, type Product } from "../catalog-index.ts";
import { generateCatalog } from "../catalog.ts";
import { bestsellers } from "./listing.ts";
import { startShop, type ShopServer } from "./server.ts";
import { SLOT_IDS, SLOTS, type SlotId } from "./slots.ts";
import { pageTypeOf, type PageType } from "./urls.ts";

let shop: ShopServer;
let index: CatalogIndex;

beforeAll(async () => {
  index = indexCatalog(generateCatalog());
  shop = await startShop({ port: 0 });
});
afterAll(async () => {
  await shop.close();
});

const get = (path: string, init: RequestInit = {}) =>
  fetch(shop.url + path, { redirect: "manual", ...init });
const post = (path: string, fields: Record<string, string>, cookie?: string) =>
  get(path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: cookie ? { cookie } : {},
  });
/** The `name=value` part of the response's Set-Cookie, to send back. */
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
const productIds = (body: string) =>
  [...body.matchAll(/<article class="card[^"]*" data-product-id="([^"]+)"/g)].map((m) => m[1]!);
const find = (pred: (p: Product) => boolean) => {
  const p = index.products.find(pred);
  if (!p) throw new Error("no such product in the catalog");
  return p;
};

const inStock = () => find((p) => p.stock > 10 && p.reviewCount > 0 && p.priceCents < 4000);

describe("demo shop: routes", () => {
  const catalogPages: [string, PageType][] = [
    ["/", "home"],
    ["/c/phones", "category"],
    ["/c/running-shoes?sort=price_asc&brand=Aeron&instock=1", "category"],
    ["/p/kestrel-pace-6", "product"],
    ["/search?q=trail", "search"],
    ["/bestsellers", "bestsellers"],
    ["/faq", "faq"],
  ];

  it.each(catalogPages)("serves %s as a cacheable %s page", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=60");
    expect(res.headers.get("set-cookie")).toBeNull();
    const body = await res.text();
    expect(body).toContain(`<meta name="page-type" content="${type}"`);
    expect(body).toMatch(new RegExp(`<body\\s+data-page-type="${type}"`));
    expect(pageTypeOf(new URL(path, shop.url).pathname)).toBe(type);
  });

  it.each([
    ["/cart", "cart"],
    ["/checkout", "checkout"],
  ] as const)("serves %s privately", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toContain(`<meta name="page-type" content="${type}"`);
  });

  it("serves the stylesheet, images, catalog JSON and robots.txt", async () => {
    const css = await get("/assets/shop.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await css.text()).toContain(".vt-slot");
    const home = await (await get("/")).text();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(home)![1]!;
    expect(href).toMatch(/^\/assets\/shop\.css\?v=/);
    expect((await get(href)).status).toBe(200);

    const svg = await get("/img/p-0001.svg");
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("cache-control")).toBe("public, max-age=86400");
    const text = await svg.text();
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain(`aria-label="${index.byId.get("p-0001")!.name}"`);

    const json = await get("/api/products.json");
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const data = (await json.json()) as {
      categories: { id: string }[];
      products: (Product & { url: string })[];
    };
    expect(data.products.map((p) => p.id)).toEqual(index.products.map((p) => p.id));
    expect(data.categories).toHaveLength(6);
    expect(data.products[0]).toMatchObject({
      ...index.products[0],
      url: `/p/${index.products[0]!.slug}`,
    });

    const robots = await get("/robots.txt");
    expect(robots.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await robots.text()).toContain("Disallow: /checkout");
  });

  it("answers unknown pages, products, categories, images and orders with 404", async () => {
    for (const path of [
      "/nope",
      "/p/no-such-product",
      "/c/no-such-category",
      "/img/p-9999.svg",
      "/order/o-unknown",
      "/c/phones/extra",
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(await res.text(), path).toContain("Page not found");
    }
    expect((await get("/order/o-unknown")).headers.get("cache-control")).toBe("private, no-store");
  });

  it("refuses wrong methods with 405 and an Allow header", async () => {
    const del = await get("/", { method: "DELETE" });
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, HEAD");
    const postCart = await post("/cart", {});
    expect(postCart.status).toBe(405);
    const getAdd = await get("/cart/add");
    expect(getAdd.status).toBe(405);
    expect(getAdd.headers.get("allow")).toBe("POST");
  });

  it("redirects a trailing slash to the canonical path", async () => {
    const res = await get("/c/phones/?sort=rating");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/c/phones?sort=rating");
  });

  it("answers HEAD with GET's headers and no body", async () => {
    for (const path of ["/", "/p/kestrel-pace-6", "/assets/shop.css", "/img/p-0002.svg"]) {
      const [head, full] = await Promise.all([get(path, { method: "HEAD" }), get(path)]);
      const body = await full.arrayBuffer();
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe(full.headers.get("content-type"));
      expect(head.headers.get("cache-control")).toBe(full.headers.get("cache-control"));
      expect(Number(head.headers.get("content-length"))).toBe(body.byteLength);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
  });

  it("streams the benchmark's large page in chunks, complete and never cached", async () => {
    const res = await get("/bench/large-page?mb=2");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-length")).toBeNull();
    let chunks = 0;
    let body = "";
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      chunks++;
      body += decoder.decode(chunk, { stream: true });
    }
    const bytes = Buffer.byteLength(body);
    expect(bytes).toBeGreaterThan(1.9 * 1024 * 1024);
    expect(bytes).toBeLessThan(2.3 * 1024 * 1024);
    expect(chunks).toBeGreaterThan(5);
    expect(body).toMatch(/^<!doctype html>/);
    expect(body).toMatch(/<\/html>\s*$/);
    for (const id of ["promo-banner", "category-top", "sidebar"]) {
      expect(body.split(`id="${id}"`)).toHaveLength(2);
    }
    // The whole catalog, repeated: every product card appears the same number of times.
    const counts = new Map<string, number>();
    for (const id of productIds(body)) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(index.products.length);
    expect(new Set(counts.values()).size).toBe(1);
  });

  it("revalidates the stylesheet and images with ETag / If-None-Match", async () => {
    for (const path of ["/assets/shop.css", "/img/p-0003.svg"]) {
      const first = await get(path);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await get(path, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(again.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
      expect((await again.arrayBuffer()).byteLength).toBe(0);
      expect((await get(path, { headers: { "if-none-match": `W/${etag}, "other"` } })).status).toBe(
        304,
      );
      expect((await get(path, { headers: { "if-none-match": '"stale"' } })).status).toBe(200);
    }
  });
});

describe("demo shop: catalog pages", () => {
  it("embeds schema.org Product JSON-LD that matches the catalog", async () => {
    const cases = [
      find((p) => p.stock > 5 && p.reviewCount > 0),
      find((p) => p.stock === 0),
      find((p) => p.stock >= 1 && p.stock <= 5),
      find((p) => p.reviewCount === 0),
    ];
    const expected = { InStock: cases[0]!, OutOfStock: cases[1]!, LimitedAvailability: cases[2]! };
    for (const p of cases) {
      const body = await (await get(`/p/${p.slug}`)).text();
      const blocks = [
        ...body.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g),
      ];
      expect(blocks).toHaveLength(1);
      const ld = JSON.parse(blocks[0]![1]!);
      expect(ld).toMatchObject({
        "@context": "https://schema.org",
        "@type": "Product",
        name: p.name,
        sku: p.sku,
        productID: p.id,
        brand: { "@type": "Brand", name: p.brand },
        category: index.categoryById.get(p.categoryId)!.name,
        image: p.imageUrl,
        offers: { "@type": "Offer", price: (p.priceCents / 100).toFixed(2), priceCurrency: "EUR" },
      });
      expect(ld.offers.price).toMatch(/^\d+\.\d{2}$/);
      if (p.reviewCount > 0) {
        expect(ld.aggregateRating).toEqual({
          "@type": "AggregateRating",
          ratingValue: p.rating,
          reviewCount: p.reviewCount,
        });
      } else expect(ld.aggregateRating).toBeUndefined();
      expect(body).toContain(`data-product-id="${p.id}"`);
    }
    for (const [availability, p] of Object.entries(expected)) {
      const body = await (await get(`/p/${p.slug}`)).text();
      expect(body).toContain(`"availability":"https://schema.org/${availability}"`);
    }
    const rated = await (await get(`/p/${cases[0]!.slug}`)).text();
    expect(rated.match(/<article class="review">/g)).toHaveLength(3);
    const soldOut = await (await get(`/p/${cases[1]!.slug}`)).text();
    expect(soldOut).toMatch(/<button class="btn" type="submit"\s+disabled/);
  });

  it("filters and sorts category listings from query parameters", async () => {
    const phones = index.byCategory.get("phones")!;
    const asc = productIds(await (await get("/c/phones?sort=price_asc")).text());
    expect(asc).toHaveLength(phones.length);
    const prices = asc.map((id) => index.byId.get(id)!.priceCents);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const desc = productIds(await (await get("/c/phones?sort=price_desc")).text());
    expect(desc[0]).toBe(asc.at(-1));

    const lumio = productIds(await (await get("/c/phones?brand=Lumio&brand=Orbix")).text());
    expect(lumio.length).toBe(
      phones.filter((p) => p.brand === "Lumio" || p.brand === "Orbix").length,
    );
    expect(lumio.every((id) => ["Lumio", "Orbix"].includes(index.byId.get(id)!.brand))).toBe(true);

    const ranged = productIds(await (await get("/c/phones?min=300&max=600&instock=1")).text());
    const expected = phones.filter(
      (p) => p.priceCents >= 30000 && p.priceCents <= 60000 && p.stock > 0,
    );
    expect(new Set(ranged)).toEqual(new Set(expected.map((p) => p.id)));

    const rated = productIds(await (await get("/c/home?sort=rating")).text()).map(
      (id) => index.byId.get(id)!.rating,
    );
    expect(rated).toEqual([...rated].sort((a, b) => b - a));
    // Nonsense parameters fall back to the full, featured listing.
    const junk = productIds(await (await get("/c/phones?sort=drop&min=abc")).text());
    expect(junk).toHaveLength(phones.length);
  });

  it("searches names, brands and tags, and escapes the query", async () => {
    const kestrel = productIds(await (await get("/search?q=kestrel")).text());
    expect(kestrel.length).toBe(index.products.filter((p) => p.brand === "Kestrel").length);
    const waterproof = productIds(await (await get("/search?q=waterproof+trail")).text());
    expect(waterproof.length).toBeGreaterThan(0);
    expect(waterproof.every((id) => index.byId.get(id)!.tags.includes("waterproof"))).toBe(true);

    const attack = "<script>alert(1)</script>";
    const body = await (await get(`/search?q=${encodeURIComponent(attack)}`)).text();
    expect(body).not.toContain("<script>alert(1)");
    expect(body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    const quote = await (await get(`/search?q=${encodeURIComponent('"><img src=x>')}`)).text();
    expect(quote).not.toContain("<img src=x>");
  });

  it("ranks bestsellers by popularity", async () => {
    const ids = productIds(await (await get("/bestsellers")).text());
    expect(ids).toEqual(bestsellers(index.products).map((p) => p.id));
    expect(ids).toHaveLength(24);
  });
});

describe("demo shop: personalization slots", () => {
  const slotCount = (body: string, id: SlotId) =>
    (
      body.match(
        new RegExp(`<(section|div|aside) id="${id}" class="vt-slot" data-slot="${id}">`, "g"),
      ) ?? []
    ).length;

  it("renders every slot exactly once on each page type it belongs to, and nowhere else", async () => {
    const p = inStock();
    const add = await post("/cart/add", { productId: p.id, qty: "1" });
    const cookie = cookieOf(add);
    const checkout = await post(
      "/checkout",
      {
        name: "Ada",
        email: "ada@example.com",
        address: "Main 1",
        city: "Kraków",
        postalCode: "30-001",
        country: "PL",
      },
      cookie,
    );
    const pages: Record<string, string> = {
      home: "/",
      category: "/c/home",
      product: `/p/${p.slug}`,
      search: "/search?q=lamp",
      bestsellers: "/bestsellers",
      faq: "/faq",
      cart: "/cart",
      checkout: "/checkout",
      order: checkout.headers.get("location")!,
    };
    for (const [type, path] of Object.entries(pages)) {
      for (const withCart of type === "cart" || type === "checkout" ? [false, true] : [false]) {
        const body = await (await get(path, { headers: withCart ? { cookie } : {} })).text();
        for (const id of SLOT_IDS) {
          const expected = (SLOTS[id].pages as readonly string[]).includes(type) ? 1 : 0;
          expect(slotCount(body, id), `${id} on ${type}${withCart ? " (cart)" : ""}`).toBe(
            expected,
          );
        }
      }
    }
    expect(SLOT_IDS).toEqual([
      "hero",
      "promo-banner",
      "recommendations",
      "product-badges",
      "product-extras",
      "cart-offers",
      "checkout-offers",
      "help-prompt",
      "category-top",
      "sidebar",
    ]);
  });
});

describe("demo shop: cart and checkout", () => {
  it("adds to the cookie cart, shows it, removes from it", async () => {
    const a = inStock();
    const b = find((p) => p.stock > 10 && p.id !== a.id && p.categoryId !== a.categoryId);
    const add = await post("/cart/add", { productId: a.id, qty: "2" });
    expect(add.status).toBe(303);
    expect(add.headers.get("location")).toBe("/cart");
    expect(add.headers.get("cache-control")).toBe("private, no-store");
    const setCookie = add.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^shop_cart=[^;]+; Path=\/;.*HttpOnly/);
    let cookie = cookieOf(add);
    expect(JSON.parse(decodeURIComponent(cookie.slice("shop_cart=".length)))).toEqual({
      [a.id]: 2,
    });

    const more = await post(
      "/cart/add",
      { productId: a.id, qty: "1", back: `/p/${a.slug}` },
      cookie,
    );
    expect(more.headers.get("location")).toBe(`/p/${a.slug}`);
    cookie = cookieOf(more);
    cookie = cookieOf(await post("/cart/add", { productId: b.id }, cookie));
    expect(JSON.parse(decodeURIComponent(cookie.slice("shop_cart=".length)))).toEqual({
      [a.id]: 3,
      [b.id]: 1,
    });

    const cart = await (await get("/cart", { headers: { cookie } })).text();
    expect(cart).toContain(`data-product-id="${a.id}"`);
    expect(cart).toContain(`data-product-id="${b.id}"`);
    expect(cart).toContain("Cart (4)");

    const removed = await post("/cart/remove", { productId: a.id }, cookie);
    expect(removed.status).toBe(303);
    cookie = cookieOf(removed);
    const after = await (await get("/cart", { headers: { cookie } })).text();
    expect(after).not.toContain(`<tr data-product-id="${a.id}"`);
    const emptied = await post("/cart/remove", { productId: b.id }, cookie);
    expect(emptied.headers.getSetCookie()[0]).toMatch(/^shop_cart=; Path=\/; Max-Age=0/);
  });

  it("refuses unknown and sold-out products, and ignores a malformed cookie", async () => {
    expect((await post("/cart/add", { productId: "p-9999" })).status).toBe(400);
    const soldOut = find((p) => p.stock === 0);
    const res = await post("/cart/add", { productId: soldOut.id });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/p/${soldOut.slug}`);
    expect(res.headers.get("set-cookie")).toBeNull();
    const junk = await get("/cart", { headers: { cookie: "shop_cart=%7Bnot-json" } });
    expect(junk.status).toBe(200);
    expect(await junk.text()).toContain("Your cart is empty");
  });

  it("checks out: validation errors, then an order confirmation with the right total", async () => {
    const p = inStock();
    const cookie = cookieOf(await post("/cart/add", { productId: p.id, qty: "2" }));
    const page = await (await get("/checkout", { headers: { cookie } })).text();
    expect(page).toContain('<form class="form" action="/checkout" method="post">');

    const invalid = await post("/checkout", { name: "", email: "nope" }, cookie);
    expect(invalid.status).toBe(422);
    const errors = await invalid.text();
    expect(errors).toContain("Please enter your name.");
    expect(errors).toContain("Please enter a valid e-mail address.");

    const done = await post(
      "/checkout",
      {
        name: "Zoë <b>O'Neil</b>",
        email: "zoe@example.com",
        address: "Długa 5",
        city: "Gdańsk",
        postalCode: "80-001",
        country: "PL",
        shipping: "standard",
        payment: "blik",
        gift: "1",
      },
      cookie,
    );
    expect(done.status).toBe(303);
    const location = done.headers.get("location")!;
    expect(location).toMatch(/^\/order\/o-[0-9a-f]{16}$/);
    expect(done.headers.getSetCookie()[0]).toMatch(/^shop_cart=; /);

    const order = await get(location);
    expect(order.status).toBe(200);
    expect(order.headers.get("cache-control")).toBe("private, no-store");
    const body = await order.text();
    expect(body).toContain('<meta name="page-type" content="order"');
    expect(body).toContain("Thank you, Zoë &lt;b&gt;O&#39;Neil&lt;/b&gt;!");
    expect(body).toContain("Gift wrapped");
    const subtotal = p.priceCents * 2;
    const total = subtotal + (subtotal >= 5000 ? 0 : 499);
    const euros = `€${Math.floor(total / 100).toLocaleString("en")}.${String(total % 100).padStart(2, "0")}`;
    expect(body).toContain(`<span id="order-total">${euros}</span>`);
    expect(body).toContain(`<tr data-product-id="${p.id}">`);

    // An empty cart cannot be checked out.
    const empty = await post("/checkout", { name: "x" });
    expect(empty.status).toBe(303);
    expect(empty.headers.get("location")).toBe("/cart");
  });
});

describe("demo shop: startup", () => {
  it("rejects a port that is taken, and serves a custom catalog", async () => {
    await expect(startShop({ port: shop.port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    const small = generateCatalog({ seed: 3 });
    small.products = small.products.slice(0, 5);
    const other = await startShop({ catalog: small });
    try {
      const data = (await (await fetch(`${other.url}/api/products.json`)).json()) as {
        products: unknown[];
      };
      expect(data.products).toHaveLength(5);
    } finally {
      await other.close();
    }
  });

  it("CLI: names the taken port and exits 1", async () => {
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", String(shop.port)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `shop: port ${shop.port} is already in use; stop what is using it or pass --port <another>`,
    );
  });

  it("CLI: serves on the given port and stops cleanly on SIGINT", async () => {
    const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    expect((await fetch(`${url}/robots.txt`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
