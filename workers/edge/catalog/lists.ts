import type { RequestContext } from "../model/context.ts";
import type { CatalogItem, ListSource } from "../model/catalog.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { buyAgain } from "../recommend/buy-again.ts";
import type { RecoModel } from "../recommend/model.ts";
import { recommend, type RecoSlot, type ScoreContext } from "../recommend/score.ts";
import type { Rankings } from "../scheduled/rankings.ts";

/**
 * The published merchandising model: rankings plus the items they refer to, and the trained
 * recommendation model when one is published and loads (null: lists use popularity).
 */
export type MerchModel = Rankings & {
  version: string;
  generatedAt: number;
  items: Record<string, CatalogItem>;
  reco?: RecoModel | null;
};

/** A listed product; `reason` says why it was picked ("Because you viewed X"), if known. */
export type ListedItem = CatalogItem & { reason?: string | null };

const RECO_SOURCES: ReadonlySet<ListSource> = new Set<RecoSlot>([
  "similar",
  "alsoBought",
  "recommended",
  "completePurchase",
  "accessories",
]);

export type ListInput = {
  model: MerchModel;
  context: RequestContext;
  profile: Profile | null;
  session: SessionState | null;
  limit: number;
  /** "current" = the category of the page or of its product; an id = that category. */
  category?: string;
};

/**
 * Resolves a named list to products worth showing now: in stock, not the product on the page,
 * not already in the cart or bought. Pure: the model comes in as data.
 */
export function resolveList(source: ListSource, input: ListInput): ListedItem[] {
  const { model, context } = input;
  const current = context.productId ? model.items[context.productId] : undefined;
  const category =
    input.category === "current"
      ? (context.categoryId ?? current?.categoryId ?? null)
      : (input.category ?? null);
  const excluded = new Set<string>([
    ...(current ? [current.id] : []),
    ...(input.session?.cart.lines.map((l) => l.productId) ?? []),
    ...(input.profile?.purchasedProducts ?? []),
  ]);
  const inCategory = (ids: string[]) =>
    category ? ids.filter((id) => model.items[id]?.categoryId === category) : ids;

  if (source === "buyAgain") return buyAgainList(model, input, category);

  if (model.reco && RECO_SOURCES.has(source)) {
    if ((source === "similar" || source === "alsoBought") && !current) return [];
    return fromModel(source as RecoSlot, model, input, current?.id ?? null, category);
  }

  let ids: string[];
  switch (source) {
    case "bestsellers":
      ids = category ? (model.bestsellersByCategory[category] ?? []) : model.bestsellers;
      break;
    case "trending":
      // Hot right now; bestsellers where nothing is moving (or an older model has no list).
      ids = [
        ...inCategory(model.trending ?? []),
        ...(category ? (model.bestsellersByCategory[category] ?? []) : model.bestsellers),
      ];
      break;
    case "topRated":
      ids = inCategory(model.topRated);
      break;
    case "lowStock":
      ids = inCategory(model.lowStock);
      break;
    case "similar":
      ids = current ? sameCategory(model, current.categoryId) : [];
      break;
    case "alsoBought":
      ids = current
        ? [...accessoriesFor(model, [current.id]), ...sameCategory(model, current.categoryId)]
        : [];
      break;
    case "accessories":
      ids = accessoriesFor(model, input.profile?.purchasedProducts ?? []);
      break;
    case "completePurchase":
      ids = accessoriesFor(model, input.session?.cart.lines.map((l) => l.productId) ?? []);
      break;
    case "recommended":
      ids = recommended(model, input.profile, input.session);
      break;
  }
  const out: CatalogItem[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const item = model.items[id];
    if (!item || item.stock <= 0 || excluded.has(id) || seen.has(id)) continue;
    seen.add(id);
    out.push(item);
    if (out.length >= input.limit) break;
  }
  return out;
}

/**
 * "Buy it again": what the visitor bought (the profile keeps the order, most recent first, not
 * the times), ranked by recommend/buy-again.ts; in stock, not in the cart, not the product on
 * the page. Unlike every other list it shows bought items: they are the point.
 */
function buyAgainList(model: MerchModel, input: ListInput, category: string | null): ListedItem[] {
  const bought = input.profile?.purchasedProducts ?? [];
  const skip = new Set<string>([
    ...(input.context.productId ? [input.context.productId] : []),
    ...(input.session?.cart.lines.map((l) => l.productId) ?? []),
  ]);
  const ranked = buyAgain(
    bought.map((id) => ({ id, boughtAt: [] })),
    input.context.now,
    bought.length,
  );
  const out: ListedItem[] = [];
  for (const { id } of ranked) {
    const item = model.items[id];
    if (!item || item.stock <= 0 || skip.has(id)) continue;
    if (category && item.categoryId !== category) continue;
    out.push({ ...item, reason: "Bought before" });
    if (out.length >= input.limit) break;
  }
  return out;
}

/** Scored by the trained model (see recommend/score.ts), with reasons. */
function fromModel(
  slot: RecoSlot,
  model: MerchModel,
  input: ListInput,
  current: string | null,
  category: string | null,
): ListedItem[] {
  const ctx: ScoreContext = {
    model: model.reco ?? null,
    facts: (id) => model.items[id],
    popularIn: (c) => sameCategory(model, c),
    popular: model.bestsellers,
  };
  const picks = recommend(ctx, {
    slot,
    current,
    recent: input.session?.recentProducts ?? [],
    cart: input.session?.cart.lines.map((l) => l.productId) ?? [],
    purchased: input.profile?.purchasedProducts ?? [],
    affinity: input.profile?.categoryAffinity ?? {},
    category,
    limit: input.limit,
  });
  return picks.map((p) => ({ ...model.items[p.id]!, reason: p.reason }));
}

/** Bestsellers of the category first, then its best rated, so thin categories still fill up. */
function sameCategory(model: MerchModel, categoryId: string): string[] {
  return [
    ...(model.bestsellersByCategory[categoryId] ?? []),
    ...model.topRated.filter((id) => model.items[id]?.categoryId === categoryId),
  ];
}

function accessoriesFor(model: MerchModel, productIds: string[]): string[] {
  if (!productIds.length) return [];
  const wanted = new Set(productIds);
  const rank = new Map(model.bestsellers.map((id, i) => [id, i]));
  return Object.values(model.items)
    .filter((item) => item.accessoryFor.some((id) => wanted.has(id)))
    .sort((a, b) => (rank.get(a.id) ?? 1e9) - (rank.get(b.id) ?? 1e9) || b.rating - a.rating)
    .map((item) => item.id);
}

/** Affinity-led picks: bestsellers of the visitor's strongest categories, else overall. */
function recommended(
  model: MerchModel,
  profile: Profile | null,
  session: SessionState | null,
): string[] {
  const affinity = Object.entries(profile?.categoryAffinity ?? {}).sort((a, b) => b[1] - a[1]);
  const categories = affinity.map(([id]) => id);
  for (const id of session?.recentProducts ?? []) {
    const categoryId = model.items[id]?.categoryId;
    if (categoryId && !categories.includes(categoryId)) categories.push(categoryId);
  }
  return [...categories.flatMap((c) => model.bestsellersByCategory[c] ?? []), ...model.bestsellers];
}
