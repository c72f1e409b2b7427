import { BUYER_MODES, type BuyerMode, type ModeEvidence } from "../model/profile.ts";
import { growth } from "./decay.ts";
import { isClosed, sessionSignals } from "./sessions.ts";
import { SIGNAL_IDS, SIGNALS, type SignalId } from "./signals.ts";
import type { ProfileState, SignalTally } from "./state.ts";

/**
 * When a top mode is named. `minEvidence`: evidence points (a promo click is 2, a filter 1;
 * see SIGNALS) below which any mode would be a guess. `minLead`: the top mode's share
 * must beat the runner-up's by this much, else the visitor is mixed and no mode is targeted.
 */
export type ModeRules = { minEvidence: number; minLead: number };
export const MODE_RULES: ModeRules = { minEvidence: 2.5, minLead: 0.08 };

/** How many evidence items per mode the KV profile carries. */
const EVIDENCE_PER_MODE = 3;

export type ModeReading = {
  /** Shares in [0, 1] summing to 1, or all 0 without evidence. */
  scores: Record<BuyerMode, number>;
  topMode: BuyerMode | null;
  evidence: Partial<Record<BuyerMode, ModeEvidence[]>>;
  /** Evidence points seen (signal weights, not decayed), all modes together. */
  points: number;
  explain: string;
};

/** Event evidence plus the session-level evidence of the visits still kept in detail. */
export function tallies(state: ProfileState, now: number): Record<SignalId, SignalTally> {
  const out = {} as Record<SignalId, SignalTally>;
  for (const id of SIGNAL_IDS) {
    const t = state.evidence[id];
    out[id] = { n: t?.n ?? 0, p: t?.p ?? 0, w: t?.w ?? 0 };
  }
  const epoch = state.epoch ?? now;
  for (const s of state.sessions) {
    for (const id of sessionSignals(s, isClosed(state, s, now))) {
      out[id].n++;
      out[id].p += SIGNALS[id].weight;
      out[id].w += SIGNALS[id].weight * growth(s.end, epoch, "modes");
    }
  }
  return out;
}

export function readModes(
  state: ProfileState,
  now: number,
  rules: ModeRules = MODE_RULES,
): ModeReading {
  const t = tallies(state, now);
  const stored = { competitive: 0, methodical: 0, spontaneous: 0, humanistic: 0 };
  for (const id of SIGNAL_IDS) stored[SIGNALS[id].mode] += t[id].w;
  const sum = BUYER_MODES.reduce((a, m) => a + stored[m], 0);
  // Sufficiency counts all evidence seen; decay only decides how the modes share it.
  const points = SIGNAL_IDS.reduce((a, id) => a + t[id].p, 0);
  const scores = shares(stored, sum);

  const evidence: Partial<Record<BuyerMode, ModeEvidence[]>> = {};
  for (const mode of BUYER_MODES) {
    const items = SIGNAL_IDS.filter((id) => SIGNALS[id].mode === mode && t[id].n > 0)
      .sort((a, b) => t[b].w - t[a].w || t[b].n - t[a].n || (a < b ? -1 : 1))
      .slice(0, EVIDENCE_PER_MODE)
      .map((id) => ({ signal: id, count: t[id].n }));
    if (items.length) evidence[mode] = items;
  }

  const order = [...BUYER_MODES].sort((a, b) => stored[b] - stored[a]);
  const [first, second] = [order[0]!, order[1]!];
  const lead = sum > 0 ? (stored[first] - stored[second]) / sum : 0;
  const topMode = points >= rules.minEvidence && lead >= rules.minLead ? first : null;

  const describe = (mode: BuyerMode) =>
    (evidence[mode] ?? [])
      .map((e) => `${SIGNALS[e.signal as SignalId].label} x${e.count}`)
      .join(", ");
  let explain: string;
  if (sum === 0) explain = "no buyer-mode evidence yet";
  else if (topMode) explain = `${topMode} ${scores[topMode].toFixed(2)}: ${describe(topMode)}`;
  else if (points < rules.minEvidence) {
    explain = `not enough evidence yet (${points.toFixed(1)} of ${rules.minEvidence} points); leaning ${first}: ${describe(first)}`;
  } else {
    explain = `no clear mode: ${first} ${scores[first].toFixed(2)} vs ${second} ${scores[second].toFixed(2)}`;
  }
  return { scores, topMode, evidence, points, explain };
}

/** Shares rounded to 3 decimals that still sum to exactly 1 (the remainder goes to the top). */
function shares(w: Record<BuyerMode, number>, sum: number): Record<BuyerMode, number> {
  const out = { competitive: 0, methodical: 0, spontaneous: 0, humanistic: 0 };
  if (sum <= 0) return out;
  let top: BuyerMode = "competitive";
  let rounded = 0;
  for (const m of BUYER_MODES) {
    out[m] = Math.round((w[m] / sum) * 1000) / 1000;
    rounded += out[m];
    if (w[m] > w[top]) top = m;
  }
  out[top] = Math.round((out[top] + 1 - rounded) * 1000) / 1000;
  return out;
}
