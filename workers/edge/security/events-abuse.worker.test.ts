import { env, runDurableObjectAlarm } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events, exposures, sessions } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { INGEST_LIMITS } from "../ingest/event-schema.ts";
import { call, consenting } from "../test-support/requests.ts";
import { stubOf } from "../test-support/fixtures.ts";

/**
 * Abuse of the events API: oversized, deeply nested and wrongly typed bodies are refused with
 * the failing field named (never a 5xx, never half stored); odd but valid text is stored
 * exactly; prototype-polluting keys pollute nothing; floods are cut off exactly.
 */

const db = createDb({ tursoUrl: env.TURSO_URL, tursoAuthToken: "" });
const V1 = "/__vitrine/v1/events";

async function post(visitorId: string, body: BodyInit, extra: Record<string, string> = {}) {
  return call(V1, {
    method: "POST",
    headers: { ...(await consenting(visitorId)), "content-type": "application/json", ...extra },
    body,
  });
}

const event = (extra: Record<string, unknown> = {}) => ({
  id: `e-${crypto.randomUUID().slice(0, 8)}`,
  type: "search",
  data: { query: "shoes" },
  ...extra,
});

describe("oversized and deeply nested bodies", () => {
  it("refuses a body over the limit even when it arrives without a length", async () => {
    const visitorId = crypto.randomUUID();
    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"events":['));
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await post(visitorId, stream);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ code: "payload_too_large" });
    expect(await stubOf(visitorId).pending()).toBe(0);
  });

  it("refuses a batch of events that only together exceed the limit", async () => {
    const visitorId = crypto.randomUUID();
    const big = Array.from({ length: 50 }, () =>
      event({
        data: {
          query: "q".repeat(INGEST_LIMITS.stringChars),
          a: "x".repeat(500),
          b: "y".repeat(500),
        },
      }),
    );
    const body = JSON.stringify({ events: big });
    expect(body.length).toBeGreaterThan(INGEST_LIMITS.bodyBytes);
    const res = await post(visitorId, body);
    expect(res.status).toBe(413);
    expect(await stubOf(visitorId).pending()).toBe(0);
  });

  it.each([
    [
      "nested arrays in data",
      (n: number) => ({
        events: [event({ data: { query: "q", deep: JSON.parse("[".repeat(n) + "]".repeat(n)) } })],
      }),
      "events.0.data.deep",
    ],
    [
      "nested objects in data",
      (n: number) => ({
        events: [
          event({
            data: { query: "q", deep: JSON.parse('{"a":'.repeat(n) + "1" + "}".repeat(n)) },
          }),
        ],
      }),
      "events.0.data.deep",
    ],
    [
      "nested arrays as the events",
      (n: number) => ({ events: JSON.parse("[".repeat(n) + "]".repeat(n)) }),
      "events.0",
    ],
  ] as const)(
    "refuses %s thousands of levels deep with a 400 naming the field",
    async (_name, build, field) => {
      const visitorId = crypto.randomUUID();
      // As deep as fits in the body limit.
      const body = JSON.stringify(build(6000));
      expect(body.length).toBeLessThan(INGEST_LIMITS.bodyBytes);
      const res = await post(visitorId, body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ code: "invalid_event", details: { field } });
      expect(await stubOf(visitorId).pending()).toBe(0);
    },
  );

  it("refuses raw deep nesting that is not even an object with a 400", async () => {
    const res = await post(crypto.randomUUID(), "[".repeat(30_000) + "]".repeat(30_000));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).code).toMatch(/^invalid_(json|event)$/);
  });
});

