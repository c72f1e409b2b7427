// @ts-check
/**
 * The browser half of Vitrine: reports clicks on injected modules and the shop's own cart
 * actions to the events API. Plain JS checked against the DOM types by ./tsconfig.json; the
 * Worker serves its source (see ./tracker-source.ts), so it must not close over anything.
 */
export function vitrineTracker() {
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return;
  const endpoint = script.dataset.endpoint || "/__vitrine/v1/events";
  const pageType = script.dataset.pageType || null;
  const pageProduct = script.dataset.productId || null;
  const newId = () =>
    typeof crypto !== "undefined" && "randomUUID" in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  /** @type {Record<string, unknown>[]} */
  let queue = [];
  let timer = 0;
  // One beacon per burst: events of the same tick (or of a page being left) travel together.
  const flush = () => {
    clearTimeout(timer);
    if (!queue.length) return;
    const body = JSON.stringify({ events: queue.splice(0, 50) });
    // sendBeacon survives navigation (a click usually leaves the page); fetch is the fallback.
    const queued =
      navigator.sendBeacon &&
      navigator.sendBeacon(endpoint, new Blob([body], { type: "text/plain;charset=UTF-8" }));
    if (!queued) {
      void fetch(endpoint, {
        method: "POST",
        body,
        keepalive: true,
        credentials: "include",
        headers: { "content-type": "text/plain;charset=UTF-8" },
      });
    }
    if (queue.length) flush();
  };

  /**
   * @param {string} type
   * @param {Record<string, unknown>} data
   * @param {string | null} productId
   * @param {{ id?: string, valueCents?: number, leaving?: boolean }} [extra]
   */
  const send = (type, data, productId, extra = {}) => {
    queue.push({
      id: extra.id || newId(),
      type,
      at: Date.now(),
      path: location.pathname + location.search,
      pageType,
      productId,
      valueCents: extra.valueCents,
      data,
    });
    clearTimeout(timer);
    // A click or a form submit usually leaves the page: send at once rather than at pagehide.
    if (extra.leaving) flush();
    else timer = window.setTimeout(flush, 50);
  };
  addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });

  const cents = (/** @type {unknown} */ v) => Math.round(Number(v) * 100) || 0;
  const safeId = (/** @type {unknown} */ v) =>
    String(v)
      .replace(/[^A-Za-z0-9_.:-]/g, "")
      .slice(0, 48);
  /**
   * GA4-style `dataLayer` entries most shops already push: purchases, checkout steps, sign-ups
   * and a hashed `user_id` (a login). Ids derive from the shop's own ids, so a reloaded
   * confirmation page is counted once.
   * @param {any} entry
   */
  const fromDataLayer = (entry) => {
    if (!entry || typeof entry !== "object") return;
    const ecommerce = entry.ecommerce || {};
    if (typeof entry.user_id === "string" && /^[a-f0-9]{64}$/.test(entry.user_id))
      send("login", { customer: entry.user_id }, null, {
        id: `login-${entry.user_id.slice(0, 40)}`,
      });
    if (entry.event === "purchase" && ecommerce.transaction_id) {
      const orderId = safeId(ecommerce.transaction_id);
      const lines = (Array.isArray(ecommerce.items) ? ecommerce.items : [])
        .slice(0, 50)
        .map((/** @type {any} */ item) => ({
          productId: safeId(item.item_id),
          quantity: Math.max(1, Math.round(Number(item.quantity) || 1)),
          unitPriceCents: cents(item.price),
        }));
      if (lines.length)
        send(
          "purchase",
          {
            orderId,
            lines,
            currency: String(ecommerce.currency || "EUR").slice(0, 3),
            gift: !!ecommerce.gift,
          },
          null,
          { id: `purchase-${orderId}`, valueCents: cents(ecommerce.value) },
        );
    }
    const steps = {
      begin_checkout: "begin",
      add_shipping_info: "shipping",
      add_payment_info: "payment",
    };
    const step = steps[/** @type {keyof typeof steps} */ (entry.event)];
    if (step) send("checkout_step", { step }, null);
    if (entry.event === "sign_up" || entry.event === "generate_lead")
      send("newsletter_signup", {}, null);
    if (entry.event === "select_promotion")
      send("promo_click", { promo: String(ecommerce.promotion_id || "") }, null);
  };
  const w = /** @type {Window & { dataLayer?: any[] }} */ (window);
  const layer = (w.dataLayer = w.dataLayer || []);
  layer.forEach(fromDataLayer);
  const push = layer.push.bind(layer);
  layer.push = (...entries) => {
    entries.forEach(fromDataLayer);
    return push(...entries);
  };

  // Reading reviews and opening FAQ answers are buyer-mode signals the shop never reports.
  const reviews = document.querySelector("#reviews, [data-reviews], .reviews");
  if (reviews && pageProduct && "IntersectionObserver" in window) {
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      send("review_read", {}, pageProduct);
    });
    seen.observe(reviews);
  }
  document.addEventListener(
    "toggle",
    (event) => {
      const details = event.target instanceof HTMLDetailsElement ? event.target : null;
      if (!details || !details.open) return;
      const topic = (details.querySelector("summary")?.textContent || "").trim().slice(0, 120);
      send(pageType === "faq" ? "faq_open" : "help_open", { topic }, pageProduct);
    },
    { capture: true },
  );

  document.addEventListener(
    "click",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const control = target && target.closest("a, button");
      const module =
        control && /** @type {HTMLElement | null} */ (control.closest("[data-vt-variant]"));
      if (!control || !module) return;
      const card = /** @type {HTMLElement | null} */ (control.closest("[data-vt-product]"));
      send(
        "slot_click",
        {
          slot: module.dataset.vtSlot || null,
          variant: module.dataset.vtVariant || null,
          href: control.getAttribute("href"),
        },
        (card && card.dataset.vtProduct) || pageProduct,
        { leaving: true },
      );
    },
    { capture: true },
  );

  /**
   * A product's schema.org `Product` (JSON-LD) on this page: the one whose productID, sku or
   * @id is `productId`, else the page's only one when it is the page's product.
   * @param {string | null} productId
   * @returns {any}
   */
  const productJsonLd = (productId) => {
    /** @type {any[]} */
    const found = [];
    /** @param {any} node */
    const collect = (node) => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === "object") {
        const type = node["@type"];
        if (type === "Product" || (Array.isArray(type) && type.includes("Product")))
          found.push(node);
        if (node["@graph"]) collect(node["@graph"]);
      }
    };
    document.querySelectorAll('script[type="application/ld+json"]').forEach((script) => {
      try {
        collect(JSON.parse(script.textContent || ""));
      } catch {
        // Malformed JSON-LD is the shop's business; the server prices the line instead.
      }
    });
    const own = found.find((p) =>
      [p.productID, p.sku, p["@id"]].some((id) => id != null && String(id) === productId),
    );
    return own || (found.length === 1 && productId === pageProduct ? found[0] : null);
  };

  /**
   * The unit price (cents) of what a cart form adds, from what the page shows: a `price`
   * field, `data-price-cents` or `data-price` (decimal) on the form or around it, else the
   * product's JSON-LD offer. null when the page does not say: the server then prices it.
   * @param {HTMLFormElement} form
   * @param {FormData} fields
   * @param {string | null} productId
   * @returns {number | null}
   */
  const unitPriceCents = (form, fields, productId) => {
    const field = fields.get("price");
    if (field) return cents(field) || null;
    const holder = /** @type {HTMLElement | null} */ (
      form.closest("[data-price-cents], [data-price]")
    );
    if (holder && holder.dataset.priceCents)
      return Math.round(Number(holder.dataset.priceCents)) || null;
    if (holder && holder.dataset.price) return cents(holder.dataset.price) || null;
    const product = productJsonLd(productId);
    const offers = product && product.offers;
    const offer = Array.isArray(offers) ? offers[0] : offers;
    if (!offer) return null;
    const price = offer.price ?? offer.lowPrice ?? (offer.priceSpecification || {}).price;
    return price == null ? null : cents(price) || null;
  };

  // Cart actions come from the shop's own forms, so the shop needs no change.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target instanceof HTMLFormElement ? event.target : null;
      if (!form) return;
      const action = form.getAttribute("action") || "";
      const fields = new FormData(form);
      const productId =
        String(fields.get("productId") || fields.get("product_id") || "") || pageProduct;
      // Whole units within what the events API accepts (1-999).
      const asked = Math.round(Number(fields.get("qty") || fields.get("quantity") || 1) || 1);
      const quantity = Math.min(999, Math.max(1, asked));
      if (/\/cart\/add\b/.test(action)) {
        // The cart's value (free-delivery nudges) needs the price: price x quantity as value.
        const unit = unitPriceCents(form, fields, productId);
        send(
          "add_to_cart",
          unit ? { quantity, unitPriceCents: unit } : { quantity },
          productId,
          unit ? { leaving: true, valueCents: unit * quantity } : { leaving: true },
        );
      } else if (/\/cart\/remove\b/.test(action))
        send("remove_from_cart", { quantity }, productId, { leaving: true });
    },
    { capture: true },
  );
}
