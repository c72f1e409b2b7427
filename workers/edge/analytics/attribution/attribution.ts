/**
 * Multi-touch attribution: each order's value is split across the touchpoints (visits with
 * their channel and campaign) of the customer's journey in a look-back window before the
 * order, by five models. Money stays in integer cents: each model's weights become cents by
 * the largest-remainder method, so every order's shares sum exactly to its value.
 */
export const MODELS = [
  "last_click",
  "first_click",
  "linear",
  "time_decay",
  "position_based",
] as const;
export type AttributionModel = (typeof MODELS)[number];

export const MODEL_LABELS: Record<AttributionModel, string> = {
  last_click: "Last click",
  first_click: "First click",
  linear: "Linear",
  time_decay: "Time decay",
  position_based: "Position based (40/20/40)",
};

/** One visit that can take credit. */
export type Touchpoint = {
  at: number;
  visitorId: string;
  channel: string;
  campaign: string | null;
  device: string;
};

export type Order = {
  id: string;
  at: number;
  valueCents: number;
  /** Whose journey: the customer when known (all their devices), else the visitor. */
  journeyKey: string;
};

export type AttributionOptions = {
  lookbackMs: number;
  /** Time decay: a touch this long before the order gets half the weight of one at the order. */
  halfLifeMs: number;
};

export const DEFAULT_ATTRIBUTION: AttributionOptions = {
  lookbackMs: 30 * 86_400_000,
  // Seven days, the convention of the major analytics suites for time-decay models.
  halfLifeMs: 7 * 86_400_000,
};

/** Relative weights of each touch (oldest first) under one model. */
export function modelWeights(
  model: AttributionModel,
  touches: readonly Touchpoint[],
  orderAt: number,
  halfLifeMs: number,
): number[] {
  const n = touches.length;
  if (n === 0) return [];
  switch (model) {
    case "last_click":
      return touches.map((_, i) => (i === n - 1 ? 1 : 0));
    case "first_click":
      return touches.map((_, i) => (i === 0 ? 1 : 0));
    case "linear":
      return touches.map(() => 1);
    case "time_decay":
      return touches.map((t) => Math.pow(2, -(orderAt - t.at) / halfLifeMs));
    case "position_based":
      // 40% first, 40% last, 20% shared by the middle; one touch takes all, two split evenly.
      if (n === 1) return [1];
      if (n === 2) return [0.5, 0.5];
      return touches.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
  }
}

/**
 * Splits `total` cents in proportion to `weights`, exactly: everyone gets the floor of their
 * share, then the cents left over go one each to the largest remainders; ties go to the
 * later touch (closest to the order), so results are deterministic.
 */
export function allocateCents(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total)) throw new RangeError(`allocateCents: total must be whole cents`);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (!(sum > 0)) throw new RangeError("allocateCents: weights must have a positive sum");
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    // Remainders equal up to float noise are treated as ties.
    .sort((a, b) => (Math.abs(b.r - a.r) > 1e-9 ? b.r - a.r : b.i - a.i));
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]!.i]!++;
  return out;
}

export type OrderAttribution = {
  orderId: string;
  touches: Touchpoint[];
  /** Cents per touch, per model (same order as `touches`). */
  cents: Record<AttributionModel, number[]>;
  crossDevice: boolean;
};

/** The touches of one journey inside the window [order − lookback, order], oldest first. */
export function journeyTouches(
  touches: readonly Touchpoint[],
  orderAt: number,
  lookbackMs: number,
): Touchpoint[] {
  return touches
    .filter((t) => t.at <= orderAt && t.at >= orderAt - lookbackMs)
    .sort((a, b) => a.at - b.at);
}

/** A journey crosses devices when its touches come from more than one device or visitor id. */
export function crossesDevices(touches: readonly Touchpoint[]): boolean {
  return (
    new Set(touches.map((t) => t.device)).size > 1 ||
    new Set(touches.map((t) => t.visitorId)).size > 1
  );
}