describe("wrong types and shapes", () => {
  const long = (n: number) => "x".repeat(n);
  const cases: [string, unknown, string][] = [
    ["a body that is a list", [event()], "body"],
    ["events as an object", { events: { 0: event() } }, "events"],
    ["events as a string", { events: "page_view" }, "events"],
    ["events as null", { events: null }, "events"],
    ["a null event", { events: [null] }, "events.0"],
    ["a numeric id", { events: [event({ id: 5 })] }, "events.0.id"],
    ["an empty id", { events: [event({ id: "" })] }, "events.0.id"],
    ["a 65-character id", { events: [event({ id: long(65) })] }, "events.0.id"],
    ["an id with a look-alike letter", { events: [event({ id: "\u0440-1" })] }, "events.0.id"],
    ["an id with a newline", { events: [event({ id: "a\nb" })] }, "events.0.id"],
    ["a type in capitals", { events: [event({ type: "SEARCH" })] }, "events.0.type"],
    [
      "a type with a zero-width space",
      { events: [event({ type: "sea\u200brch" })] },
      "events.0.type",
    ],
    ["a time as a string", { events: [event({ at: "2026-11-23" })] }, "events.0.at"],
    ["a negative time", { events: [event({ at: -5 })] }, "events.0.at"],
    ["a fractional time", { events: [event({ at: 1.5 })] }, "events.0.at"],
    ["a value as a string", { events: [event({ valueCents: "100" })] }, "events.0.valueCents"],
    ["a huge value", { events: [event({ valueCents: 1e12 })] }, "events.0.valueCents"],
    [
      "a path that is a script URL",
      { events: [event({ path: "javascript:alert(1)" })] },
      "events.0.path",
    ],
    ["a path with a NUL byte", { events: [event({ path: "/p/a\u0000b" })] }, "events.0.path"],
    [
      "a path with a line break",
      { events: [event({ path: "/p/a\r\nSet-Cookie: x=1" })] },
      "events.0.path",
    ],
    [
      "a path over 2048 characters",
      { events: [event({ path: `/${long(2048)}` })] },
      "events.0.path",
    ],
    ["an unknown page type", { events: [event({ pageType: "admin" })] }, "events.0.pageType"],
    ["data as a list", { events: [event({ data: ["a"] })] }, "events.0.data"],
    ["data as a string", { events: [event({ data: "a" })] }, "events.0.data"],
    [
      "33 data keys",
      {
        events: [
          event({ data: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) }),
        ],
      },
      "events.0.data",
    ],
    [
      "a data string over the limit",
      { events: [event({ data: { query: "q", note: long(513) } })] },
      "events.0.data.note",
    ],
    [
      "a 65-character data key",
      { events: [event({ data: { query: "q", [long(65)]: 1 } })] },
      `events.0.data.${long(65)}`,
    ],
    ["a search without its query", { events: [event({ data: {} })] }, "events.0.data.query"],
    [
      "a cart quantity of zero",
      { events: [{ id: "c", type: "add_to_cart", productId: "p-0001", data: { quantity: 0 } }] },
      "events.0.data.quantity",
    ],
    [
      "a cart quantity as a string",
      { events: [{ id: "c", type: "add_to_cart", productId: "p-0001", data: { quantity: "2" } }] },
      "events.0.data.quantity",
    ],
    [
      "a lowercase currency",
      {
        events: [
          {
            id: "o",
            type: "purchase",
            valueCents: 1,
            data: {
              orderId: "o1",
              currency: "eur",
              lines: [{ productId: "p", quantity: 1, unitPriceCents: 1 }],
            },
          },
        ],
      },
      "events.0.data.currency",
    ],
    [
      "a purchase without lines",
      {
        events: [{ id: "o", type: "purchase", valueCents: 1, data: { orderId: "o1", lines: [] } }],
      },
      "events.0.data.lines",
    ],
    [
      "an unhashed customer id in capitals",
      { events: [{ id: "l", type: "login", data: { customer: "A".repeat(64) } }] },
      "events.0.data.customer",
    ],
    [
      "a comparison of one product",
      { events: [{ id: "k", type: "compare", data: { products: ["p-0001"] } }] },
      "events.0.data.products",
    ],
    [
      "a consent change in words",
      {
        events: [
          { id: "k", type: "consent_change", data: { personalization: "yes", analytics: false } },
        ],
      },
      "events.0.data.personalization",
    ],
  ];

  it.each(cases)("refuses %s, naming the field", async (_name, body, field) => {
    const visitorId = crypto.randomUUID();
    const res = await post(visitorId, JSON.stringify(body));
    expect(res.status).toBe(400);
    const error = JSON.parse(res.text) as {
      code: string;
      message: string;
      details: { field: string };
    };
    expect(error.code).toBe("invalid_event");
    expect(error.details.field).toBe(field);
    expect(error.message.startsWith(`${field}:`)).toBe(true);
    expect(await stubOf(visitorId).pending()).toBe(0);
  });

  it("refuses bodies that are not JSON, whatever their content type", async () => {
    for (const [body, type] of [
      ["events=1", "application/x-www-form-urlencoded"],
      ['{"events": [1,]}', "text/plain"],
      ["", "application/json"],
    ] as const) {
      const res = await post(crypto.randomUUID(), body, { "content-type": type });
      expect(res.status, body).toBe(400);
      expect(JSON.parse(res.text).code, body).toBe("invalid_json");
    }
  });
});

