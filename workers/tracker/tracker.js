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

  /**
   * @param {string} type
   * @param {Record<string, unknown>} data
   * @param {string | null} productId
   */
  const send = (type, data, productId) => {
    const event = {
      id: newId(),
      type,
      at: Date.now(),
      path: location.pathname,
      pageType,
      productId,
      data,
    };
    const body = JSON.stringify({ events: [event] });
    // sendBeacon survives navigation (a click usually leaves the page); fetch is the fallback.
    const queued =
      navigator.sendBeacon &&
      navigator.sendBeacon(endpoint, new Blob([body], { type: "application/json" }));
    if (!queued) {
      void fetch(endpoint, {
        method: "POST",
        body,
        keepalive: true,
        headers: { "content-type": "application/json" },
      });
    }
  };

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
      );
    },
    { capture: true },
  );

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
      const quantity = Number(fields.get("qty") || fields.get("quantity") || 1) || 1;
      if (/\/cart\/add\b/.test(action)) send("add_to_cart", { quantity }, productId);
      else if (/\/cart\/remove\b/.test(action)) send("remove_from_cart", { quantity }, productId);
    },
    { capture: true },
  );
}
