import { describe, expect, it } from "vitest";
import { parseLog } from "./log-adapters.ts";
import { generateRepeatLog, toTransactionsCsv } from "./repeat-log.ts";

const END = Date.UTC(2026, 11, 4);
const options = { customers: 150, items: 600, days: 365, end: END, seed: 3 };

describe("generateRepeatLog", () => {
  it("writes a wholesale-like log: many-line invoices at one instant, a third to a half re-buys", () => {
    const lines = generateRepeatLog(options);
    expect(generateRepeatLog(options)).toEqual(lines);
    expect(lines.every((l) => l.at < END && l.at >= END - 365 * 86_400_000)).toBe(true);
    const sales = lines.filter((l) => l.customer && l.quantity > 0);
    const invoices = new Map<string, Set<number>>();
    for (const l of sales)
      invoices.set(l.invoice, (invoices.get(l.invoice) ?? new Set()).add(l.at));
    expect([...invoices.values()].every((times) => times.size === 1)).toBe(true);
    expect(sales.length / invoices.size).toBeGreaterThan(8);
    const seen = new Set<string>();
    let again = 0;
    for (const l of sales) {
      const key = `${l.customer}|${l.item}`;
      if (seen.has(key)) again++;
      seen.add(key);
    }
    expect(again / sales.length).toBeGreaterThan(0.25);
    expect(again / sales.length).toBeLessThan(0.5);
  });

  it("reads back through the transactional adapter, returns and anonymous lines left out", () => {
    const lines = generateRepeatLog(options);
    const { events, dropped, format } = parseLog(toTransactionsCsv(lines), "repeat.csv");
    expect(format).toBe("transactions");
    expect(dropped.returns).toBe(lines.filter((l) => l.quantity <= 0).length);
    expect(dropped.returns).toBeGreaterThan(0);
    expect(dropped.noVisitor).toBe(lines.filter((l) => !l.customer).length);
    expect(events.length).toBe(lines.filter((l) => l.customer && l.quantity > 0).length);
    expect(events.every((e) => e.level === 2 && e.basket)).toBe(true);
  });
});
