import { mulberry32 } from "../../seeds/random.ts";

export type RepeatLogOptions = {
  customers: number;
  items: number;
  days: number;
  /** The log's last instant (the clock's day start in the CLI): invoices fall in the days before. */
  end: number;
  seed: number;
};

export const REPEAT_LOG_DEFAULTS: Omit<RepeatLogOptions, "end"> = {
  customers: 1500,
  items: 2000,
  days: 365,
  seed: 7,
};

/** One invoice line, as a wholesale shop's transactional export has it. */
export type InvoiceLine = {
  invoice: string;
  item: string;
  quantity: number;
  at: number;
  customer: string | null;
};

const DAY = 86_400_000;
const THEME_SIZE = 40;

/**
 * A wholesale-like purchase log with real repeat cycles, shaped like the UCI Online Retail
 * export (invoices of many lines at one instant, about a third of lines re-buys with the
 * defaults): items in themes of 40 with Zipf popularity, a tenth of themes seasonal (the last
 * third of the year only), a fifth of items launched during the year; customers with 2-6
 * favourite themes, their own order interval (7-90 days) and basket size (3-60 new lines).
 * Each invoice re-buys the customer's staples that are due (8% of the items they buy become
 * staples, each with its own cycle of 1-4 orders) and now and then another past item, then adds
 * items new to them in runs of 2-5 from one theme (a favourite theme half the time), so items
 * bought together share a theme. A few lines have no customer
 * and a few invoices are returns ("C" prefix), as in the real files. Deterministic per seed.
 */
export function generateRepeatLog(o: RepeatLogOptions): InvoiceLine[] {
  const rnd = mulberry32(o.seed);
  const start = o.end - o.days * DAY;
  const themes = Math.max(1, Math.ceil(o.items / THEME_SIZE));
  const itemId = (i: number) => `S${String(10000 + i)}`;
  // Zipf weights per item within its theme, and per theme.
  const themeWeight = Array.from({ length: themes }, (_, t) => 1 / (1 + t) ** 0.8);
  const seasonal = Array.from({ length: themes }, () => rnd() < 0.1);
  const launch = Array.from({ length: o.items }, () =>
    rnd() < 0.2 ? start + rnd() * o.days * DAY : start,
  );
  const itemWeight = Array.from({ length: o.items }, (_, i) => 1 / (1 + (i % THEME_SIZE)) ** 0.9);
  const pick = (weights: number[]) => {
    let total = 0;
    for (const w of weights) total += w;
    let r = rnd() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) <= 0) return i;
    return weights.length - 1;
  };
  const logNormal = (median: number, sigma: number) => {
    const u = Math.max(1e-9, rnd());
    const v = rnd();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
  const available = (i: number, at: number) => {
    if (launch[i]! > at) return false;
    if (!seasonal[Math.floor(i / THEME_SIZE)]) return true;
    return (at - start) / DAY > o.days * 0.66;
  };
  const lines: InvoiceLine[] = [];
  let invoiceNo = 500000;
  for (let c = 0; c < o.customers; c++) {
    const customer = String(12000 + c);
    const favourites = Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => pick(themeWeight));
    const interval = Math.min(90, Math.max(7, logNormal(30, 0.6))) * DAY;
    const size = Math.min(60, Math.max(3, Math.round(logNormal(12, 0.6))));
    // Per bought item: orders since last bought, its cycle in orders (staples only).
    const past = new Map<number, { since: number; cycle: number }>();
    let at = start + rnd() * interval;
    while (at < o.end) {
      const basket = new Set<number>();
      for (const [i, p] of past) {
        p.since++;
        const due = p.cycle > 0 && p.since >= p.cycle;
        if (rnd() < (due ? 0.7 : p.cycle > 0 ? 0.03 : 0.003)) basket.add(i);
      }
      const again = basket.size;
      let guard = 0;
      while (basket.size < again + size && guard++ < 100) {
        const theme =
          rnd() < 0.5 ? favourites[Math.floor(rnd() * favourites.length)]! : pick(themeWeight);
        const members = Array.from({ length: THEME_SIZE }, (_, j) => theme * THEME_SIZE + j).filter(
          (i) => i < o.items && available(i, at) && !basket.has(i),
        );
        const run = 2 + Math.floor(rnd() * 4);
        for (let r = 0; r < run && members.length; r++) {
          // Mostly items new to the customer: their re-buys come from the staples above.
          const j = pick(members.map((i) => itemWeight[i]! * (past.has(i) ? 0.1 : 1)));
          basket.add(members[j]!);
          members.splice(j, 1);
        }
      }
      const invoice = String(invoiceNo++);
      const anonymous = rnd() < 0.01;
      for (const i of basket) {
        lines.push({
          invoice,
          item: itemId(i),
          quantity: 1 + Math.floor(rnd() * 24),
          at: Math.floor(at / 60_000) * 60_000,
          customer: anonymous ? null : customer,
        });
        const p = past.get(i);
        if (p) p.since = 0;
        else past.set(i, { since: 0, cycle: rnd() < 0.08 ? 1 + Math.floor(rnd() * 4) : 0 });
      }
      if (rnd() < 0.03 && basket.size) {
        const [i] = basket;
        lines.push({
          invoice: `C${invoiceNo++}`,
          item: itemId(i!),
          quantity: -1,
          at: Math.floor(at / 60_000) * 60_000 + 3_600_000,
          customer,
        });
      }
      at += Math.max(DAY, logNormal(interval, 0.4));
    }
  }
  return lines.sort((a, b) => a.at - b.at || (a.invoice < b.invoice ? -1 : 1));
}

/** UCI Online Retail's columns: InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID. */
export function toTransactionsCsv(lines: readonly InvoiceLine[]): string {
  const date = (t: number) => new Date(t).toISOString().slice(0, 19).replace("T", " ");
  return (
    "InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID\n" +
    lines
      .map((l) => `${l.invoice},${l.item},${l.quantity},${date(l.at)},${l.customer ?? ""}`)
      .join("\n") +
    "\n"
  );
}
