import type { Interaction, Level } from "../../workers/edge/recommend/interactions.ts";

/**
 * One logged event as the protocol reads it: an interaction plus what groups it. `basket` is
 * the order (invoice, transaction) a purchase line belongs to; `session` the browsing session.
 * Either is null when the log does not say (the protocol then derives them, see protocol.ts).
 */
export type LogEvent = Interaction & { basket: string | null; session: string | null };

/** Rows a log had that are not events, counted so a report can say what was left out. */
export type Dropped = { noVisitor: number; returns: number };

const NAMES = {
  visitor: [
    "visitor_id",
    "visitorid",
    "userid",
    "user_id",
    "customerid",
    "customer_id",
    "customer id",
  ],
  item: ["item_id", "itemid", "movieid", "product_id", "productid", "stockcode", "stock_code"],
  time: ["timestamp", "time", "occurred_at", "invoicedate", "invoice_date", "event_time"],
  type: ["event_type", "event", "type"],
  basket: [
    "invoice",
    "invoiceno",
    "invoice_no",
    "transactionid",
    "transaction_id",
    "order_id",
    "basket_id",
  ],
  session: ["session_id", "sessionid", "user_session", "session"],
  quantity: ["quantity", "qty"],
} as const;

/**
 * Reads a shop's log as CSV with a header, in any of the shapes public logs come in:
 * - Vitrine's `visitor_id,item_id,timestamp[,event_type][,session_id][,basket_id]`;
 * - a transactional export, one order line per row (`Invoice`/`InvoiceNo`, `StockCode`,
 *   `Customer ID`/`CustomerID`, `InvoiceDate`, `Quantity`; the UCI Online Retail files): every
 *   row is a purchase, its invoice the basket;
 * - an event log with a type column (`view`/`product_view`, `cart`/`addtocart`/`add_to_cart`,
 *   `purchase`/`transaction`), optionally a transaction id and a session id (RetailRocket,
 *   REES46-style exports);
 * - a MovieLens `ratings.csv` (every rating a view).
 * Rows without a customer (anonymous tills) and returns (quantity <= 0, invoices starting
 * with "C") are not events: they are counted in `dropped`. Any other bad row is an error
 * naming its line and field: a silently skipped row would change the numbers.
 */
export function parseLog(
  text: string,
  source = "input",
): { events: LogEvent[]; dropped: Dropped; format: "transactions" | "events" } {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  const col = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const c = {
    visitor: col(NAMES.visitor),
    item: col(NAMES.item),
    time: col(NAMES.time),
    type: col(NAMES.type),
    basket: col(NAMES.basket),
    session: col(NAMES.session),
    quantity: col(NAMES.quantity),
  };
  const missing = (["visitor", "item", "time"] as const).filter((k) => c[k] < 0);
  if (missing.length)
    throw new Error(
      `${source}: header must name a customer/visitor, an item and a time column (missing ${missing
        .map((k) => NAMES[k][0])
        .join(", ")}; accepted: ${missing.map((k) => NAMES[k].join("/")).join("; ")})`,
    );
  // A log with a basket column and no event type is a list of order lines.
  const format = c.type < 0 && c.basket >= 0 ? "transactions" : "events";
  const events: LogEvent[] = [];
  const dropped: Dropped = { noVisitor: 0, returns: 0 };
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    const f = splitCsvLine(line);
    const where = `${source}:${n + 1}`;
    const get = (i: number) => (i >= 0 ? (f[i] ?? "").trim() : "");
    const basket = get(c.basket) || null;
    if (c.quantity >= 0) {
      const q = Number(get(c.quantity));
      if (!Number.isFinite(q))
        throw new Error(`${where}: quantity "${get(c.quantity)}" is not a number`);
      if (q <= 0) {
        dropped.returns++;
        continue;
      }
    }
    if (format === "transactions" && basket?.toUpperCase().startsWith("C")) {
      dropped.returns++;
      continue;
    }
    const visitor = get(c.visitor).replace(/\.0$/, "");
    if (!visitor) {
      if (format === "transactions") {
        dropped.noVisitor++;
        continue;
      }
      throw new Error(`${where}: visitor_id is empty`);
    }
    const item = get(c.item);
    if (!item) throw new Error(`${where}: item_id is empty`);
    const at = parseTime(get(c.time));
    if (at === null) throw new Error(`${where}: timestamp "${get(c.time)}" is not a time`);
    const level: Level = format === "transactions" ? 2 : levelOf(get(c.type), where);
    events.push({
      visitor,
      item,
      at,
      level,
      // A basket id only means an order on purchase rows (RetailRocket leaves it empty elsewhere).
      basket: level === 2 ? basket : null,
      session: get(c.session) || null,
    });
  }
  return { events, dropped, format };
}

function levelOf(type: string, where: string): Level {
  switch (type.toLowerCase()) {
    case "":
    case "view":
    case "product_view":
    case "rating":
      return 0;
    case "cart":
    case "addtocart":
    case "add_to_cart":
      return 1;
    case "purchase":
    case "buy":
    case "transaction":
      return 2;
    default:
      throw new Error(
        `${where}: event_type "${type}" is not view/product_view, cart/addtocart/add_to_cart or purchase/transaction`,
      );
  }
}

/** One CSV record's fields: commas inside double quotes stay, `""` is a quote. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

/**
 * Epoch ms from epoch ms, epoch seconds (below 1e11), ISO 8601, `YYYY-MM-DD HH:MM[:SS][ UTC]`
 * or the UCI files' `M/D/YYYY H:MM`. Times without a zone are read as UTC, never as the
 * machine's local time (which would make results depend on where they were computed).
 */
export function parseTime(s: string): number | null {
  if (/^\d+(\.\d+)?$/.test(s)) {
    const x = Number(s);
    return x < 1e11 ? Math.round(x * 1000) : Math.round(x);
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (us) {
    const [, mo, d, y, h, mi, sec] = us.map(Number) as number[];
    return Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(sec) ? 0 : sec!);
  }
  const iso =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(
      s,
    );
  if (iso) {
    const zone = !iso[3] || iso[3] === "UTC" ? "Z" : iso[3];
    const t = Date.parse(`${iso[1]}T${iso[2]}${zone}`);
    return Number.isNaN(t) ? null : t;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00Z`);
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}
