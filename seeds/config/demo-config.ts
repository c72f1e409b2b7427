import demoJson from "./demo-config.json" with { type: "json" };
import { DAY_MS, dayStart } from "../../workers/edge/clock.ts";

/**
 * The demo configuration, with its dated campaign moved to the day it is published.
 * `demo-config.json` is written as if published on `WRITTEN_FOR`; every date it holds (the
 * `time.date` rules and `data.endsAt`) moves by the whole days between that day and `now`, so
 * the seasonal campaign runs around the day a newcomer starts the demo, in any year.
 */
export const WRITTEN_FOR = Date.UTC(2026, 10, 23);

/** The demo configuration with its dates moved to `now`'s day. */
export function demoConfigAt(now: number): Record<string, unknown> {
  return shiftDates(
    structuredClone(demoJson) as Record<string, unknown>,
    Math.round((dayStart(now) - WRITTEN_FOR) / DAY_MS),
  );
}

const DAY = /^(\d{4}-\d{2}-\d{2})$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})(T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))$/;

/** Moves a `YYYY-MM-DD` or an ISO date-time with offset by whole days; other text is kept. */
export function shiftDate(value: string, days: number): string {
  const m = DAY.exec(value) ?? INSTANT.exec(value);
  if (!m) return value;
  const day = new Date(Date.parse(`${m[1]}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
  return day + (m[2] ?? "");
}

/** A copy of `config` with every `time.date` rule value and every `data.endsAt` moved. */
export function shiftDates<T>(config: T, days: number): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const obj = node as Record<string, unknown>;
    const dated = (k: string) => (k === "value" && obj.field === "time.date") || k === "endsAt";
    return Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [
        k,
        dated(k) && typeof v === "string" ? shiftDate(v, days) : walk(v),
      ]),
    );
  };
  return walk(config) as T;
}
