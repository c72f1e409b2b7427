import { eachNeighbour, popularityOf, type ListName, type RecoModel } from "./model.ts";

/** The recommendation slots a template can ask for. */
export const RECO_SLOTS = [
  "similar",
  "alsoBought",
  "recommended",
  "completePurchase",
  "accessories",
] as const;
export type RecoSlot = (typeof RECO_SLOTS)[number];

/** What scoring needs to know about a product: can it be shown, and how to name it. */
export type ItemFacts = { name: string; categoryId: string; stock: number };

export type ScoreContext = {
  /** The published model; null (missing or corrupt) means popularity only. */
  model: RecoModel | null;
  facts: (id: string) => ItemFacts | undefined;
  /** Bestsellers of a category, best first; and overall. */
  popularIn: (categoryId: string) => readonly string[];
  popular: readonly string[];
};

export type ScoreRequest = {
  slot: RecoSlot;
  /** The product on the page. */
  current: string | null;
  /** Products viewed recently, most recent first. */
  recent: readonly string[];
  cart: readonly string[];
  purchased: readonly string[];
  /** Category affinities from the profile (any scale). */
  affinity: Readonly<Record<string, number>>;
  /** Only this category, if set. */
  category: string | null;
  limit: number;
  /**
   * Weight kept per step back in `recent`: else the model's own (tuned by the trainer on the
   * shop's data), else RECENT_DECAY.
   */
  recentDecay?: number;
  /** Weight kept per step back in `purchased` ("recommended"): else the model's, else 0.9. */
  purchaseDecay?: number;
};

export type Recommendation = { id: string; score: number; reason: string | null };

type Anchor = { id: string; weight: number; reason: (name: string) => string };
type Plan = {
  anchors: Anchor[];
  lists: [ListName, number][];
  exclude: readonly string[];
  diversify: boolean;
  /** Fill with category bestsellers when the model has too little to say. */
  fallback: boolean;
};

/** The default weight kept per step back in the recently viewed items. */
export const RECENT_DECAY = 0.85;
/** The default weight kept per step back in the purchases ("recommended for you"). */
export const PURCHASE_DECAY = 0.9;
const MAX_ANCHORS = 20;
/**
 * Purchases anchoring "recommended for you": a regular customer's history is many baskets, and
 * with every one of them it ranks the items new to them better than with the last 20.
 */
const MAX_PURCHASE_ANCHORS = 50;
/** Each further pick from the same category keeps this share of its score. */
const SAME_CATEGORY = 0.7;

/** The request's decay, else the model's tuned one when it is a usable number, else the default. */
function decayOf(asked: number | undefined, tuned: number | undefined, fallback: number): number {
  const d = asked ?? tuned;
  return typeof d === "number" && d > 0 && d <= 1 ? d : fallback;
}

function plan(req: ScoreRequest, decay: number, purchaseDecay: number): Plan {
  const current = req.current ? [req.current] : [];
  const owned = [...req.cart, ...req.purchased];
  switch (req.slot) {
    case "similar":
      return {
        anchors: current.map((id) => ({ id, weight: 1, reason: (n) => `Often viewed with ${n}` })),
        lists: [
          ["similar", 1],
          ["personal", 0.3],
        ],
        exclude: [...current, ...owned],
        diversify: false,
        fallback: true,
      };
    case "alsoBought":
      return {
        anchors: current.map((id) => ({ id, weight: 1, reason: (n) => `Often bought with ${n}` })),
        lists: [
          ["together", 1],
          ["accessories", 0.5],
        ],
        exclude: [...current, ...owned],
        diversify: true,
        fallback: true,
      };
    case "completePurchase":
      return {
        anchors: req.cart.map((id) => ({
          id,
          weight: 1,
          reason: (n) => `Goes with ${n} in your cart`,
        })),
        lists: [
          ["together", 1],
          ["accessories", 1],
        ],
        exclude: [...current, ...owned],
        diversify: true,
        fallback: false,
      };
    case "accessories":
      return {
        anchors: req.purchased
          .slice(0, MAX_ANCHORS)
          .map((id, i) => ({ id, weight: 0.9 ** i, reason: (n) => `For your ${n}` })),
        lists: [
          ["accessories", 1],
          ["together", 0.5],
        ],
        exclude: [...current, ...owned],
        diversify: true,
        fallback: false,
      };
    case "recommended":
      return {
        anchors: [
          ...req.cart.map((id) => ({
            id,
            weight: 1,
            reason: (n: string) => `Because ${n} is in your cart`,
          })),
          ...req.recent.slice(0, MAX_ANCHORS).map((id, i) => ({
            id,
            weight: decay ** i,
            reason: (n: string) => `Because you viewed ${n}`,
          })),
          ...req.purchased.slice(0, MAX_PURCHASE_ANCHORS).map((id, i) => ({
            id,
            weight: 0.5 * purchaseDecay ** i,
            reason: (n: string) => `Because you bought ${n}`,
          })),
        ],
        lists: [
          ["personal", 1],
          ["together", 0.3],
        ],
        exclude: [...current, ...owned, ...req.recent],
        diversify: true,
        fallback: true,
      };
  }
}

