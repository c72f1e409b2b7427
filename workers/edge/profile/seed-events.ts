import { indexCatalog } from "../../../seeds/catalog-index.ts";
import type { Catalog } from "../../../seeds/catalog.ts";
import { bestsellers } from "../../../seeds/shop/listing.ts";
import type { EventRow } from "../../../seeds/histories.ts";
import type { Channel, DeviceClass, PageType } from "../model/context.ts";
import type { EventData, EventType, TrackedEvent } from "../model/events.ts";
import type { ProductFacts, ProductLookup } from "./products.ts";

/**
 * Test support: the seeded histories' event rows (the Turso `events` shape) as the touchpoints
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
  const rank = new Map<string, number>();
  for (const items of index.byCategory.values()) {
    bestsellers(items, items.length).forEach((p, i) => rank.set(p.id, i + 1));
  }
  return (id) => {
    const p = index.byId.get(id);
    if (!p) return undefined;
    const facts: ProductFacts = {
      categoryId: p.categoryId,
      brand: p.brand,
      priceCents: p.priceCents,
      inStock: p.stock > 0,
    };
    const r = rank.get(id);
    if (r !== undefined) facts.categoryRank = r;
    return facts;
  };
}
