import type { Catalog } from "./catalog.ts";
import type { Histories } from "./histories.ts";
import { buildProfile } from "../workers/edge/profile/index.ts";
import { fromSeedRow, seedLookup } from "./seed-events.ts";

/**
 * Profiles for the seeded visitors, built by the same builder the visitors' Durable Objects
 * run, so the dashboard's buyer-mode and segment sizes have data from the first start.
 * Visitors without events (no consent) get none.
 */
export function withProfiles<H extends Pick<Histories, "visitors" | "events">>(
  histories: H,
  catalog: Catalog,
  now: number,
): H {
  const byVisitor = new Map<string, H["events"]>();
  for (const row of histories.events) {
    const list = byVisitor.get(row.visitorId);
    if (list) list.push(row);
    else byVisitor.set(row.visitorId, [row]);
  }
  const products = seedLookup(catalog);
  const visitors = histories.visitors.map((v) => {
    const rows = byVisitor.get(v.id);
    if (!rows?.length) return v;
    const events = rows.map(fromSeedRow).sort((a, b) => a.at - b.at);
    return { ...v, profile: buildProfile(events, products, now, v.id), profileVersion: 1 };
  });
  return { ...histories, visitors };
}
