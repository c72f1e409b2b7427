import type { CatalogIndex } from "../catalog-index.ts";
import type { OrderStore } from "./orders.ts";

/** What every page handler needs: the catalog and the orders placed so far. */
export type ShopContext = { index: CatalogIndex; orders: OrderStore };
