import { describe, expect, it } from "vitest";
import { createRng } from "../../../../seeds/random.ts";
import {
  allocateCents,
  attributeOrder,
  attributeOrders,
  MODELS,
  type Order,
  type Touchpoint,
} from "./attribution.ts";

const DAY = 86_400_000;
const ORDER_AT = Date.UTC(2026, 10, 20, 12);
const touch = (
  daysBefore: number,
  channel: string,
  campaign: string | null,
  device: string,
  visitorId: string,
): Touchpoint => ({ at: ORDER_AT - daysBefore * DAY, visitorId, channel, campaign, device });

// A customer on two devices: outside the window, then social, newsletter, search, direct.
const journey: Touchpoint[] = [
  touch(40, "paid", "trail-season", "mobile", "vA"),
  touch(20, "social", null, "mobile", "vA"),
  touch(10, "email", "newsletter-2026-11-12", "desktop", "vB"),
  touch(3, "search", null, "desktop", "vB"),
  touch(0.5, "direct", null, "mobile", "vA"),
];
const order: Order = { id: "o1", at: ORDER_AT, valueCents: 10_001, journeyKey: "c1" };

describe("attribution models on a scripted journey", () => {
  const result = attributeOrder(order, journey);

  it("keeps the touches inside the 30-day look-back window, oldest first", () => {
    expect(result.touches.map((t) => t.channel)).toEqual(["social", "email", "search", "direct"]);
    expect(result.crossDevice).toBe(true);
  });

  it("splits 100.01 EUR per model in whole cents, by hand", () => {
    expect(result.cents.last_click).toEqual([0, 0, 0, 10_001]);
    expect(result.cents.first_click).toEqual([10_001, 0, 0, 0]);
    // 2500.25 each: the odd cent goes to the touch closest to the order.
    expect(result.cents.linear).toEqual([2500, 2500, 2500, 2501]);
    // 40/10/10/40 of 10001 = 4000.4, 1000.1, 1000.1, 4000.4.
    expect(result.cents.position_based).toEqual([4000, 1000, 1000, 4001]);
    // Weights 2^(-20/7), 2^(-10/7), 2^(-3/7), 2^(-0.5/7): 626.19, 1685.58, 3371.16, 4318.07.
    expect(result.cents.time_decay).toEqual([626, 1686, 3371, 4318]);
  });

  it("sums exactly to the order value under every model", () => {
    for (const m of MODELS) expect(result.cents[m].reduce((a, b) => a + b, 0)).toBe(10_001);
  });

  it("position-based with one and two touches", () => {
    const one = attributeOrder(order, [touch(1, "search", null, "mobile", "vA")]);
    expect(one.cents.position_based).toEqual([10_001]);
    const two = attributeOrder(order, [
      touch(2, "search", null, "mobile", "vA"),
      touch(1, "email", "x", "mobile", "vA"),
    ]);
    expect(two.cents.position_based).toEqual([5000, 5001]);
    expect(two.crossDevice).toBe(false);
  });

  it("credits an order without visits in the window to (unknown)", () => {
    const none = attributeOrder(order, [touch(45, "paid", null, "mobile", "vA")]);
    expect(none.touches.map((t) => t.channel)).toEqual(["(unknown)"]);
    expect(none.cents.linear).toEqual([10_001]);
  });
});

describe("attribution report", () => {
  it("channel and campaign totals add up exactly to revenue for random journeys", () => {
    const rng = createRng(7);
    const channels = ["search", "social", "email", "paid", "direct", "referral"];
    const journeys = new Map<string, Touchpoint[]>();
    const orders: Order[] = [];
    for (let j = 0; j < 200; j++) {
      const key = `c${j}`;
      const touches = Array.from({ length: rng.int(1, 9) }, () =>
        touch(
          rng.float(0, 45),
          rng.pick(channels),
          rng.chance(0.4) ? `camp-${rng.int(1, 5)}` : null,
          rng.pick(["mobile", "desktop"]),
          `${key}-${rng.int(1, 2)}`,
        ),
      );
      journeys.set(key, touches);
      orders.push({ id: `o${j}`, at: ORDER_AT, valueCents: rng.int(1, 99_999), journeyKey: key });
    }
    const report = attributeOrders(orders, journeys);
    const revenue = orders.reduce((s, o) => s + o.valueCents, 0);
    expect(report.totalCents).toBe(revenue);
    for (const m of MODELS) {
      expect(report.byChannel.rows.reduce((s, r) => s + r.cents[m], 0)).toBe(revenue);
      expect(report.byCampaign.rows.reduce((s, r) => s + r.cents[m], 0)).toBe(revenue);
    }
    expect(report.crossDevice.orders).toBeGreaterThan(0);
    expect(report.crossDevice.orders).toBeLessThan(200);
  });

  it("counts cross-device journeys and credits each channel", () => {
    const journeys = new Map([
      ["c1", journey],
      ["v9", [touch(1, "search", null, "desktop", "v9")]],
    ]);
    const report = attributeOrders(
      [order, { id: "o2", at: ORDER_AT, valueCents: 5000, journeyKey: "v9" }],
      journeys,
    );
    expect(report.crossDevice).toMatchObject({ orders: 1, cents: 10_001, share: 0.5 });
    const search = report.byChannel.rows.find((r) => r.key === "search")!;
    expect(search.cents.last_click).toBe(5000);
    expect(search.cents.linear).toBe(7500);
    expect(
      report.byCampaign.rows.find((r) => r.key === "newsletter-2026-11-12")!.cents.linear,
    ).toBe(2500);
    expect(report.averageTouches).toBe(2.5);
  });
});

describe("largest-remainder allocation", () => {
  it("is exact and deterministic", () => {
    expect(allocateCents(100, [1, 1, 1])).toEqual([33, 33, 34]);
    expect(allocateCents(2, [1, 1, 1])).toEqual([0, 1, 1]);
    expect(allocateCents(7, [0, 1])).toEqual([0, 7]);
    expect(() => allocateCents(10.5, [1])).toThrow(/whole cents/);
    expect(() => allocateCents(10, [0, 0])).toThrow(/positive sum/);
  });
});