const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

describe("odd but valid text", () => {
  it("stores unicode tricks exactly, and they never block the visitor's flush to Turso", async () => {
    const visitorId = crypto.randomUUID();
    const tricky = [
      "e\u0301 vs \u00e9",
      "\u202egnp.exe",
      "zero\u200bwidth\ufeff",
      "emoji 🛒👩‍👩‍👧",
      "lone \ud800 surrogate \udfff",
      "nul \u0000 byte",
      "漢字 ＜script＞",
      "line\r\nbreak",
    ];
    const sent = tricky.map((text, i) => ({
      id: `u${i}`,
      type: "search",
      // Paths refuse control characters (see the bad-input cases); data keeps them.
      path: `/search?q=${i}&t=${text.replace(/[\u0000-\u001f]/g, "")}`,
      data: { query: text, [`k\u0000${i}`]: text },
    }));
    const res = await post(visitorId, JSON.stringify({ events: sent }));
    expect(JSON.parse(res.text)).toMatchObject({ stored: true, accepted: tricky.length });
    // Compared as JSON text: lone surrogates must not reach the test reporter raw.
    const ascii = (v: unknown) => JSON.stringify(v);
    const kept = await stubOf(visitorId).touchpoints();
    expect(ascii(kept.map((t) => t.data.query))).toBe(ascii(tricky));
    // After these, an ordinary event must still reach Turso with them.
    await post(visitorId, JSON.stringify({ events: [event({ id: "after" })] }));
    expect(await runDurableObjectAlarm(stubOf(visitorId))).toBe(true);
    expect(await stubOf(visitorId).pending()).toBe(0);
    const rows = await db.select().from(events).where(eq(events.visitorId, visitorId));
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    expect(byId.has("after")).toBe(true);
    for (const [i, text] of tricky.entries()) {
      const row = byId.get(`u${i}`);
      expect(ascii(row?.payload.query), ascii(text)).toBe(ascii(text));
      // Columns are UTF-8: a lone surrogate (never valid text) becomes U+FFFD there.
      expect(ascii(row?.path), ascii(text)).toBe(ascii(wellFormed(sent[i]!.path)));
    }
  });
});

