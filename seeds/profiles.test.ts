import { describe, expect, it } from "vitest";
import { generateCatalog } from "./catalog.ts";
import { generateHistories } from "./histories.ts";
import { withProfiles } from "./profiles.ts";

describe("seeded profiles", () => {
  const now = Date.UTC(2026, 10, 1);
  const catalog = generateCatalog({ now });
  const histories = generateHistories(catalog, { now, visitors: 300 });
  const { visitors } = withProfiles(histories, catalog, now);

  it("gives every visitor with touchpoints the builder's profile, and nobody else one", () => {
    const withEvents = new Set(histories.events.map((e) => e.visitorId));
    for (const v of visitors) {
      if (withEvents.has(v.id)) expect(v.profile).toMatchObject({ v: 1, visitorId: v.id });
      else expect(v.profile ?? null).toBeNull();
    }
    expect(visitors.filter((v) => v.profile).length).toBe(withEvents.size);
  });

  it("mostly agrees with the generator's personas on the buyer mode", () => {
    let agree = 0;
    let judged = 0;
    for (const v of visitors) {
      const persona: string | undefined = histories.personaOf[v.id];
      const top = (v.profile as { topMode?: string } | null | undefined)?.topMode;
      if (!persona || !top || persona === "gift") continue;
      judged++;
      if (top === persona) agree++;
    }
    expect(judged).toBeGreaterThan(50);
    expect(agree / judged).toBeGreaterThan(0.7);
  });
});
