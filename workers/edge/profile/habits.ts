import type { Channel, DeviceClass } from "../model/context.ts";
import type { Daypart, Profile } from "../model/profile.ts";
import { growth, ranked, valueAt } from "./decay.ts";
import type { ProfileState } from "./state.ts";

/** A device or channel is "preferred" when it carries at least this share of (decayed) visits. */
export const PREFERENCE_SHARE = 0.5;
/** Daypart needs this much decayed activity (about a few page views) and share. */
export const DAYPART_MIN_ACTIVITY = 5;
export const DAYPART_SHARE = 0.4;

/** Device and channel weights per visit: the kept visits plus the archived ones. */
export function visitHabits(state: ProfileState, now: number) {
  const epoch = state.epoch ?? now;
  const devices: Record<string, number> = { ...state.past.devices };
  const channels: Record<string, number> = { ...state.past.channels };
  for (const s of state.sessions) {
    const g = growth(s.start, epoch, "habits");
    if (s.device) devices[s.device] = (devices[s.device] ?? 0) + g;
    if (s.channel) channels[s.channel] = (channels[s.channel] ?? 0) + g;
  }
  return { devices, channels };
}

function preferred<T extends string>(map: Record<string, number>): T | null {
  const entries = ranked(map);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  const top = entries[0];
  return top && total > 0 && top[1] / total >= PREFERENCE_SHARE ? (top[0] as T) : null;
}

export function preferences(state: ProfileState, now: number) {
  const { devices, channels } = visitHabits(state, now);
  return {
    preferredDevice: preferred<DeviceClass>(devices),
    preferredChannel: preferred<Channel>(channels),
  };
}

const DAYPART_OF_HOUR = (h: number): Daypart =>
  h < 6 ? "night" : h < 12 ? "morning" : h < 18 ? "afternoon" : "evening";

/** Activity per local hour: the UTC histogram shifted by the last known offset. */
export function localHours(state: ProfileState): number[] {
  const offset = state.tzOffsetH ?? 0;
  return Array.from({ length: 24 }, (_, h) => state.hours[(((h - offset) % 24) + 24) % 24] ?? 0);
}

export function activityTime(
  state: ProfileState,
  now: number,
): { daypart: Daypart | null; peakHour: number | null } {
  const hours = localHours(state);
  const total = hours.reduce((a, b) => a + b, 0);
  if (total <= 0 || valueAt(total, now, state.epoch ?? now, "habits") < DAYPART_MIN_ACTIVITY) {
    return { daypart: null, peakHour: null };
  }
  const parts: Record<Daypart, number> = { night: 0, morning: 0, afternoon: 0, evening: 0 };
  hours.forEach((w, h) => (parts[DAYPART_OF_HOUR(h)] += w));
  const [top, w] = ranked(parts)[0]!;
  let peakHour = 0;
  hours.forEach((v, h) => {
    if (v > hours[peakHour]!) peakHour = h;
  });
  return { daypart: w / total >= DAYPART_SHARE ? (top as Daypart) : null, peakHour };
}

/** Percentiles of the price band (weighted by what the observation was: view, cart, buy). */
export const PRICE_BAND = { low: 0.2, median: 0.5, high: 0.8, minObservations: 3 } as const;

export function priceBand(state: ProfileState): Profile["priceBand"] {
  if (state.prices.length < PRICE_BAND.minObservations) return null;
  const sorted = [...state.prices].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((a, [, w]) => a + w, 0);
  const at = (q: number) => {
    let cum = 0;
    for (const [cents, w] of sorted) {
      cum += w;
      if (cum >= q * total) return cents;
    }
    return sorted[sorted.length - 1]![0];
  };
  return {
    lowCents: at(PRICE_BAND.low),
    highCents: at(PRICE_BAND.high),
    medianCents: at(PRICE_BAND.median),
  };
}