describe("prototype pollution", () => {
  it("keeps __proto__ and constructor keys as plain data and pollutes nothing", async () => {
    const visitorId = crypto.randomUUID();
    const raw =
      '{"events":[{"id":"pp1","type":"search","data":{"query":"q","__proto__":{"polluted":"yes"},"constructor":{"prototype":"x"},"filters":{"__proto__":"y"}}}]}';
    const res = await post(visitorId, raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(res.status).toBeLessThan(500);
    if (res.status === 202) {
      const [stored] = await stubOf(visitorId).touchpoints();
      // Stored as plain data: the other keys as sent, nothing reachable through a prototype.
      expect(Object.getPrototypeOf(stored!.data)).toBe(Object.prototype);
      expect(stored!.data).toMatchObject({ query: "q", constructor: { prototype: "x" } });
      expect((stored!.data as Record<string, unknown>).polluted).toBeUndefined();
    } else {
      expect(JSON.parse(res.text).details.field).toMatch(/^events\.0\.data/);
    }
  });

  it("refuses a __proto__ key beside the events", async () => {
    const res = await post(
      crypto.randomUUID(),
      '{"events":[{"id":"pp2","type":"search","data":{"query":"q"}}],"__proto__":{"polluted":"yes"}}',
    );
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("handles ids and products named like built-in properties", async () => {
    const visitorId = crypto.randomUUID();
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty", "prototype"];
    const res = await post(
      visitorId,
      JSON.stringify({
        events: names.map((name, i) => ({
          id: name,
          type: "add_to_cart",
          productId: name,
          data: { quantity: 1, unitPriceCents: 100 * (i + 1) },
        })),
      }),
    );
    expect(JSON.parse(res.text)).toMatchObject({ stored: true, accepted: names.length });
    const { session: state } = await stubOf(visitorId).state("any-session", Date.now());
    expect(state.cart.lines.map((l) => l.productId).sort()).toEqual([...names].sort());
    expect(state.cart.valueCents).toBe(100 + 200 + 300 + 400 + 500);
    // The prototype's own method, compared by identity, never called.
    // oxlint-disable-next-line typescript/unbound-method
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe("floods", () => {
  it("cuts a concurrent flood for one visitor off exactly at the bucket, storing exactly what it accepted", async () => {
    const visitorId = crypto.randomUUID();
    const headers = await consenting(visitorId);
    const batch = (n: number) =>
      JSON.stringify({ events: Array.from({ length: 50 }, (_, i) => event({ id: `f${n}-${i}` })) });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        call(V1, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: batch(n),
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
    const accepted = results
      .filter((r) => r.status === 202)
      .reduce((n, r) => n + (JSON.parse(r.text) as { accepted: number }).accepted, 0);
    // 120 tokens to start with; whole batches only.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(150);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    for (const r of results.filter((r) => r.status === 429))
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await stubOf(visitorId).pending()).toBe(accepted);
  });

  // Only the proxy knows what a page showed: `data.exposures` and `data.slots` from the browser
  // would let anyone pick their own arm (first exposure wins) or fake exposures. The events API
  // drops those keys from client events (ingest/event-schema.ts).
  it("does not let the browser record experiment exposures", async () => {
    const visitorId = crypto.randomUUID();
    const res = await post(
      visitorId,
      JSON.stringify({
        events: [
          {
            id: "forged-exposure",
            type: "page_view",
            path: "/",
            data: {
              exposures: [{ experiment: "exp-forged", arm: "b" }],
              slots: [{ slot: "hero", variant: "x" }],
            },
          },
        ],
      }),
    );
    expect(res.status).toBeLessThan(500);
    await runDurableObjectAlarm(stubOf(visitorId));
    const rows = await db.select().from(exposures).where(eq(exposures.visitorId, visitorId));
    expect(rows).toEqual([]);
    // The page view itself is kept, without the keys it had no business sending.
    const stored = await db.select().from(events).where(eq(events.visitorId, visitorId));
    expect(stored.map((e) => [e.eventId, e.payload])).toEqual([["forged-exposure", {}]]);
  });

  // The session's campaign, referrer and country come from the first touchpoint carrying them;
  // a beacon before the first page could otherwise credit any campaign with the visit's orders.
  it("does not let the browser set its session's campaign, referrer or country", async () => {
    const visitorId = crypto.randomUUID();
    const res = await post(
      visitorId,
      JSON.stringify({
        events: [
          event({
            id: "forged-attribution",
            data: {
              query: "shoes",
              campaign: "forged-campaign",
              referrerHost: "forged.example",
              country: "XX",
            },
          }),
        ],
      }),
    );
    expect(res.status).toBe(202);
    await runDurableObjectAlarm(stubOf(visitorId));
    const [session] = await db.select().from(sessions).where(eq(sessions.visitorId, visitorId));
    expect(session).toMatchObject({ campaign: null, referrer: null, country: null });
    const stored = await db.select().from(events).where(eq(events.visitorId, visitorId));
    expect(stored.map((e) => [e.eventId, e.payload])).toEqual([
      ["forged-attribution", { query: "shoes" }],
    ]);
  });
});
