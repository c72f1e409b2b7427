import type { StorefrontPreset } from "./preset.ts";

/**
 * Magento Open Source / Adobe Commerce 2 with the Luma theme and default SEO settings (`.html`
 * suffixes, "Use Categories Path for Product URLs" off). Hooks are Luma's page layout
 * (`main#maincontent` > `.columns` > `.column.main`) and the Magento_Catalog / Magento_Checkout
 * templates (`.product-info-main`, `.box-tocart`, `.products.wrapper`, `.cart-summary`).
 *
 * URL ambiguity: a product (`/joust-duffle-bag.html`) and a top-level category (`/gear.html`)
 * look alike. One-segment `.html` pages are typed "product"; list your top-level categories in
 * the config's own pageRules (they come first). Product slots only match product markup, so
 * a category typed "product" is left unchanged. Luma marks products up with microdata, not
 * JSON-LD, so the runtime's JSON-LD product lookup finds nothing on stock Luma pages.
 */
export const magentoLuma: StorefrontPreset = {
  title: "Magento 2 / Adobe Commerce, Luma theme",
  pageRules: [
    { pattern: "/", pageType: "home" },
    { pattern: "/checkout/cart", pageType: "cart" },
    { pattern: "/checkout/cart/*", pageType: "cart" },
    { pattern: "/checkout/onepage/success", pageType: "order" },
    { pattern: "/checkout/*", pageType: "checkout" },
    { pattern: "/catalogsearch/*", pageType: "search" },
    { pattern: "/customer/*", pageType: "other" },
    { pattern: "/catalog/product/view/id/:slug/*", pageType: "product" },
    { pattern: "/catalog/category/view/id/:categoryId/*", pageType: "category" },
    { pattern: "/:parent/:sub/:categoryId.html", pageType: "category" },
    { pattern: "/:parent/:categoryId.html", pageType: "category" },
    { pattern: "/:slug.html", pageType: "product" },
  ],
  slots: {
    banner: {
      selector: ".column.main",
      action: "prepend",
      description: "Top of the main column on every page (Luma's div.column.main)",
    },
    "product-info": {
      selector: ".product-info-main",
      action: "append",
      pageTypes: ["product"],
      description: "End of the product information column (title, price, add to cart)",
    },
    "add-to-cart": {
      selector: ".box-tocart",
      action: "before",
      pageTypes: ["product"],
      description: "Just above the quantity field and add-to-cart button",
    },
    listing: {
      selector: ".products.wrapper",
      action: "before",
      pageTypes: ["category", "search"],
      description: "Above the product grid or list of a category or search results",
    },
    "cart-summary": {
      selector: ".cart-summary",
      action: "prepend",
      pageTypes: ["cart"],
      description: "Top of the cart summary box (its totals are filled in by Luma's scripts)",
    },
  },
};
