import { describe, expect, it } from "vitest";
import { planFlush, type ConsentRow, type VisitorRow } from "./outbox.ts";

const NOW = 1_732_300_000_000;
const visitor: VisitorRow = {
  id: "visitor-outbox-1",
  customerId: null,
  firstSeenAt: NOW - 60_000,
  lastSeenAt: NOW,
  visitCount: 1,
  updatedAt: NOW,
  profile: null,
};
const choice = (createdAt: number, personalization: boolean): ConsentRow => ({
  visitorId: visitor.id,
  personalization,
  analytics: false,
  source: "banner",
  createdAt,
});

describe("planFlush with consent choices", () => {
  it("carries pending choices, in order, next to the visitor's rows", () => {
    const consents = [choice(NOW - 10, true), choice(NOW, false)];
    const plan = planFlush({ visitor, touchpoints: [], sessions: [], consents });
    expect(plan.visitor).toEqual(visitor);
    expect(plan.consents).toEqual(consents);
  });

  it("plans only the choices for an object that never stored a touchpoint", () => {
    const consents = [choice(NOW, true)];
    const plan = planFlush({ visitor: null, touchpoints: [], sessions: [], consents });
    expect(plan).toMatchObject({ visitor: null, events: [], sessions: [], identity: null });
    expect(plan.consents).toEqual(consents);
  });

  it("refuses touchpoints without the visitor they belong to", () => {
    const session = {
      id: "s1",
      visitorId: visitor.id,
      startedAt: NOW,
      lastSeenAt: NOW,
      channel: "direct",
      campaign: null,
      referrer: null,
      device: "desktop",
      country: null,
      landingPath: "/",
      pageViews: 1,
    };
    expect(() => planFlush({ visitor: null, touchpoints: [], sessions: [session] })).toThrow(
      /without the visitor/,
    );
  });
});
