import { beforeAll, describe, expect, it } from "vitest";
import { assignArm, HOLDOUT_EXPERIMENT, inHoldout } from "../workers/edge/decide/index.ts";
import { generateCatalog } from "./catalog.ts";
import { generateExposures, loadDemoConfig } from "./experiments.ts";
import { generateHistories, type Histories } from "./histories.ts";

const NOW = Date.UTC(2026, 10, 1);
const config = loadDemoConfig(NOW);
let h: Histories;
let result: ReturnType<typeof generateExposures>;

beforeAll(() => {
  h = generateHistories(generateCatalog({ now: NOW }), { now: NOW, visitors: 1500 });
  result = generateExposures(h, config, NOW);
});

describe("seeded experiment exposures", () => {
  it("logs each visitor at most once per experiment", () => {
    const keys = result.exposures.map((e) => `${e.experimentId}|${e.visitorId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("puts every visitor with events in the holdout experiment, split by the real bucketing", () => {
    const withEvents = new Set(h.events.map((e) => e.visitorId));
    const holdout = result.exposures.filter((e) => e.experimentId === HOLDOUT_EXPERIMENT);
    expect(new Set(holdout.map((e) => e.visitorId))).toEqual(withEvents);
    for (const e of holdout) {
      expect(e.variant).toBe(inHoldout(e.visitorId, config.holdout) ? "holdout" : "personalized");
    }
    const share = holdout.filter((e) => e.variant === "holdout").length / holdout.length;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.09);
  });

  it("exposes carts at checkout to the discount experiment in their sticky arm", () => {
    const discount = result.exposures.filter((e) => e.experimentId === "checkout-discount");
    expect(discount.length).toBeGreaterThan(30);
    const experiment = config.experiments["checkout-discount"]!;
    for (const e of discount) {
      expect(e.variant).toBe(assignArm(e.visitorId, "checkout-discount", experiment)?.id);
      // Holdout visitors never enter experiments.
      expect(inHoldout(e.visitorId, config.holdout)).toBe(false);
      // The exposure is a checkout page view with something in the cart.
      const page = h.events.find(
        (x) =>
          x.visitorId === e.visitorId && x.occurredAt === e.exposedAt && x.type === "page_view",
      );
      expect(page?.pageType).toMatch(/^(cart|checkout)$/);
    }
    expect(result.experiments.map((x) => x.id).sort()).toEqual([
      HOLDOUT_EXPERIMENT,
      "checkout-discount",
    ]);
  });
});
