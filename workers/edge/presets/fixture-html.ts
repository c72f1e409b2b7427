import shopify_dawn_home from "./fixtures/shopify-dawn/home.html?raw";
import shopify_dawn_product from "./fixtures/shopify-dawn/product.html?raw";
import shopify_dawn_category from "./fixtures/shopify-dawn/category.html?raw";
import shopify_dawn_cart from "./fixtures/shopify-dawn/cart.html?raw";
import woocommerce_storefront_home from "./fixtures/woocommerce-storefront/home.html?raw";
import woocommerce_storefront_product from "./fixtures/woocommerce-storefront/product.html?raw";
import woocommerce_storefront_category from "./fixtures/woocommerce-storefront/category.html?raw";
import woocommerce_storefront_cart from "./fixtures/woocommerce-storefront/cart.html?raw";
import magento_luma_home from "./fixtures/magento-luma/home.html?raw";
import magento_luma_product from "./fixtures/magento-luma/product.html?raw";
import magento_luma_category from "./fixtures/magento-luma/category.html?raw";
import magento_luma_cart from "./fixtures/magento-luma/cart.html?raw";
import prestashop_classic_home from "./fixtures/prestashop-classic/home.html?raw";
import prestashop_classic_product from "./fixtures/prestashop-classic/product.html?raw";
import prestashop_classic_category from "./fixtures/prestashop-classic/category.html?raw";
import prestashop_classic_cart from "./fixtures/prestashop-classic/cart.html?raw";
import shoper_home from "./fixtures/shoper/home.html?raw";
import shoper_product from "./fixtures/shoper/product.html?raw";
import shoper_category from "./fixtures/shoper/category.html?raw";
import shoper_cart from "./fixtures/shoper/cart.html?raw";
import type { PresetName } from "./index.ts";
import type { FixturePage } from "./fixture-urls.ts";

/** The fixture pages' HTML, as written in fixtures/<preset>/<page>.html. */
export const FIXTURE_HTML: Record<PresetName, Record<FixturePage, string>> = {
  "shopify-dawn": {
    home: shopify_dawn_home,
    product: shopify_dawn_product,
    category: shopify_dawn_category,
    cart: shopify_dawn_cart,
  },
  "woocommerce-storefront": {
    home: woocommerce_storefront_home,
    product: woocommerce_storefront_product,
    category: woocommerce_storefront_category,
    cart: woocommerce_storefront_cart,
  },
  "magento-luma": {
    home: magento_luma_home,
    product: magento_luma_product,
    category: magento_luma_category,
    cart: magento_luma_cart,
  },
  "prestashop-classic": {
    home: prestashop_classic_home,
    product: prestashop_classic_product,
    category: prestashop_classic_category,
    cart: prestashop_classic_cart,
  },
  shoper: {
    home: shoper_home,
    product: shoper_product,
    category: shoper_category,
    cart: shoper_cart,
  },
};
