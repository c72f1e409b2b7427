/**
 * Unit prices of what a page view uses, beyond each plan's included usage (Workers Paid, and
 * Turso's plans' overage), as data with where they were read. The bench turns its measured
 * counts per page into dollars per million pages with `costOf`.
 */
export type Meter =
  | "workerRequests"
  | "workerCpuMs"
  | "doRequests"
  | "doGbSeconds"
  | "doSqlRowsRead"
  | "doSqlRowsWritten"
  | "kvReads"
  | "kvWrites"
  | "tursoRowsRead"
  | "tursoRowsWritten";

export type UnitPrice = {
  meter: Meter;
  label: string;
  /** USD per `per` units. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  /** When the price was read (YYYY-MM-DD) and from what. */
  read: string;
};

const READ = "2026-12-04";
const WORKERS = "https://developers.cloudflare.com/workers/platform/pricing/";
const DO = "https://developers.cloudflare.com/durable-objects/platform/pricing/";
const KV = "https://developers.cloudflare.com/kv/platform/pricing/";
const TURSO = "https://turso.tech/pricing";

export const PRICES: readonly UnitPrice[] = [
  {
    meter: "workerRequests",
    label: "Worker requests",
    usd: 0.3,
    per: 1e6,
    unit: "requests",
    source: WORKERS,
    read: `${READ}, Workers Paid, beyond 10 M/month (as quoted from that page by secondary sources)`,
  },
  {
    meter: "workerCpuMs",
    label: "Worker CPU",
    usd: 0.02,
    per: 1e6,
    unit: "CPU ms",
    source: WORKERS,
    read: `${READ}, Workers Paid, beyond 30 M CPU ms/month (as quoted from that page by secondary sources)`,
  },
  {
    meter: "doRequests",
    label: "Durable Object requests",
    usd: 0.15,
    per: 1e6,
    unit: "requests (each RPC call is one)",
    source: DO,
    read: `${READ}, beyond 1 M/month, from the page`,
  },
  {
    meter: "doGbSeconds",
    label: "Durable Object duration",
    usd: 12.5,
    per: 1e6,
    unit: "GB-s (128 MB per active object)",
    source: DO,
    read: `${READ}, beyond 400,000 GB-s/month, from the page; idle objects that can hibernate are not billed`,
  },
  {
    meter: "doSqlRowsRead",
    label: "Durable Object SQLite rows read",
    usd: 0.001,
    per: 1e6,
    unit: "rows",
    source: DO,
    read: `${READ}, beyond 25 B/month (unverified: the stored page was cut before its storage table; D1's published rate)`,
  },
  {
    meter: "doSqlRowsWritten",
    label: "Durable Object SQLite rows written",
    usd: 1.0,
    per: 1e6,
    unit: "rows",
    source: DO,
    read: `${READ}, beyond 50 M/month (unverified: the stored page was cut before its storage table; D1's published rate)`,
  },
  {
    meter: "kvReads",
    label: "KV reads",
    usd: 0.5,
    per: 1e6,
    unit: "key reads (misses count)",
    source: KV,
    read: `${READ}, beyond 10 M/month (as transcribed from that page)`,
  },
  {
    meter: "kvWrites",
    label: "KV writes, deletes, lists",
    usd: 5.0,
    per: 1e6,
    unit: "operations",
    source: KV,
    read: `${READ}, beyond 1 M/month each (as transcribed from that page)`,
  },
  {
    meter: "tursoRowsRead",
    label: "Turso rows read",
    usd: 1.0,
    per: 1e9,
    unit: "rows",
    source: TURSO,
    read: `${READ}, overage beyond the plan's rows (as transcribed from that page on 2026-06-12)`,
  },
  {
    meter: "tursoRowsWritten",
    label: "Turso rows written",
    usd: 1.0,
    per: 1e6,
    unit: "rows",
    source: TURSO,
    read: `${READ}, overage beyond the plan's rows (as transcribed from that page on 2026-06-12)`,
  },
];

/** Usage per unit of work (one page view, one event), by meter; absent: none. */
export type Usage = Partial<Record<Meter, number>>;

export type CostLine = { meter: Meter; label: string; quantity: number; usd: number };
export type Cost = { units: number; lines: CostLine[]; totalUsd: number };

/** What `units` units of work cost, each using `usage`, at `prices`' marginal rates. */
export function costOf(usage: Usage, units: number, prices = PRICES): Cost {
  const lines: CostLine[] = [];
  for (const [meter, perUnit] of Object.entries(usage) as [Meter, number][]) {
    if (!Number.isFinite(perUnit) || perUnit < 0)
      throw new RangeError(`usage.${meter} must be a number >= 0, got ${perUnit}`);
    const price = prices.find((p) => p.meter === meter);
    if (!price) throw new RangeError(`no price for meter "${meter}"`);
    const quantity = perUnit * units;
    lines.push({ meter, label: price.label, quantity, usd: (quantity / price.per) * price.usd });
  }
  return { units, lines, totalUsd: lines.reduce((s, l) => s + l.usd, 0) };
}

/** GB-s of an object's duration: wall-clock ms it was active, at 128 MB. */
export const gbSeconds = (activeMs: number): number => (activeMs / 1000) * 0.128;
