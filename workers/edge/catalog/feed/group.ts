import type { Availability, FeedError, FeedProduct } from "./types.ts";

const RANK: Record<Availability, number> = {
  in_stock: 0,
  backorder: 1,
  preorder: 2,
  out_of_stock: 3,
};

/**
 * Folds variants (feed items sharing an item_group_id) into one product whose id is the group
 * id. Recommendations work on products: three sizes of one shoe are one thing to suggest, and
 * the shop's pages and events name the product, not the size. The product takes the first
 * variant's title, link and image, the cheapest orderable variant's price, the best
 * availability, the summed quantity when every variant has one, and all variant ids.
 * A product id seen twice (outside a group) is reported; the first one counts.
 */
export function groupVariants(items: FeedProduct[]): {
  products: FeedProduct[];
  errors: FeedError[];
} {
  const byId = new Map<string, FeedProduct>();
  const groups = new Map<string, FeedProduct[]>();
  const errors: FeedError[] = [];
  const order: string[] = [];
  items.forEach((p, i) => {
    if (p.groupId) {
      let group = groups.get(p.groupId);
      if (!group) {
        groups.set(p.groupId, (group = []));
        order.push(p.groupId);
      }
      if (group.some((v) => v.id === p.id)) errors.push(duplicate(p, i));
      else group.push(p);
    } else if (byId.has(p.id) || groups.has(p.id)) {
      errors.push(duplicate(p, i));
    } else {
      byId.set(p.id, p);
      order.push(p.id);
    }
  });
  const products: FeedProduct[] = [];
  for (const id of order) {
    const group = groups.get(id);
    if (!group) {
      products.push(byId.get(id)!);
      continue;
    }
    if (byId.has(id)) errors.push({ ...duplicate(byId.get(id)!, -1), field: "item_group_id" });
    products.push(fold(id, group));
  }
  return { products, errors };
}

function duplicate(p: FeedProduct, index: number): FeedError {
  return {
    line: null,
    item: index + 1,
    field: "id",
    message: `"${p.id}" appears more than once; the first one is imported`,
    id: p.id,
  };
}

function fold(groupId: string, variants: FeedProduct[]): FeedProduct {
  const first = variants[0]!;
  const best = Math.min(...variants.map((v) => RANK[v.availability]));
  const pool = variants.filter((v) => RANK[v.availability] === best);
  const cheapest = pool.reduce((a, b) => (b.priceCents < a.priceCents ? b : a));
  const quantities = variants.map((v) => v.quantity);
  return {
    ...first,
    id: groupId,
    sku: null,
    priceCents: cheapest.priceCents,
    listPriceCents: cheapest.listPriceCents,
    currency: cheapest.currency,
    availability: cheapest.availability,
    quantity: quantities.every((q) => q !== null) ? quantities.reduce((s, q) => s + q!, 0) : null,
    imageUrl: first.imageUrl || (variants.find((v) => v.imageUrl)?.imageUrl ?? ""),
    groupId,
    variantIds: variants.map((v) => v.id),
  };
}