/**
 * Recommendations for one slot: candidates from the model's neighbour lists of the visitor's
 * anchors (page product, session items, cart, purchases), summed with anchor weights; filtered
 * (out of stock, excluded, other category); diversified across categories; each with the anchor
 * that contributed most as its reason. Category bestsellers fill what the model cannot (new
 * visitors, unknown products, no model). Pure and allocation-light: tens of microseconds.
 */
export function recommend(ctx: ScoreContext, req: ScoreRequest): Recommendation[] {
  if (req.limit <= 0) return [];
  const info = ctx.model?.info;
  const p = plan(
    req,
    decayOf(req.recentDecay, info?.recentDecay, RECENT_DECAY),
    decayOf(req.purchaseDecay, info?.purchaseDecay, PURCHASE_DECAY),
  );
  const excluded = new Set(p.exclude);
  const allowed = (id: string) => {
    if (excluded.has(id)) return false;
    const f = ctx.facts(id);
    return !!f && f.stock > 0 && (!req.category || f.categoryId === req.category);
  };

  const scores = new Map<string, { score: number; best: number; reason: string | null }>();
  const model = ctx.model;
  if (model) {
    const seenAnchor = new Set<string>();
    for (const anchor of p.anchors) {
      if (seenAnchor.has(anchor.id)) continue;
      seenAnchor.add(anchor.id);
      const i = model.indexOf(anchor.id);
      if (i === undefined) continue;
      const name = ctx.facts(anchor.id)?.name ?? null;
      for (const [list, listWeight] of p.lists)
        eachNeighbour(model, list, i, (id, weight) => {
          const s = anchor.weight * listWeight * weight;
          const entry = scores.get(id);
          if (!entry)
            scores.set(id, { score: s, best: s, reason: name ? anchor.reason(name) : null });
          else {
            entry.score += s;
            if (s > entry.best) {
              entry.best = s;
              entry.reason = name ? anchor.reason(name) : entry.reason;
            }
          }
        });
    }
  }

  const candidates: Recommendation[] = [];
  for (const [id, e] of scores) {
    if (!allowed(id)) continue;
    // A little popularity breaks ties between equally related items.
    const pop = model ? popularityOf(model, id) : 0;
    candidates.push({ id, score: e.score + 1e-3 * pop, reason: e.reason });
  }
  candidates.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const picked = p.diversify
    ? diversified(candidates, req.limit, ctx)
    : candidates.slice(0, req.limit);

  if (picked.length < req.limit && p.fallback) fill(picked, req, p, ctx, allowed);
  return picked;
}

/** Greedy re-rank: each pick from an already shown category is worth a little less. */
function diversified(sorted: Recommendation[], limit: number, ctx: ScoreContext): Recommendation[] {
  const pool = sorted.slice(0, limit * 4);
  const shown = new Map<string, number>();
  const out: Recommendation[] = [];
  while (out.length < limit && pool.length) {
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      const c = ctx.facts(pool[i]!.id)?.categoryId ?? "";
      const s = pool[i]!.score * SAME_CATEGORY ** (shown.get(c) ?? 0);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    const [pick] = pool.splice(best, 1);
    const c = ctx.facts(pick!.id)?.categoryId ?? "";
    shown.set(c, (shown.get(c) ?? 0) + 1);
    out.push(pick!);
  }
  return out;
}

/** Popular in the anchors' categories, then the visitor's favourite categories, then overall. */
function fill(
  picked: Recommendation[],
  req: ScoreRequest,
  p: Plan,
  ctx: ScoreContext,
  allowed: (id: string) => boolean,
): void {
  const categories: string[] = [];
  const add = (c: string | undefined) => c && !categories.includes(c) && categories.push(c);
  if (req.category) add(req.category);
  for (const a of p.anchors) add(ctx.facts(a.id)?.categoryId);
  for (const [c] of Object.entries(req.affinity).sort((a, b) => b[1] - a[1])) add(c);
  const have = new Set(picked.map((r) => r.id));
  const take = (ids: readonly string[]) => {
    for (const id of ids) {
      if (picked.length >= req.limit) return;
      if (have.has(id) || !allowed(id)) continue;
      have.add(id);
      picked.push({ id, score: 0, reason: null });
    }
  };
  for (const c of categories) take(ctx.popularIn(c));
  if (!req.category) take(ctx.popular);
}
