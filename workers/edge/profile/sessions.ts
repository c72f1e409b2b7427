import type { TrackedEvent } from "../model/events.ts";
import { DAY, growth } from "./decay.ts";
import { SIGNALS, type SignalId } from "./signals.ts";
import { CAPS, type ProfileState, type SessionSummary } from "./state.ts";

const MINUTE = 60_000;
/** Inactivity that ends a visit (the usual web-analytics convention). */
export const SESSION_TIMEOUT = 30 * MINUTE;

/**
 * Session-level thresholds. A short visit (spontaneous): at most 5 pages in at most 2 minutes.
 * Long research (methodical): at least 10 pages, or 6 product views, over at least 10 minutes.
 * Fast cart (spontaneous): the first add-to-cart within 3 minutes of arriving.
 * Top picks (competitive): at least 3 product views, 60% of them category top sellers.
 */
export const VISIT = {
  shortPages: 5,
  shortMs: 2 * MINUTE,
  longPages: 10,
  longViews: 6,
  longMs: 10 * MINUTE,
  fastCartMs: 3 * MINUTE,
  topPicksViews: 3,
  topPicksShare: 0.6,
} as const;

/** A product ranked this high in its category counts as a top seller. */
export const TOP_RANK = 5;

/** A visit is over once a later one started or it has been quiet for the timeout. */
export function isClosed(state: ProfileState, s: SessionSummary, now: number): boolean {
  return now - s.end >= SESSION_TIMEOUT || state.sessions.some((o) => o.start > s.end);
}

/** Buyer-mode signals a whole visit gives; the ones that need the visit to be over wait. */
export function sessionSignals(s: SessionSummary, closed: boolean): SignalId[] {
  const out: SignalId[] = [];
  const pages = Math.max(s.pages, s.views);
  const duration = s.end - s.start;
  if (s.channel === "social") out.push("social");
  if (s.cartAt !== null && s.cartAt - s.start <= VISIT.fastCartMs) out.push("fast_cart");
  if (duration >= VISIT.longMs && (pages >= VISIT.longPages || s.views >= VISIT.longViews)) {
    out.push("long_research");
  }
  if (s.views >= VISIT.topPicksViews && s.topViews / s.views >= VISIT.topPicksShare) {
    out.push("top_picks");
  }
  if (closed && pages >= 1 && pages <= VISIT.shortPages && duration <= VISIT.shortMs) {
    out.push("short_visit");
  }
  return out;
}

/** The visit an event belongs to, created (and the oldest archived) when new. */
export function sessionFor(state: ProfileState, event: TrackedEvent): SessionSummary {
  const id = event.sessionId ?? untrackedSessionId(state, event.at);
  let s = state.sessions.find((x) => x.id === id);
  if (!s) {
    s = {
      id,
      start: event.at,
      end: event.at,
      pages: 0,
      views: 0,
      topViews: 0,
      events: 0,
      device: null,
      channel: null,
      channelAt: null,
      cartAt: null,
      purchased: false,
      giftFlag: false,
      explicitListing: false,
      seen: [],
      sig: {},
    };
    state.sessions.push(s);
    if (state.sessions.length > CAPS.sessions) archiveOldest(state);
    // Visits long over need no dedupe keys or per-visit caps any more: keep the state small.
    for (const other of state.sessions) {
      if (other.end < event.at - SESSION_TIMEOUT && other.seen.length) {
        other.seen = [];
        other.sig = {};
      }
    }
  }
  s.start = Math.min(s.start, event.at);
  s.end = Math.max(s.end, event.at);
  s.events++;
  if (event.device && !s.device) s.device = event.device;
  // Later pages of a visit report "direct" (internal navigation): the landing's channel counts.
  if (event.channel && (s.channelAt === null || event.at < s.channelAt)) {
    s.channel = event.channel;
    s.channelAt = event.at;
  }
  return s;
}

/** Events without a session id join the latest visit if it is still going, else start one. */
function untrackedSessionId(state: ProfileState, at: number): string {
  let latest: SessionSummary | null = null;
  for (const s of state.sessions) if (!latest || s.end > latest.end) latest = s;
  if (latest && at - latest.end < SESSION_TIMEOUT && at >= latest.start - SESSION_TIMEOUT) {
    return latest.id;
  }
  return `~${at}`;
}

/** Folds the oldest visit into `past`, its session-level evidence into `evidence`. */
function archiveOldest(state: ProfileState): void {
  let oldest = 0;
  state.sessions.forEach((s, i) => {
    if (s.end < state.sessions[oldest]!.end) oldest = i;
  });
  const [s] = state.sessions.splice(oldest, 1);
  if (!s) return;
  const epoch = state.epoch ?? s.start;
  const past = state.past;
  past.visits++;
  past.lastEnd = Math.max(past.lastEnd ?? s.end, s.end);
  const g = growth(s.start, epoch, "habits");
  if (s.device) past.devices[s.device] = (past.devices[s.device] ?? 0) + g;
  if (s.channel) past.channels[s.channel] = (past.channels[s.channel] ?? 0) + g;
  for (const signal of sessionSignals(s, true)) addEvidence(state, signal, s.end, true);
}

/**
 * One occurrence of a signal at `at`: always counted, weighed only when `weighed` (past the
 * per-visit cap it still shows in the counts, but adds nothing).
 */
export function addEvidence(
  state: ProfileState,
  signal: SignalId,
  at: number,
  weighed: boolean,
): void {
  const tally = (state.evidence[signal] ??= { n: 0, p: 0, w: 0 });
  tally.n++;
  if (!weighed) return;
  tally.p += SIGNALS[signal].weight;
  tally.w += SIGNALS[signal].weight * growth(at, state.epoch ?? at, "modes");
}

/** Visits that started within `days` before `now`. */
export function visitsWithin(state: ProfileState, now: number, days: number): number {
  return state.sessions.filter((s) => s.start > now - days * DAY && s.start <= now).length;
}
