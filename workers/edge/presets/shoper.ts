import type { StorefrontPreset } from "./preset.ts";

/**
 * Shoper (shoper.pl) with a classic RWD template. The URL layout is Shoper's own and the same
 * on every shop: `/{lang}/p/{name}/{id}` products, `/{lang}/c/{name}/{id}` categories,
 * `/{lang}/basket`. GUESSES, to confirm on a live shop with the doctor: Shoper publishes no
 * theme markup reference we could check, so the slot hooks are the box ids its templates are
 * commonly customized by (`#box_productfull`, `#box_mainproducts`, `#box_basketlist`) and
 * `#content` for the main column. The newer "Storefront" templates may use other markup.
 */
export const shoper: StorefrontPreset = {
  title: "Shoper (classic RWD templates; slot hooks are unverified guesses)",
  pageRules: [
    { pattern: "/", pageType: "home" },
    { pattern: "/pl", pageType: "home" },
    { pattern: "/en", pageType: "home" },
    { pattern: "/:lang/p/:name/:slug", pageType: "product" },
    { pattern: "/:lang/c/:name/:categoryId", pageType: "category" },
    { pattern: "/:lang/c/:name/:categoryId/*", pageType: "category" },
    { pattern: "/:lang/basket", pageType: "cart" },
    // Guesses: the basket's later steps and the search results path.
    { pattern: "/:lang/basket/*", pageType: "checkout" },
    { pattern: "/:lang/searchquery/*", pageType: "search" },
  ],
  slots: {
    banner: {
      selector: "#content",
      action: "prepend",
      description: "Top of the main column on every page (guess: #content)",
    },
    "product-info": {
      selector: "#box_productfull",
      action: "append",
      pageTypes: ["product"],
      description: "End of the product card box (guess: #box_productfull)",
    },
    listing: {
      selector: "#box_mainproducts",
      action: "before",
      pageTypes: ["category", "search"],
      description: "Above the category's product list box (guess: #box_mainproducts)",
    },
    "cart-summary": {
      selector: "#box_basketlist",
      action: "after",
      pageTypes: ["cart"],
      description: "Below the basket's product list (guess: #box_basketlist)",
    },
  },
};
