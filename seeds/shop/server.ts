import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { indexCatalog } from "../catalog-index.ts";
import { generateCatalog, type Catalog } from "../catalog.ts";
import { cartCookie, cartLines, MAX_QTY, readCart } from "./cart.ts";
import type { ShopContext } from "./context.ts";
import { CACHE, HttpError, htmlReply, readForm, redirect, send, type Reply } from "./http.ts";
import { productSvg } from "./images.ts";
import { OrderStore } from "./orders.ts";
import { bestsellersPage } from "./pages/bestsellers.ts";
import { cartPage } from "./pages/cart.ts";
import { categoryPage } from "./pages/category.ts";
import { checkoutPage, shippingCost, validateCheckout } from "./pages/checkout.ts";
import { faqPage } from "./pages/faq.ts";
import { homePage } from "./pages/home.ts";
import { LARGE_PAGE_PATH, sendLargePage } from "./pages/large.ts";
import { paddedPage } from "./pages/padded.ts";
import { errorPage, notFoundPage } from "./pages/not-found.ts";
import { orderPage } from "./pages/order.ts";
import { productPage } from "./pages/product.ts";
import { searchPage } from "./pages/search.ts";
import { spaPage } from "./pages/spa.ts";
import { SHOP_CSS } from "./styles.ts";
import { orderPath, parseListing, productPath } from "./urls.ts";

export type ShopOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Defaults to the seeded demo catalog, the same one `npm run seed` loads. */
  catalog?: Catalog;
};

export type ShopServer = { url: string; port: number; close(): Promise<void> };

const ROBOTS =
  "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: /order/\nDisallow: /search\n";

