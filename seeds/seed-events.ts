import { indexCatalog } from "./catalog-index.ts";
import type { Catalog } from "./catalog.ts";
import { bestsellers } from "./shop/listing.ts";
import type { EventRow } from "./histories.ts";
import type { Channel, DeviceClass, PageType } from "../workers/edge/model/context.ts";
import type { EventData, EventType, TrackedEvent } from "../workers/edge/model/events.ts";
import { lookupFromItems, type ProductLookup } from "../workers/edge/profile/products.ts";

/**
 * The seeded histories' event rows (the Turso `events` shape) as the touchpoints
 * the Durable Object stores, and the seeded catalog as a product lookup.
 */
export function fromSeedRow(row: EventRow): TrackedEvent {
  return {
    id: row.eventId,
    type: row.type as EventType,
    at: row.occurredAt,
    sessionId: row.sessionId ?? null,
    path: row.path ?? null,
    pageType: (row.pageType ?? null) as PageType | null,
    productId: row.productId ?? null,
    categoryId: row.categoryId ?? null,
    channel: (row.channel ?? null) as Channel | null,
    device: (row.device ?? null) as DeviceClass | null,
    valueCents: row.valueCents ?? null,
    data: (row.payload ?? {}) as EventData,
  };
}

/** The seeded catalog as the published model would give it: ranks from the shop's bestsellers. */
export function seedLookup(catalog: Catalog): ProductLookup {
  const index = indexCatalog(catalog);
  const ranked = Object.fromEntries(
    [...index.byCategory].map(([category, items]) => [
      category,
      bestsellers(items, items.length).map((p) => p.id),
    ]),
  );
  return lookupFromItems(Object.fromEntries(index.byId), ranked);
}
