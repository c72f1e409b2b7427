import type { StorefrontPreset } from "./preset.ts";

/**
 * PrestaShop 1.7 / 8 with the "classic" theme, friendly URLs on and the default routes
 * (products `{category:/}{id}{-:id_product_attribute}-{rewrite}.html`, categories
 * `{id}-{rewrite}`), one language without a `/en/` prefix. Hooks are the classic theme's
 * layout (`#wrapper` > `#content-wrapper`) and templates (catalog/product.tpl's
 * `.product-actions`, catalog/listing's `#js-product-list`, checkout/cart.tpl's `.cart-summary`).
 *
 * Rules see no digits: `/:categoryId-:slug` would also take `/contact-us`, so the theme's own
 * one-segment pages come first as "other". Add any CMS-free page of your shop the same way.
 */
export const prestashopClassic: StorefrontPreset = {
  title: "PrestaShop 1.7 / 8, classic theme",
  pageRules: [
    { pattern: "/", pageType: "home" },
    { pattern: "/cart", pageType: "cart" },
    { pattern: "/order", pageType: "checkout" },
    { pattern: "/order-confirmation", pageType: "order" },
    { pattern: "/search", pageType: "search" },
    { pattern: "/best-sales", pageType: "bestsellers" },
    ...[
      "/prices-drop",
      "/new-products",
      "/contact-us",
      "/my-account",
      "/order-history",
      "/order-follow",
      "/order-slip",
      "/credit-slip",
      "/password-recovery",
      "/guest-tracking",
      "/site-map",
      "/sitemap",
      "/stores",
      "/brands",
      "/suppliers",
      "/login",
      "/identity",
      "/address",
      "/addresses",
      "/discount",
    ].map((pattern) => ({ pattern, pageType: "other" as const })),
    { pattern: "/content/*", pageType: "other" },
    { pattern: "/module/*", pageType: "other" },
    // The category segment is its URL name, not its id: it fills no categoryId.
    { pattern: "/:categoryRewrite/:slug.html", pageType: "product" },
    { pattern: "/:slug.html", pageType: "product" },
    { pattern: "/:categoryId-:rewrite", pageType: "category" },
  ],
  slots: {
    banner: {
      selector: "#content-wrapper",
      action: "prepend",
      description: "Top of the content column on every page (classic's #content-wrapper)",
    },
    "product-info": {
      selector: ".product-actions",
      action: "after",
      pageTypes: ["product"],
      description: "Below the product's variants, quantity and add-to-cart block",
    },
    "add-to-cart": {
      selector: ".product-add-to-cart",
      action: "before",
      pageTypes: ["product"],
      description: "Just above the quantity field and add-to-cart button",
    },
    listing: {
      selector: "#js-product-list",
      action: "before",
      pageTypes: ["category", "search", "bestsellers"],
      description: "Above the product list of a category, search or best sales page",
    },
    "cart-summary": {
      selector: ".cart-summary",
      action: "prepend",
      pageTypes: ["cart"],
      description: "Top of the cart totals card",
    },
  },
};
