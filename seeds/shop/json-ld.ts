import type { Category, Product } from "../catalog-index.ts";
import { decimalPrice } from "./format.ts";
import { productPath } from "./urls.ts";

export type Availability = "InStock" | "OutOfStock" | "LimitedAvailability";

/** Low stock (1-5) is announced as limited, so the edge can show scarcity without asking. */
export function availabilityOf(stock: number): Availability {
  if (stock <= 0) return "OutOfStock";
  if (stock <= 5) return "LimitedAvailability";
  return "InStock";
}

/** schema.org Product for the product page: what the Worker reads to know the page. */
export function productJsonLd(p: Product, category: Category | undefined): Record<string, unknown> {
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    name: p.name,
    sku: p.sku,
    productID: p.id,
    brand: { "@type": "Brand", name: p.brand },
    category: category?.name ?? p.categoryId,
    image: p.imageUrl,
    url: productPath(p.slug),
    description: p.description,
    offers: {
      "@type": "Offer",
      price: decimalPrice(p.priceCents),
      priceCurrency: p.currency,
      availability: `https://schema.org/${availabilityOf(p.stock)}`,
      url: productPath(p.slug),
    },
    // Search engines reject a rating without reviews, so unrated products carry none.
    ...(p.reviewCount > 0
      ? {
          aggregateRating: {
            "@type": "AggregateRating",
            ratingValue: p.rating,
            reviewCount: p.reviewCount,
          },
        }
      : {}),
  };
}
