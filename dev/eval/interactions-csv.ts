import { levelOfType, type Interaction } from "../../workers/edge/recommend/interactions.ts";

/**
 * Reads an interaction log: `visitor_id,item_id,timestamp[,event_type]` with a header row
 * (Vitrine's format), or a MovieLens `userId,movieId,rating,timestamp` ratings file (every
 * rating counts as an interaction, as in implicit-feedback evaluations). Timestamps are epoch
 * milliseconds, epoch seconds (values below 1e11) or ISO 8601. Bad rows are errors naming the
 * line and the field: a silently skipped row would change the numbers.
 */
export function parseInteractions(text: string, source = "input"): Interaction[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const col = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const visitor = col("visitor_id", "userid", "user_id");
  const item = col("item_id", "movieid", "itemid", "product_id");
  const time = col("timestamp", "time", "occurred_at");
  const type = col("event_type", "event", "type");
  const missing = [
    visitor < 0 && "visitor_id",
    item < 0 && "item_id",
    time < 0 && "timestamp",
  ].filter(Boolean);
  if (missing.length)
    throw new Error(
      `${source}: header must name visitor_id,item_id,timestamp[,event_type] (missing ${missing.join(", ")})`,
    );
  const out: Interaction[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    const f = line.split(",");
    const where = `${source}:${n + 1}`;
    const v = f[visitor]?.trim();
    const i = f[item]?.trim();
    if (!v) throw new Error(`${where}: visitor_id is empty`);
    if (!i) throw new Error(`${where}: item_id is empty`);
    const at = parseTime(f[time]?.trim() ?? "");
    if (at === null) throw new Error(`${where}: timestamp "${f[time] ?? ""}" is not a time`);
    out.push({
      visitor: v,
      item: i,
      at,
      level: levelOfType(type >= 0 ? f[type]?.trim() : undefined),
    });
  }
  return out;
}

function parseTime(s: string): number | null {
  if (/^\d+(\.\d+)?$/.test(s)) {
    const x = Number(s);
    return x < 1e11 ? Math.round(x * 1000) : Math.round(x);
  }
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

/** Writes interactions in Vitrine's CSV format. */
export function toCsv(
  rows: readonly { visitor: string; item: string; at: number; type: string }[],
): string {
  return (
    "visitor_id,item_id,timestamp,event_type\n" +
    rows.map((r) => `${r.visitor},${r.item},${r.at},${r.type}`).join("\n") +
    "\n"
  );
}
