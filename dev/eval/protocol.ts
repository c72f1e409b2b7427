import type { LogEvent } from "./log-adapters.ts";

/** A browsing session ends after this much inactivity when the log has no session ids. */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * What is held out: the whole next purchase basket (`basket`), or every item of the next
 * browsing session (`session`, for logs with few purchases).
 */
export type Unit = "basket" | "session";

/** A visitor's past item: when they last touched it, how, and the times they bought it. */
export type HistoryItem = { item: string; at: number; level: 0 | 1 | 2; boughtAt: number[] };

/**
 * One held-out case: the visitor's history (distinct items, most recent first, at most the
 * history limit; items last touched at one instant in a seeded random order, so the log's line
 * order never ranks them) and the items of the next basket or session.
 */
export type Case = {
  visitor: string;
  /** When the held-out unit started: what a recommender may know is strictly before it. */
  at: number;
  history: HistoryItem[];
  target: string[];
  /** Targets bought before, in the history ("buy again": what a recommender can know). */
  repeat: string[];
  /** Targets not in the history ("explore"). */
  explore: string[];
};

export type Split = { train: LogEvent[]; cases: Case[] };

/**
 * A held-out unit: when it started, and `historyEnd`, the instant history must precede: the
 * start of the session it happened in (a basket's own browsing session is part of placing
 * it, not history: otherwise "viewed it five minutes ago" would count as prediction).
 */
type Unit_ = { visitor: string; start: number; historyEnd: number; items: Set<string> };

/**
 * The held-out units of each visitor, in time order. Baskets: purchase lines grouped by their
 * basket id, else by visitor and instant. Sessions: the log's session ids, else runs of events
 * with gaps under 30 minutes.
 */
export function unitsOf(events: readonly LogEvent[], unit: Unit): Map<string, Unit_[]> {
  const byKey = new Map<string, Unit_>();
  const sessionKey = sessionKeys(events);
  const sessionStart = new Map<string, number>();
  events.forEach((e, i) => {
    const k = sessionKey[i]!;
    sessionStart.set(k, Math.min(sessionStart.get(k) ?? Infinity, e.at));
  });
  events.forEach((e, i) => {
    if (unit === "basket" && e.level !== 2) return;
    const key = unit === "basket" ? `${e.visitor}\u0000${e.basket ?? `@${e.at}`}` : sessionKey[i]!;
    let u = byKey.get(key);
    if (!u)
      byKey.set(key, (u = { visitor: e.visitor, start: e.at, historyEnd: e.at, items: new Set() }));
    u.start = Math.min(u.start, e.at);
    u.historyEnd = Math.min(u.historyEnd, e.at, sessionStart.get(sessionKey[i]!)!);
    u.items.add(e.item);
  });
  const out = new Map<string, Unit_[]>();
  for (const u of byKey.values()) {
    let list = out.get(u.visitor);
    if (!list) out.set(u.visitor, (list = []));
    list.push(u);
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

/** Each event's session key: its session id, else the visitor's 30-minute-gap run. */
export function sessionKeys(events: readonly LogEvent[]): string[] {
  const keys: string[] = new Array(events.length);
  const order = events.map((_, i) => i).sort((a, b) => events[a]!.at - events[b]!.at || a - b);
  const last = new Map<string, { at: number; n: number }>();
  for (const i of order) {
    const e = events[i]!;
    if (e.session) {
      keys[i] = `${e.visitor}\u0000s:${e.session}`;
      continue;
    }
    const prev = last.get(e.visitor);
    const n = prev && e.at - prev.at <= SESSION_GAP_MS ? prev.n : (prev?.n ?? -1) + 1;
    last.set(e.visitor, { at: e.at, n });
    keys[i] = `${e.visitor}\u0000g:${n}`;
  }
  return keys;
}

export type SplitOptions = {
  unit: Unit;
  /** Training data is every event strictly before this instant. */
  cutoff: number;
  /** Cases are each visitor's first unit starting in [cutoff, end). */
  end: number;
  historyLimit: number;
  /** Seeds the order of items touched at one instant. */
  seed: number;
};

/**
 * Global temporal split: the model trains on events before `cutoff` (no one's future is in
 * training); each visitor's first basket (or session) in `[cutoff, end)` is held out whole, and
 * the history is what the visitor did strictly before the session that unit happened in (their
 * earlier baskets and sessions, including any in the test window before it; never the unit's
 * own lines, its session's browsing or anything at its instant). A visitor without history
 * gives no case.
 */
export function temporalSplit(events: readonly LogEvent[], o: SplitOptions): Split {
  const train = events.filter((e) => e.at < o.cutoff);
  const units = unitsOf(events, o.unit);
  const byVisitor = new Map<string, LogEvent[]>();
  for (const e of events) {
    let l = byVisitor.get(e.visitor);
    if (!l) byVisitor.set(e.visitor, (l = []));
    l.push(e);
  }
  const cases: Case[] = [];
  const visitors = [...units.keys()].sort();
  for (const visitor of visitors) {
    const next = units.get(visitor)!.find((u) => u.start >= o.cutoff && u.start < o.end);
    if (!next) continue;
    const before = byVisitor.get(visitor)!.filter((e) => e.at < next.historyEnd);
    const history = historyOf(before, o.historyLimit, `${o.seed}:${visitor}`);
    if (!history.length) continue;
    const target = [...next.items].sort();
    const bought = new Set(history.filter((h) => h.boughtAt.length).map((h) => h.item));
    const seen = new Set(history.map((h) => h.item));
    cases.push({
      visitor,
      at: next.start,
      history,
      target,
      repeat: target.filter((t) => bought.has(t)),
      explore: target.filter((t) => !seen.has(t)),
    });
  }
  return { train, cases };
}

/**
 * Distinct items, most recent first, strongest level and purchase instants kept. Items whose
 * last touch shares an instant are ordered by a hash of (seed, item): random, reproducible,
 * independent of the log's line order.
 */
export function historyOf(events: readonly LogEvent[], limit: number, seed: string): HistoryItem[] {
  const byItem = new Map<string, HistoryItem>();
  for (const e of events) {
    let h = byItem.get(e.item);
    if (!h) byItem.set(e.item, (h = { item: e.item, at: e.at, level: e.level, boughtAt: [] }));
    h.at = Math.max(h.at, e.at);
    h.level = Math.max(h.level, e.level) as 0 | 1 | 2;
    if (e.level === 2 && !h.boughtAt.includes(e.at)) h.boughtAt.push(e.at);
  }
  for (const h of byItem.values()) h.boughtAt.sort((a, b) => a - b);
  return [...byItem.values()]
    .sort((a, b) => b.at - a.at || hash(`${seed}:${a.item}`) - hash(`${seed}:${b.item}`))
    .slice(0, limit);
}

/** FNV-1a, 32 bits. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Test and validation windows at the end of the log: test = the last `testFraction` of its
 * time span, validation = the same length just before it. Hyperparameters are picked on the
 * validation cases (training on events before the validation cutoff), then every method is
 * retrained on everything before the test cutoff and scored once on the test cases.
 */
export function windows(
  events: readonly LogEvent[],
  testFraction: number,
): { valCutoff: number; testCutoff: number; end: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of events) {
    lo = Math.min(lo, e.at);
    hi = Math.max(hi, e.at);
  }
  const span = hi - lo;
  const testCutoff = hi - span * testFraction;
  return { valCutoff: testCutoff - span * testFraction, testCutoff, end: hi + 1 };
}
