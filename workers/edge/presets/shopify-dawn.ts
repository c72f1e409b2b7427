import type { StorefrontPreset } from "./preset.ts";

/**
 * Shopify, Online Store 2.0 default theme "Dawn". URLs are fixed by Shopify (`/products/`,
 * `/collections/`, `/cart`, `/search`); hooks are the ids and BEM classes of Dawn's sections
 * (layout/theme.liquid, sections/main-product.liquid, main-collection-product-grid.liquid,
 * main-cart-footer.liquid). Themes derived from Dawn mostly keep them; other themes do not.
 */
export const shopifyDawn: StorefrontPreset = {
  title: "Shopify, Dawn (default Online Store 2.0 theme)",
  pageRules: [
    { pattern: "/", pageType: "home" },
    // A product reached from a collection keeps the collection in its URL.
    {
      pattern: "/collections/:categoryId/products/:slug",
      pageType: "product",
    },
    { pattern: "/products/:slug", pageType: "product" },
    { pattern: "/collections/:categoryId", pageType: "category" },
    { pattern: "/search", pageType: "search" },
    { pattern: "/cart", pageType: "cart" },
    // Checkout runs on Shopify's own checkout; it only reaches the proxy on custom setups.
    { pattern: "/checkouts/*", pageType: "checkout" },
    { pattern: "/pages/*", pageType: "other" },
    { pattern: "/blogs/*", pageType: "other" },
    { pattern: "/account/*", pageType: "other" },
  ],
  slots: {
    banner: {
      selector: "#MainContent",
      action: "prepend",
      description: "Top of the main content on every page (<main id=MainContent>)",
    },
    "product-info": {
      selector: ".product__info-container",
      action: "append",
      pageTypes: ["product"],
      description: "End of the product information column (title, price, buy buttons)",
    },
    "add-to-cart": {
      selector: ".product-form__buttons",
      action: "before",
      pageTypes: ["product"],
      description: "Just above the add-to-cart and dynamic checkout buttons",
    },
    listing: {
      selector: "#product-grid",
      action: "before",
      pageTypes: ["category", "search"],
      description: "Above the product grid of a collection or search results",
    },
    "cart-summary": {
      selector: ".cart__footer",
      action: "prepend",
      pageTypes: ["cart"],
      description: "Top of the cart footer (subtotal and checkout button)",
    },
  },
};
