import { describe, expect, it } from "vitest";
import { computeSegments, type Buyer } from "./segments.ts";

const DAY = 86_400_000;
const NOW = 1000 * DAY;
const buyer = (
  id: string,
  orders: number,
  spent: number,
  lastDaysAgo: number,
  extra: Partial<Buyer> = {},
): Buyer => ({
  subjectId: id,
  kind: "visitor",
  orders,
  spentCents: spent,
  giftOrders: 0,
  firstOrderAt: NOW - 200 * DAY,
  lastOrderAt: NOW - lastDaysAgo * DAY,
  firstSeenAt: NOW - 300 * DAY,
  lastSeenAt: NOW - lastDaysAgo * DAY,
  ...extra,
});

describe("computeSegments", () => {
  const buyers = [
    buyer("a", 1, 1_000, 100),
    buyer("b", 1, 2_000, 50),
    buyer("c", 1, 3_000, 20),
    buyer("d", 2, 50_000, 10),
    buyer("e", 6, 200_000, 1, { giftOrders: 3 }),
  ];
  const byId = Object.fromEntries(computeSegments(buyers, NOW).map((s) => [s.subjectId, s]));

  it("scores RFM in fifths of the population, ties sharing a score", () => {
    expect([
      byId.a!.recency,
      byId.b!.recency,
      byId.c!.recency,
      byId.d!.recency,
      byId.e!.recency,
    ]).toEqual([1, 2, 3, 4, 5]);
    expect([byId.a!.frequency, byId.c!.frequency, byId.d!.frequency, byId.e!.frequency]).toEqual([
      1, 1, 4, 5,
    ]);
    expect(byId.e!.monetary).toBe(5);
  });

  it("derives value tier, lifecycle and gift buying", () => {
    expect(byId.e).toMatchObject({ valueTier: "high", lifecycle: "active", giftBuyer: true });
    expect(byId.a).toMatchObject({ valueTier: "low", lifecycle: "lapsed", giftBuyer: false });
    expect(byId.b!.lifecycle).toBe("at_risk");
    const fresh = computeSegments(
      [buyer("n", 1, 100, 2, { firstSeenAt: NOW - 5 * DAY, firstOrderAt: NOW - 2 * DAY })],
      NOW,
    );
    expect(fresh[0]!.lifecycle).toBe("new");
  });
});
