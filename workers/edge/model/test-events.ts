import type { EventType, TrackedEvent } from "./events.ts";

/** A touchpoint for tests: every field present, the interesting ones given. */
export function testEvent(
  id: string,
  type: EventType,
  at: number,
  extra: Partial<TrackedEvent> = {},
): TrackedEvent {
  return {
    id,
    type,
    at,
    sessionId: "s1",
    path: null,
    pageType: null,
    productId: null,
    categoryId: null,
    channel: null,
    device: null,
    valueCents: null,
    data: {},
    ...extra,
  };
}
