/**
 * The demo shop's URL rules, shared by the server, the seeded histories and tests, so event
 * paths always point at pages the shop really serves.
 */
export type PageType =
  | "home"
  | "category"
  | "product"
  | "search"
  | "cart"
  | "checkout"
  | "order"
  | "bestsellers"
  | "faq"
  | "other";

export const SORT_KEYS = ["featured", "price_asc", "price_desc", "rating", "popularity"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Category listing state as query parameters: brand (repeatable), min/max euros, instock=1, sort. */
export type ListingQuery = {
  brands: string[];
  minEur: number | null;
  maxEur: number | null;
  inStock: boolean;
  sort: SortKey;
};

export const EMPTY_LISTING: ListingQuery = {
  brands: [],
  minEur: null,
  maxEur: null,
  inStock: false,
  sort: "featured",
};

export const homePath = () => "/";
export const productPath = (slug: string) => `/p/${encodeURIComponent(slug)}`;
export const searchPath = (q: string) => `/search?${new URLSearchParams({ q })}`;
export const orderPath = (id: string) => `/order/${encodeURIComponent(id)}`;
export const imagePath = (productId: string) => `/img/${encodeURIComponent(productId)}.svg`;

export function categoryPath(categoryId: string, query: Partial<ListingQuery> = {}): string {
  const params = listingParams({ ...EMPTY_LISTING, ...query });
  const search = params.toString();
  return `/c/${encodeURIComponent(categoryId)}${search ? `?${search}` : ""}`;
}

export function listingParams(q: ListingQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const brand of q.brands) params.append("brand", brand);
  if (q.minEur !== null) params.set("min", String(q.minEur));
  if (q.maxEur !== null) params.set("max", String(q.maxEur));
  if (q.inStock) params.set("instock", "1");
  if (q.sort !== "featured") params.set("sort", q.sort);
  return params;
}

/** Lenient parsing: anything malformed falls back to "no filter", never an error page. */
export function parseListing(params: URLSearchParams): ListingQuery {
  const euros = (name: string) => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === "") return null;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : null;
  };
  const sort = params.get("sort");
  return {
    brands: params.getAll("brand").filter((b) => b.length > 0 && b.length <= 60),
    minEur: euros("min"),
    maxEur: euros("max"),
    inStock: params.get("instock") === "1",
    sort: SORT_KEYS.includes(sort as SortKey) ? (sort as SortKey) : "featured",
  };
}

/** The page type a path renders; `null` for assets, images and APIs (not pages). */
export function pageTypeOf(pathname: string): PageType | null {
  if (pathname === "/") return "home";
  if (/^\/c\/[^/]+$/.test(pathname)) return "category";
  if (/^\/p\/[^/]+$/.test(pathname)) return "product";
  if (pathname === "/search") return "search";
  if (pathname === "/bestsellers") return "bestsellers";
  if (pathname === "/cart") return "cart";
  if (pathname === "/checkout") return "checkout";
  if (/^\/order\/[^/]+$/.test(pathname)) return "order";
  if (pathname === "/faq") return "faq";
  if (/^\/(img|assets|api)\//.test(pathname) || pathname === "/robots.txt") return null;
  return "other";
}
