import type { PageType } from "../model/context.ts";
import type { PresetName } from "./index.ts";

/** The four fixture pages of each preset (fixtures/<preset>/<page>.html). */
export const FIXTURE_PAGES = ["home", "product", "category", "cart"] as const;
export type FixturePage = (typeof FIXTURE_PAGES)[number];

export type UrlCase = {
  path: string;
  pageType: PageType;
  productSlug?: string | null;
  categoryId?: string | null;
};

/**
 * Where each fixture page lives on its platform (the URL a shop with default settings gives
 * it), and what the preset's rules must make of it.
 */
export const FIXTURE_URLS: Record<PresetName, Record<FixturePage, UrlCase>> = {
  "shopify-dawn": {
    home: { path: "/", pageType: "home" },
    product: { path: "/products/wool-beanie", pageType: "product", productSlug: "wool-beanie" },
    category: { path: "/collections/hats", pageType: "category", categoryId: "hats" },
    cart: { path: "/cart", pageType: "cart" },
  },
  "woocommerce-storefront": {
    home: { path: "/", pageType: "home" },
    product: { path: "/product/hand-trowel/", pageType: "product", productSlug: "hand-trowel" },
    category: { path: "/product-category/tools/", pageType: "category", categoryId: "tools" },
    cart: { path: "/cart/", pageType: "cart" },
  },
  "magento-luma": {
    home: { path: "/", pageType: "home" },
    product: {
      path: "/joust-duffle-bag.html",
      pageType: "product",
      productSlug: "joust-duffle-bag",
    },
    category: { path: "/gear/bags.html", pageType: "category", categoryId: "bags" },
    cart: { path: "/checkout/cart/", pageType: "cart" },
  },
  "prestashop-classic": {
    home: { path: "/", pageType: "home" },
    product: {
      path: "/men/1-1-hummingbird-printed-t-shirt.html",
      pageType: "product",
      productSlug: "1-1-hummingbird-printed-t-shirt",
    },
    category: { path: "/3-clothes", pageType: "category", categoryId: "3" },
    cart: { path: "/cart", pageType: "cart" },
  },
  shoper: {
    home: { path: "/", pageType: "home" },
    product: { path: "/pl/p/Herbata-zielona-sencha/101", pageType: "product", productSlug: "101" },
    category: { path: "/pl/c/Herbata/12", pageType: "category", categoryId: "12" },
    cart: { path: "/pl/basket", pageType: "cart" },
  },
};

/** More URLs per platform: the other page kinds and the look-alikes the rules must tell apart. */
export const MORE_URLS: Record<PresetName, UrlCase[]> = {
  "shopify-dawn": [
    {
      path: "/collections/hats/products/wool-beanie",
      pageType: "product",
      productSlug: "wool-beanie",
      categoryId: "hats",
    },
    { path: "/collections/all", pageType: "category", categoryId: "all" },
    { path: "/search", pageType: "search" },
    { path: "/pages/about-us", pageType: "other" },
    { path: "/blogs/news/winter-care", pageType: "other" },
    { path: "/account/login", pageType: "other" },
  ],
  "woocommerce-storefront": [
    {
      path: "/product-category/tools/hand-tools/",
      pageType: "category",
      categoryId: "hand-tools",
    },
    { path: "/shop/", pageType: "category", categoryId: "shop" },
    { path: "/checkout/", pageType: "checkout" },
    { path: "/checkout/order-received/123/", pageType: "order" },
    { path: "/my-account/orders/", pageType: "other" },
    { path: "/sample-page/", pageType: "other" },
  ],
  "magento-luma": [
    { path: "/gear.html", pageType: "product", productSlug: "gear" },
    {
      path: "/women/tops-women/jackets-women.html",
      pageType: "category",
      categoryId: "jackets-women",
    },
    { path: "/checkout/", pageType: "checkout" },
    { path: "/checkout/onepage/success/", pageType: "order" },
    { path: "/catalogsearch/result/", pageType: "search" },
    { path: "/customer/account/login/", pageType: "other" },
    { path: "/about-us", pageType: "other" },
  ],
  "prestashop-classic": [
    { path: "/1-hummingbird-printed-t-shirt.html", pageType: "product" },
    { path: "/4-men", pageType: "category", categoryId: "4" },
    { path: "/order", pageType: "checkout" },
    { path: "/order-confirmation", pageType: "order" },
    { path: "/search", pageType: "search" },
    { path: "/best-sales", pageType: "bestsellers" },
    { path: "/contact-us", pageType: "other" },
    { path: "/prices-drop", pageType: "other" },
    { path: "/content/1-delivery", pageType: "other" },
  ],
  shoper: [
    { path: "/pl", pageType: "home" },
    { path: "/en/p/Green-tea-sencha/101", pageType: "product", productSlug: "101" },
    { path: "/pl/c/Herbata/12/2", pageType: "category", categoryId: "12" },
    { path: "/pl/basket/step2", pageType: "checkout" },
    { path: "/pl/i/Regulamin/2", pageType: "other" },
  ],
};
