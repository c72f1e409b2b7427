import type { StorefrontPreset } from "./preset.ts";

/**
 * WooCommerce with its "Storefront" theme and default permalinks (product base `product`,
 * category base `product-category`, pages `shop`, `cart`, `checkout`, `my-account`). Hooks are
 * Storefront's page frame (`#primary` > `main.site-main`) and WooCommerce's classic templates
 * (content-single-product.php, loop/loop-start.php, cart/cart.php, cart/cart-totals.php).
 * Uncertain: the Cart and Checkout *blocks* (the default for stores created since WooCommerce
 * 8.3) render other markup; `cart-summary` targets the classic [woocommerce_cart] page.
 */
export const woocommerceStorefront: StorefrontPreset = {
  title: "WooCommerce, Storefront theme (classic cart and product templates)",
  pageRules: [
    // Product search is `/?s=term&post_type=product`: rules see only the path, so it is "home".
    { pattern: "/", pageType: "home" },
    { pattern: "/product/:slug", pageType: "product" },
    { pattern: "/product-category/:parent/:categoryId", pageType: "category" },
    { pattern: "/product-category/:categoryId", pageType: "category" },
    { pattern: "/product-category/*", pageType: "category" },
    { pattern: "/shop", pageType: "category", params: { categoryId: "shop" } },
    { pattern: "/cart", pageType: "cart" },
    { pattern: "/checkout/order-received/:id", pageType: "order" },
    { pattern: "/checkout/*", pageType: "checkout" },
    { pattern: "/my-account/*", pageType: "other" },
  ],
  slots: {
    banner: {
      selector: "main.site-main",
      action: "prepend",
      description: "Top of the main content on every page (Storefront's <main class=site-main>)",
    },
    "product-info": {
      selector: ".summary.entry-summary",
      action: "append",
      pageTypes: ["product"],
      description: "End of the product summary (title, price, short description, add to cart)",
    },
    "add-to-cart": {
      selector: "form.cart",
      action: "before",
      pageTypes: ["product"],
      description: "Just above the add-to-cart form",
    },
    listing: {
      selector: "ul.products",
      action: "before",
      pageTypes: ["category"],
      description: "Above the product loop of a category or the shop page (first ul.products)",
    },
    "cart-summary": {
      selector: ".cart_totals",
      action: "prepend",
      pageTypes: ["cart"],
      description: "Top of the cart totals box (classic cart page)",
    },
  },
};
