import { describe, expect, it } from "vitest";
import { EventBatch, INGEST_LIMITS, toTrackedEvent } from "./event-schema.ts";
import { take, type BucketRule } from "./token-bucket.ts";

describe("token bucket", () => {
  const rule: BucketRule = { capacity: 10, refillPerSec: 2 };

  it("allows a burst up to capacity, then refills at the rate", () => {
    let r = take(null, 10, 0, rule);
    expect(r.allowed).toBe(true);
    r = take(r.bucket, 1, 0, rule);
    expect(r).toMatchObject({ allowed: false, retryAfterS: 1 });
    // 1.5 s later three tokens are back.
    r = take(r.bucket, 3, 1_500, rule);
    expect(r.allowed).toBe(true);
    expect(r.bucket.tokens).toBeCloseTo(0);
  });

  it("never refills beyond capacity and says how long a big batch waits", () => {
    const idle = take({ tokens: 0, at: 0 }, 0, 3_600_000, rule);
    expect(idle.bucket.tokens).toBe(10);
    const big = take({ tokens: 4, at: 0 }, 10, 0, rule);
    expect(big).toMatchObject({ allowed: false, retryAfterS: 3 });
  });
});

describe("event facts the server adds", () => {
  const now = Date.UTC(2026, 10, 23, 12);
  const parse = (event: Record<string, unknown>) =>
    EventBatch.parse({ events: [{ id: "e1", type: "search", data: { query: "q" }, ...event }] })
      .events[0]!;
  const facts = { sessionId: "s1", device: "mobile" as const, now };

  it("keeps the client's time within the skew window and uses its own outside it", () => {
    expect(toTrackedEvent(parse({ at: now - 60_000 }), facts).at).toBe(now - 60_000);
    expect(toTrackedEvent(parse({ at: now - INGEST_LIMITS.pastSkewMs - 1 }), facts).at).toBe(now);
    expect(toTrackedEvent(parse({ at: now + INGEST_LIMITS.futureSkewMs + 1 }), facts).at).toBe(now);
    expect(toTrackedEvent(parse({}), facts).at).toBe(now);
  });

  it("takes session and device from the server, never the channel from a beacon", () => {
    const event = toTrackedEvent(parse({ path: "/search?q=q" }), facts);
    expect(event).toMatchObject({
      sessionId: "s1",
      device: "mobile",
      channel: null,
      path: "/search?q=q",
    });
  });

  it("drops the detail keys only the proxy may write (what a page showed, the request's attribution) and keeps the rest", () => {
    const forged = {
      exposures: [{ experiment: "exp-forged", arm: "b" }],
      slots: [{ slot: "hero", variant: "x" }],
      campaign: "forged-campaign",
      referrerHost: "forged.example",
      country: "XX",
    };
    const pageView = toTrackedEvent(
      parse({ type: "page_view", path: "/", data: { ...forged, localHour: 9, note: "kept" } }),
      facts,
    );
    expect(pageView.data).toEqual({ localHour: 9, note: "kept" });
    // Whatever the event type: the keys mean what the proxy showed, never what a client says.
    const search = toTrackedEvent(parse({ data: { query: "q", ...forged } }), facts);
    expect(search.data).toEqual({ query: "q" });
  });

  it("fills a cart event's quantity default and keeps extra detail keys", () => {
    const parsed = EventBatch.parse({
      events: [{ id: "c1", type: "add_to_cart", productId: "p-1", data: { variant: "red" } }],
    }).events[0]!;
    expect(parsed.data).toEqual({ quantity: 1, variant: "red" });
  });
});