/** A journey with no visit in the window (e.g. an order imported from the shop) still counts. */
const UNKNOWN_TOUCH = (order: Order): Touchpoint => ({
  at: order.at,
  visitorId: order.journeyKey,
  channel: "(unknown)",
  campaign: null,
  device: "(unknown)",
});

export function attributeOrder(
  order: Order,
  journey: readonly Touchpoint[],
  options: AttributionOptions = DEFAULT_ATTRIBUTION,
): OrderAttribution {
  const inWindow = journeyTouches(journey, order.at, options.lookbackMs);
  const touches = inWindow.length ? inWindow : [UNKNOWN_TOUCH(order)];
  const cents = Object.fromEntries(
    MODELS.map((m) => [
      m,
      allocateCents(order.valueCents, modelWeights(m, touches, order.at, options.halfLifeMs)),
    ]),
  ) as Record<AttributionModel, number[]>;
  return { orderId: order.id, touches, cents, crossDevice: crossesDevices(inWindow) };
}

export type AttributionTable = {
  /** Per dimension value (channel or campaign): cents credited under each model. */
  rows: { key: string; cents: Record<AttributionModel, number> }[];
  totalCents: number;
};

export type AttributionReport = {
  orders: number;
  totalCents: number;
  byChannel: AttributionTable;
  byCampaign: AttributionTable;
  /** Journeys whose touches span several devices (or visitor ids of one customer). */
  crossDevice: { orders: number; cents: number; share: number };
  averageTouches: number;
  options: AttributionOptions;
};

function table(
  results: readonly OrderAttribution[],
  keyOf: (t: Touchpoint) => string,
): AttributionTable {
  const rows = new Map<string, Record<AttributionModel, number>>();
  let totalCents = 0;
  for (const r of results) {
    r.touches.forEach((t, i) => {
      const key = keyOf(t);
      let row = rows.get(key);
      if (!row) {
        row = Object.fromEntries(MODELS.map((m) => [m, 0])) as Record<AttributionModel, number>;
        rows.set(key, row);
      }
      for (const m of MODELS) row[m] += r.cents[m][i]!;
    });
    totalCents += r.cents.last_click.reduce((a, b) => a + b, 0);
  }
  return {
    rows: [...rows.entries()]
      .map(([key, cents]) => ({ key, cents }))
      .sort((a, b) => b.cents.linear - a.cents.linear || (a.key < b.key ? -1 : 1)),
    totalCents,
  };
}

/**
 * Attribution of many orders: `journeys` maps a journey key (customer or visitor) to all its
 * touches. Per-channel and per-campaign totals are sums of whole cents, so each model's column
 * adds up exactly to the revenue of the orders.
 */
export function attributeOrders(
  orders: readonly Order[],
  journeys: ReadonlyMap<string, readonly Touchpoint[]>,
  options: AttributionOptions = DEFAULT_ATTRIBUTION,
): AttributionReport {
  const results = orders.map((o) => attributeOrder(o, journeys.get(o.journeyKey) ?? [], options));
  const cross = results.filter((r) => r.crossDevice);
  const crossCents = cross.reduce((s, r) => s + r.cents.linear.reduce((a, b) => a + b, 0), 0);
  const totalCents = orders.reduce((s, o) => s + o.valueCents, 0);
  return {
    orders: orders.length,
    totalCents,
    byChannel: table(results, (t) => t.channel),
    byCampaign: table(results, (t) => t.campaign ?? "(none)"),
    crossDevice: {
      orders: cross.length,
      cents: crossCents,
      share: orders.length ? cross.length / orders.length : 0,
    },
    averageTouches: results.length
      ? results.reduce(
          (s, r) => s + (r.touches[0]!.channel === "(unknown)" ? 0 : r.touches.length),
          0,
        ) / results.length
      : 0,
    options,
  };
}