/** The demo shop origin: server-rendered pages over the demo catalog, a cookie cart, orders in memory. */
export function startShop(opts: ShopOptions = {}): Promise<ShopServer> {
  const catalog = opts.catalog ?? generateCatalog();
  const ctx: ShopContext = { index: indexCatalog(catalog), orders: new OrderStore() };
  const productsJson = JSON.stringify({
    categories: ctx.index.categories,
    products: ctx.index.products.map((p) => ({ ...p, url: productPath(p.slug) })),
  });
  const images = new Map<string, string>();
  const assets = { productsJson, images };

  const server = createServer((req, res) => {
    // The benchmark's 5 MB page streams in chunks, so it is written here, not as one Reply.
    const url = new URL(req.url ?? "/", "http://shop.local");
    if (url.pathname === LARGE_PAGE_PATH && (req.method === "GET" || req.method === "HEAD")) {
      sendLargePage(ctx, req, res, url).catch(() => res.destroy());
      return;
    }
    handle(ctx, assets, req)
      .catch((err: unknown) => failure(ctx, err))
      .then((reply) => send(req, res, reply))
      .catch(() => res.destroy());
  });
  const host = opts.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            // Keep-alive sockets would hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

const SPA_SCRIPT = readFileSync(new URL("./spa/spa-app.js", import.meta.url), "utf8");

type Assets = { productsJson: string; images: Map<string, string> };

const GET_ROUTES =
  /^\/($|c\/|p\/|search$|bestsellers$|cart$|checkout$|order\/|faq$|img\/|assets\/|api\/|spa\b|robots\.txt$)/;
const POST_ROUTES = new Set(["/cart/add", "/cart/remove", "/checkout"]);

async function handle(ctx: ShopContext, assets: Assets, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://shop.local");
  const path = url.pathname;
  const method = req.method ?? "GET";

  if (method === "POST" && POST_ROUTES.has(path)) return post(ctx, req, path);
  if (path === "/cart/add" || path === "/cart/remove") return methodNotAllowed("POST");
  if (method !== "GET" && method !== "HEAD") {
    if (POST_ROUTES.has(path))
      return methodNotAllowed(path === "/checkout" ? "GET, HEAD, POST" : "POST");
    if (GET_ROUTES.test(path)) return methodNotAllowed("GET, HEAD");
    return notFound(ctx);
  }
  if (path.length > 1 && path.endsWith("/")) {
    return {
      ...redirect(path.replace(/\/+$/, "") + url.search),
      status: 301,
      cacheControl: CACHE.catalog,
    };
  }
  const segment = (prefix: string, suffix = "") => {
    if (!path.startsWith(prefix) || !path.endsWith(suffix)) return null;
    const raw = path.slice(prefix.length, path.length - suffix.length);
    if (!raw || raw.includes("/")) return null;
    try {
      return decodeURIComponent(raw);
    } catch {
      return null;
    }
  };
  const { index } = ctx;
  const page = (body: Parameters<typeof htmlReply>[0]) => htmlReply(body, CACHE.catalog);

  if (path === "/") return page(homePage(ctx));
  const categoryId = segment("/c/");
  if (categoryId !== null) {
    const category = index.categoryById.get(categoryId);
    return category
      ? page(categoryPage(ctx, category, parseListing(url.searchParams)))
      : notFound(ctx);
  }
  const slug = segment("/p/");
  if (slug !== null) {
    const product = index.bySlug.get(slug);
    return product
      ? page(paddedPage(productPage(ctx, product), url.searchParams.get("kb")))
      : notFound(ctx, "This product is no longer in our catalog.");
  }
  if (path === "/search") return page(searchPage(ctx, url.searchParams.get("q") ?? ""));
  if (path === "/bestsellers") return page(bestsellersPage(ctx));
  if (path === "/faq") return page(faqPage(ctx));
  // The single-page example: one shell for all its client-side routes.
  if (path === "/spa" || path.startsWith("/spa/p/")) return page(spaPage(ctx));
  if (path === "/assets/spa.js") {
    return {
      status: 200,
      contentType: "text/javascript; charset=utf-8",
      cacheControl: CACHE.asset,
      body: SPA_SCRIPT,
      etag: true,
    };
  }
  // Pages built from the visitor's cookie or order: never shared, never stored.
  if (path === "/cart")
    return htmlReply(cartPage(ctx, readCart(req.headers.cookie, index)), CACHE.private);
  if (path === "/checkout") {
    return htmlReply(checkoutPage(ctx, readCart(req.headers.cookie, index)), CACHE.private);
  }
  const orderId = segment("/order/");
  if (orderId !== null) {
    const order = ctx.orders.get(orderId);
    return order
      ? htmlReply(orderPage(ctx, order), CACHE.private)
      : htmlReply(notFoundPage(ctx, "We could not find that order."), CACHE.private, 404);
  }
  const imageId = segment("/img/", ".svg");
  if (imageId !== null) {
    const product = index.byId.get(imageId);
    if (!product) return notFound(ctx);
    let svg = assets.images.get(product.id);
    if (!svg) assets.images.set(product.id, (svg = productSvg(product)));
    return {
      status: 200,
      contentType: "image/svg+xml",
      cacheControl: CACHE.image,
      body: svg,
      etag: true,
    };
  }
  if (path === "/assets/shop.css") {
    return {
      status: 200,
      contentType: "text/css; charset=utf-8",
      cacheControl: CACHE.asset,
      body: SHOP_CSS,
      etag: true,
    };
  }
  if (path === "/api/products.json") {
    return {
      status: 200,
      contentType: "application/json; charset=utf-8",
      cacheControl: CACHE.catalog,
      body: assets.productsJson,
      headers: { "access-control-allow-origin": "*" },
      etag: true,
    };
  }
  if (path === "/robots.txt") {
    return {
      status: 200,
      contentType: "text/plain; charset=utf-8",
      cacheControl: "public, max-age=86400",
      body: ROBOTS,
    };
  }
  return notFound(ctx);
}

async function post(ctx: ShopContext, req: IncomingMessage, path: string): Promise<Reply> {
  const fields = await readForm(req);
  const { index } = ctx;
  const cart = readCart(req.headers.cookie, index);
  if (path === "/checkout") {
    const lines = cartLines(cart, index);
    if (lines.length === 0) return redirect("/cart");
    const { form, errors } = validateCheckout(fields);
    if (errors.length > 0)
      return htmlReply(checkoutPage(ctx, cart, form, errors), CACHE.private, 422);
    const subtotal = lines.reduce((sum, l) => sum + l.totalCents, 0);
    const order = ctx.orders.create({
      lines,
      shippingCents: shippingCost(form.shipping, subtotal),
      isGift: form.gift,
      customer: {
        name: form.name,
        email: form.email,
        address: form.address,
        city: form.city,
        postalCode: form.postalCode,
        country: form.country,
      },
      shipping: form.shipping,
      payment: form.payment,
    });
    return redirect(orderPath(order.id), { "set-cookie": cartCookie(new Map()) });
  }

  const productId = fields.get("productId") ?? fields.get("product_id") ?? "";
  const product = index.byId.get(productId);
  if (!product) throw new HttpError(400, "That product does not exist.");
  const back = safeBack(fields.get("back"));
  if (path === "/cart/remove") {
    cart.delete(product.id);
    return redirect(back, { "set-cookie": cartCookie(cart) });
  }
  // Sold out: back to the product page, which says so.
  if (product.stock <= 0) return redirect(productPath(product.slug));
  const qty = Math.max(
    1,
    Math.floor(Number(fields.get("qty") ?? fields.get("quantity") ?? 1)) || 1,
  );
  cart.set(product.id, Math.min((cart.get(product.id) ?? 0) + qty, MAX_QTY, product.stock));
  return redirect(back, { "set-cookie": cartCookie(cart) });
}

/** Only same-site paths: a form must not turn the shop into an open redirect. */
function safeBack(value: string | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\"))
    return "/cart";
  return value;
}

function notFound(ctx: ShopContext, message?: string): Reply {
  return htmlReply(notFoundPage(ctx, message), CACHE.catalog, 404);
}

function methodNotAllowed(allow: string): Reply {
  return {
    status: 405,
    contentType: "text/plain; charset=utf-8",
    cacheControl: CACHE.private,
    body: "Method not allowed\n",
    headers: { allow },
  };
}

function failure(ctx: ShopContext, err: unknown): Reply {
  if (err instanceof HttpError) {
    return htmlReply(
      errorPage(ctx, err.status === 400 ? "Bad request" : "Request refused", err.message),
      CACHE.private,
      err.status,
    );
  }
  console.error("shop:", err);
  return htmlReply(
    errorPage(ctx, "Something went wrong", "Please try again in a moment."),
    CACHE.private,
    500,
  );
}
