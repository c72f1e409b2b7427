/**
 * Exposure hygiene before any statistics: a visitor counts once per experiment, from their
 * first exposure, in the arm they were first assigned. The decision engine's bucketing is
 * sticky, so a visitor seen in two arms means the experiment changed under them (salt or
 * weights edited mid-flight): such visitors are dropped rather than counted twice. Bots are
 * dropped too (the engine records no exposure for bots it recognizes; this catches the rest).
 */
export type ExposureRecord = {
  experimentId: string;
  visitorId: string;
  arm: string;
  at: number;
  /** How many raw records this one stands for (pre-grouped page views); 1 if absent. */
  count?: number;
};

export type FirstExposure = { arm: string; at: number };

export type DedupedExposures = {
  /** visitor id -> first exposure, for the visitors that count. */
  visitors: Map<string, FirstExposure>;
  /** Records beyond each visitor's first (page views, retries, several sources). */
  duplicates: number;
  /** Visitors seen in more than one arm, excluded. */
  crossovers: number;
  /** Bot visitors excluded. */
  bots: number;
};

export function dedupeExposures(
  records: Iterable<ExposureRecord>,
  experimentId: string,
  bots: ReadonlySet<string> = new Set(),
): DedupedExposures {
  const first = new Map<string, FirstExposure>();
  const mixed = new Set<string>();
  const botIds = new Set<string>();
  let duplicates = 0;
  for (const r of records) {
    if (r.experimentId !== experimentId) continue;
    if (bots.has(r.visitorId)) {
      botIds.add(r.visitorId);
      continue;
    }
    // Records already grouped upstream carry their repeats.
    duplicates += Math.max(0, (r.count ?? 1) - 1);
    const seen = first.get(r.visitorId);
    if (!seen) {
      first.set(r.visitorId, { arm: r.arm, at: r.at });
      continue;
    }
    duplicates++;
    if (seen.arm !== r.arm) mixed.add(r.visitorId);
    if (r.at < seen.at) first.set(r.visitorId, { arm: r.arm, at: r.at });
  }
  for (const id of mixed) first.delete(id);
  return { visitors: first, duplicates, crossovers: mixed.size, bots: botIds.size };
}

/** A visitor's behaviour, enough to tell a script from a person. */
export type VisitorActivity = {
  visitorId: string;
  pageViews: number;
  firstAt: number;
  lastAt: number;
  /** Any event carried a bot flag (set by the edge for clients it classified as bots). */
  flagged: boolean;
};

/** Faster than any person reads: on average under a second per page over 20+ pages. */
export const BOT_MIN_PAGE_VIEWS = 20;
export const BOT_MAX_MS_PER_PAGE = 1000;

/**
 * Visitors to leave out of experiment results: flagged by the edge, or browsing at machine
 * speed (user-agent detection misses headless browsers that pose as Chrome).
 */
export function botVisitors(activity: Iterable<VisitorActivity>): Set<string> {
  const out = new Set<string>();
  for (const a of activity) {
    const fast =
      a.pageViews >= BOT_MIN_PAGE_VIEWS &&
      (a.lastAt - a.firstAt) / (a.pageViews - 1) < BOT_MAX_MS_PER_PAGE;
    if (a.flagged || fast) out.add(a.visitorId);
  }
  return out;
}
