import { buyAgain } from "../../workers/edge/recommend/buy-again.ts";
import { COOCCURRENCE_DEFAULTS } from "../../workers/edge/recommend/cooccurrence.ts";
import { invertSpdInPlace } from "../../workers/edge/recommend/linalg.ts";
import {
  eachNeighbour,
  TRAIN_DEFAULTS,
  trainFromInteractions,
  type RecoModel,
} from "../../workers/edge/recommend/model.ts";
import { PURCHASE_DECAY, RECENT_DECAY, recommend } from "../../workers/edge/recommend/score.ts";
import {
  SELF_TUNE_DEFAULTS,
  SELF_TUNE_GRID,
  tuneOnRecent,
  type TuneResult,
} from "../../workers/edge/recommend/self-tune.ts";
import type { LogEvent } from "./log-adapters.ts";
import { sessionKeys, type Case } from "./protocol.ts";

/** Scores for some items (higher is better); unscored items rank after, in popularity order. */
export type Scorer = (c: Case) => Map<string, number>;
export type Params = Record<string, number>;

/** A recommender under evaluation: built from training events with one set of parameters. */
export type Method = {
  name: string;
  /** Candidates for the validation split; the first is the default. */
  grid: Params[];
  build(train: readonly LogEvent[], p: Params): Scorer;
  /** Parameters the method set itself on this training set (reported with the chosen ones). */
  selfChosen?(train: readonly LogEvent[]): Params;
};

const DAY = 86_400_000;
/** The edge's default recency weight per position of the recently viewed list (score.ts). */
const RECENT = RECENT_DECAY;

/** Recency weight of history position i (0 = most recent). */
const decayed = (c: Case, decay: number) => c.history.map((h, i) => [h.item, decay ** i] as const);

/**
 * The shared fallback order: items by distinct buyers, then distinct visitors, then id. Every
 * method's lists are filled from it, so no method gains or loses by how it pads.
 */
export function popularityOrder(train: readonly LogEvent[]): string[] {
  const buyers = new Map<string, Set<string>>();
  const visitors = new Map<string, Set<string>>();
  for (const e of train) {
    const add = (m: Map<string, Set<string>>) => {
      let s = m.get(e.item);
      if (!s) m.set(e.item, (s = new Set()));
      s.add(e.visitor);
    };
    add(visitors);
    if (e.level === 2) add(buyers);
  }
  const b = (id: string) => buyers.get(id)?.size ?? 0;
  return [...visitors.keys()].sort(
    (x, y) => b(y) - b(x) || visitors.get(y)!.size - visitors.get(x)!.size || (x < y ? -1 : 1),
  );
}

export const popularity: Method = { name: "popularity", grid: [{}], build: () => () => new Map() };

/** Distinct visitors (buyers count 3x) in the last `days` before the training cutoff. */
export const recentPopularity: Method = {
  name: "recent popularity",
  grid: [{ days: 14 }, { days: 7 }, { days: 30 }],
  build(train, p) {
    const end = train.reduce((t, e) => Math.max(t, e.at), 0);
    const score = new Map<string, number>();
    const seen = new Set<string>();
    for (const e of train) {
      if (e.at < end - p.days! * DAY) continue;
      const key = `${e.visitor}\u0000${e.item}\u0000${e.level === 2}`;
      if (seen.has(key)) continue;
      seen.add(key);
      score.set(e.item, (score.get(e.item) ?? 0) + (e.level === 2 ? 3 : 1));
    }
    return () => score;
  },
};

/** Item ids and each visitor's distinct items, numbered. */
function matrix(train: readonly LogEvent[]) {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const byVisitor = new Map<string, Set<number>>();
  for (const e of train) {
    let i = index.get(e.item);
    if (i === undefined) {
      index.set(e.item, (i = ids.length));
      ids.push(e.item);
    }
    let s = byVisitor.get(e.visitor);
    if (!s) byVisitor.set(e.visitor, (s = new Set()));
    s.add(i);
  }
  return { index, ids, rows: [...byVisitor.values()].map((s) => [...s]) };
}

/**
 * Item-kNN: cosine between items' binary visitor sets, 100 neighbours per item, a history
 * scored by neighbours' similarity summed with the same recency weights Vitrine uses (`decay`
 * per position). History items may score: they are filtered per list, as for every method.
 */
export const itemKnn: Method = {
  name: "item-kNN (recency-weighted)",
  grid: [{ decay: 0.85 }, { decay: 0.7 }, { decay: 1 }],
  build(train, p) {
    const { index, ids, rows } = matrix(train);
    const n = ids.length;
    const users: number[][] = Array.from({ length: n }, () => []);
    rows.forEach((r, u) => r.forEach((i) => users[i]!.push(u)));
    const co = new Float64Array(n);
    const sims: [number, number][][] = [];
    const touched: number[] = [];
    for (let i = 0; i < n; i++) {
      touched.length = 0;
      for (const u of users[i]!)
        for (const j of rows[u]!) {
          if (j === i) continue;
          if (co[j] === 0) touched.push(j);
          co[j]!++;
        }
      const row = touched.map((j): [number, number] => [
        j,
        co[j]! / Math.sqrt(users[i]!.length * users[j]!.length),
      ]);
      for (const j of touched) co[j] = 0;
      row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      sims.push(row.slice(0, 100));
    }
    return (c) => {
      const out = new Map<string, number>();
      for (const [id, w] of decayed(c, p.decay!)) {
        const i = index.get(id);
        if (i === undefined) continue;
        for (const [j, s] of sims[i]!) out.set(ids[j]!, (out.get(ids[j]!) ?? 0) + w * s);
      }
      return out;
    };
  },
};

/**
 * Canonical EASE (Steck 2019) on the binary visitor x item matrix of the `maxItems` most
 * popular items: B = I - P diagMat(1 / diag P), P = (X'X + lambda I)^-1, zero diagonal; a
 * history scores x_u B with x_u binary.
 */
export function ease(maxItems: number): Method {
  return {
    name: "EASE (canonical)",
    grid: [{ lambda: 100 }, { lambda: 20 }, { lambda: 500 }],
    build(train, p) {
      const { index, ids, rows } = matrix(train);
      const count = new Float64Array(ids.length);
      for (const r of rows) for (const i of r) count[i]!++;
      const chosen = [...count.keys()]
        .sort((a, b) => count[b]! - count[a]! || a - b)
        .slice(0, maxItems);
      const m = chosen.length;
      const local = new Int32Array(ids.length).fill(-1);
      chosen.forEach((i, j) => (local[i] = j));
      const g = new Float64Array(m * m);
      for (const r of rows) {
        const js = r.map((i) => local[i]!).filter((j) => j >= 0);
        for (const x of js) for (const y of js) g[x * m + y]!++;
      }
      for (let j = 0; j < m; j++) g[j * m + j]! += p.lambda!;
      if (!invertSpdInPlace(g, m)) throw new Error("EASE: Gram matrix not positive definite");
      return (c) => {
        const out = new Map<string, number>();
        const hist = c.history
          .map((h) => local[index.get(h.item) ?? -1] ?? -1)
          .filter((j) => j >= 0);
        if (!hist.length) return out;
        for (let y = 0; y < m; y++) {
          let s = 0;
          for (const x of hist) if (x !== y) s += -g[x * m + y]! / g[y * m + y]!;
          if (s !== 0) out.set(ids[chosen[y]!]!, s);
        }
        return out;
      };
    },
  };
}

/**
 * Session-kNN (Ludewig & Jannach 2018, V-SKNN flavour): training sessions (the log's ids, else
 * 30-minute gaps) are the neighbours; a history is the query with recency-decayed weights;
 * the `sample` most recent sessions sharing an item are candidates, the `k` most similar
 * (weighted overlap / sqrt of both lengths) vote for their items with their similarity.
 */
export const sessionKnn: Method = {
  name: "session-kNN",
  grid: [
    { k: 100, sample: 500, decay: 0.85 },
    { k: 50, sample: 1000, decay: 0.85 },
    { k: 200, sample: 1000, decay: 1 },
  ],
  build(train, p) {
    const keys = sessionKeys(train);
    const sessions = new Map<string, { at: number; items: Set<string> }>();
    train.forEach((e, i) => {
      let s = sessions.get(keys[i]!);
      if (!s) sessions.set(keys[i]!, (s = { at: e.at, items: new Set() }));
      s.at = Math.max(s.at, e.at);
      s.items.add(e.item);
    });
    const list = [...sessions.values()].sort((a, b) => b.at - a.at);
    const byItem = new Map<string, number[]>();
    list.forEach((s, n) => {
      for (const id of s.items) {
        let l = byItem.get(id);
        if (!l) byItem.set(id, (l = []));
        l.push(n); // most recent sessions first
      }
    });
    return (c) => {
      const q = new Map(decayed(c, p.decay!));
      const candidates = new Set<number>();
      for (const id of q.keys())
        for (const n of (byItem.get(id) ?? []).slice(0, p.sample!)) candidates.add(n);
      const sims: [number, number][] = [];
      for (const n of candidates) {
        const s = list[n]!;
        let overlap = 0;
        for (const id of s.items) overlap += q.get(id) ?? 0;
        sims.push([n, overlap / Math.sqrt(q.size * s.items.size)]);
      }
      sims.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const out = new Map<string, number>();
      for (const [n, sim] of sims.slice(0, p.k!))
        for (const id of list[n]!.items) out.set(id, (out.get(id) ?? 0) + sim);
      return out;
    };
  },
};

/**
 * Personal popularity (the repeat-buy baseline): the visitor's own items by how often they
 * bought them, then cart adds over views, then recency.
 */
export const personalPopularity: Method = {
  name: "personal popularity",
  grid: [{}],
  build: () => (c) =>
    new Map(
      c.history.map((h, i) => [h.item, h.boughtAt.length + 0.5 * h.level + 0.1 + 0.01 * 0.99 ** i]),
    ),
};

/**
 * Vitrine: the production trainer on the training events and the edge's scoring: "explore" =
 * the "recommended for you" slot (viewed items as session anchors, bought items as purchase
 * anchors), "buy again" = recommend/buy-again.ts over the visitor's purchases (with their
 * times); the next-basket list blends them with the items looked at but not bought
 * (recency-decayed, cart adds over views, `support`: their model ties to the rest of the
 * history), weighted by `again` and `revisit` against explore scores (each scaled to max 1).
 * The EASE lambda and the recency decays are what the production trainer picks by tuning itself
 * on the training events' last week (recommend/self-tune.ts; its defaults when that slice has
 * too few cases). `tune` instead puts them in the evaluation's validation grid.
 */
export function vitrine(o: {
  easeMaxItems: number;
  halfLifeDays: number;
  windowDays: [number, number, number];
  tune?: boolean;
}): Method {
  const blend = [0.25, 1, 4, 16, 64].flatMap((again) =>
    [0.5, 2, 8].flatMap((revisit) => [0, 1].map((support) => ({ again, revisit, support }))),
  );
  const lambda = TRAIN_DEFAULTS.ease?.lambda ?? 0.5;
  const cooccurrence = {
    ...COOCCURRENCE_DEFAULTS,
    halfLifeMs: o.halfLifeDays * DAY,
    windowMs: o.windowDays.map((d) => d * DAY) as [number, number, number],
  };
  const grid = o.tune
    ? SELF_TUNE_GRID.lambda.flatMap((easeLambda) =>
        SELF_TUNE_GRID.recentDecay.flatMap((decay) =>
          SELF_TUNE_GRID.purchaseDecay.flatMap((purchaseDecay) =>
            blend.map((b) => ({ ...b, easeLambda, decay, purchaseDecay })),
          ),
        ),
      )
    : blend;
  // One model per training set and lambda: the blend weights do not change it.
  const models = new WeakMap<readonly LogEvent[], Map<number, RecoModel>>();
  const modelFor = (train: readonly LogEvent[], easeLambda: number) => {
    let byLambda = models.get(train);
    if (!byLambda) models.set(train, (byLambda = new Map()));
    let model = byLambda.get(easeLambda);
    if (!model)
      byLambda.set(
        easeLambda,
        (model = trainFromInteractions(train, [], {
          ...TRAIN_DEFAULTS,
          cooccurrence,
          ease:
            o.easeMaxItems > 0
              ? { ...TRAIN_DEFAULTS.ease!, maxItems: o.easeMaxItems, lambda: easeLambda }
              : null,
        })),
      );
    return model;
  };
  const parts = new WeakMap<
    readonly LogEvent[],
    Map<
      string,
      WeakMap<
        Case,
        {
          explore: { id: string; score: number }[];
          again: { id: string; score: number }[];
          support: Map<string, number>;
        }
      >
    >
  >();
  // What the scheduled trainer would choose on this training set (once per set).
  const tunings = new WeakMap<readonly LogEvent[], TuneResult | null>();
  const tuningFor = (train: readonly LogEvent[]) => {
    if (!tunings.has(train))
      tunings.set(
        train,
        o.easeMaxItems > 0
          ? tuneOnRecent(train, SELF_TUNE_DEFAULTS, cooccurrence, {
              ...TRAIN_DEFAULTS,
              ease: { ...TRAIN_DEFAULTS.ease!, maxItems: o.easeMaxItems },
            })
          : null,
      );
    return tunings.get(train) ?? null;
  };
  const selfChosen = (train: readonly LogEvent[]): Params => {
    const t = tuningFor(train);
    return {
      easeLambda: t?.lambda ?? lambda,
      decay: t?.recentDecay ?? RECENT,
      purchaseDecay: t?.purchaseDecay ?? PURCHASE_DECAY,
      selfTuneCases: t?.cases ?? 0,
    };
  };
  const base = o.easeMaxItems > 0 ? "Vitrine (co-occurrence + EASE)" : "Vitrine (co-occurrence)";
  return {
    name: o.tune ? `${base}, tuned` : base,
    grid,
    ...(o.tune ? {} : { selfChosen }),
    build(train, p) {
      if (!o.tune) p = { ...p, ...selfChosen(train) };
      const model = modelFor(train, p.easeLambda!);
      const facts = () => ({ name: "", categoryId: "", stock: 1 });
      // The lists a case gets do not depend on the blend weights: computed once per case.
      const key = `${p.easeLambda}|${p.decay}|${p.purchaseDecay}`;
      let byKey = parts.get(train);
      if (!byKey) parts.set(train, (byKey = new Map()));
      let byCase = byKey.get(key);
      if (!byCase) byKey.set(key, (byCase = new WeakMap()));
      const cache = byCase;
      const partsOf = (c: Case) => {
        let got = cache.get(c);
        if (got) return got;
        const explore = recommend(
          { model, facts, popularIn: () => [], popular: [] },
          {
            slot: "recommended",
            current: null,
            recent: c.history.filter((h) => !h.boughtAt.length).map((h) => h.item),
            cart: [],
            purchased: c.history.filter((h) => h.boughtAt.length).map((h) => h.item),
            affinity: {},
            category: null,
            limit: 100,
            recentDecay: p.decay!,
            purchaseDecay: p.purchaseDecay!,
          },
        );
        const again = buyAgain(
          c.history
            .filter((h) => h.boughtAt.length)
            .map((h) => ({ id: h.item, boughtAt: h.boughtAt })),
          c.at,
          100,
        );
        // Items looked at but not bought: how strongly the model ties each to the rest of the
        // history (a viewed item that goes with the others is likelier to come back).
        const support = new Map<string, number>();
        const viewed = new Set(c.history.filter((h) => !h.boughtAt.length).map((h) => h.item));
        c.history.slice(0, 20).forEach((h, i) => {
          const ix = model.indexOf(h.item);
          if (ix === undefined) return;
          eachNeighbour(model, "personal", ix, (id, w) => {
            if (viewed.has(id) && id !== h.item)
              support.set(id, (support.get(id) ?? 0) + p.decay! ** i * w);
          });
        });
        cache.set(c, (got = { explore, again, support }));
        return got;
      };
      return (c) => {
        const { explore, again, support } = partsOf(c);
        const out = new Map<string, number>();
        const eMax = explore[0]?.score || 1;
        for (const r of explore) out.set(r.id, r.score / eMax);
        const aMax = again[0]?.score || 1;
        for (const r of again) out.set(r.id, (out.get(r.id) ?? 0) + (p.again! * r.score) / aMax);
        // Items looked at but not bought, as the edge's recently viewed and cart show them.
        const sMax = Math.max(1e-9, ...support.values());
        c.history.forEach((h, i) => {
          if (h.boughtAt.length) return;
          const s =
            (p.revisit! * p.decay! ** i * (1 + h.level)) / 3 +
            (p.support ?? 0) * ((support.get(h.item) ?? 0) / sMax);
          out.set(h.item, (out.get(h.item) ?? 0) + s);
        });
        return out;
      };
    },
  };
}
