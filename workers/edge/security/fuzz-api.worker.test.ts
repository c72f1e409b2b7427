import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  deepNesting,
  fuzzRuns,
  fuzzTimeout,
  hostileNumber,
  hostileString,
  hostileValue,
  mutateJson,
  PROTO_KEYS,
} from "../../../dev/test/fuzz.ts";
import { EVENT_TYPES } from "../model/events.ts";
import { PAGE_TYPES } from "../model/context.ts";
import { BROWSER_UA, call, consenting } from "../test-support/requests.ts";
import { API_REGRESSIONS } from "./fuzz-api-regressions.ts";
import { configWith, publishConfig, stubOf } from "../test-support/fixtures.ts";

/**
 * Fuzzing the APIs strangers post to (docs/fuzzing.md): events, consent and decide, through
 * the Worker's real entry point. Valid bodies with one hostile part, wrong types, prototype
 * keys, deep nesting and garbage in any content type. Never a 5xx: bad input is a 4xx whose
 * JSON envelope has a `code` and a `message` (a 400 names the field), and nothing is stored
 * for it. Counterexamples found are replayed below.
 */

const SEED = 0xa91_2121;
const V1 = "/__vitrine/v1";

beforeAll(async () => {
  await publishConfig(
    configWith(
      { hero: { selector: "#hero", action: "replace" } },
      { welcome: { slot: "hero", template: "<p>Hi {{page.path}}</p>" } },
    ),
  );
});

let visitors = 0;
/** A fresh consenting visitor per case, so rate limits and earlier cases do not interfere. */
const nextVisitor = () => `fuzz-api-${++visitors}-${Math.floor(Math.random() * 1e9)}`;

type Answer = { status: number; text: string; headers: Headers };

/** The envelope of a refusal: JSON with a code and a message; a 400 names the field. */
function checkRefusal(answer: Answer): void {
  expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
  if (answer.status < 400) return;
  const body = JSON.parse(answer.text) as { code?: unknown; message?: unknown; details?: unknown };
  expect(typeof body.code).toBe("string");
  expect(typeof body.message).toBe("string");
  if (answer.status === 400 && body.code !== "invalid_json")
    expect(typeof (body.details as { field?: unknown } | undefined)?.field).toBe("string");
}

/** Content types the JSON APIs accept (any: sendBeacon posts text/plain). */
const CONTENT_TYPES = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/json; charset=utf-16",
  "",
);
/** The consent API also reads forms. */
const FORM_TYPES = fc.oneof(
  CONTENT_TYPES,
  fc.constantFrom(
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
  ),
);

/** A body as text: the JSON of a value, or text that is no JSON at all. */
const asText = (v: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: v.map((x) => JSON.stringify(x) ?? "") },
    hostileString,
    fc.constantFrom("{", '{"events":', "[]", "null", "\u0000", "personalization=1&analytics=on"),
  );

// --- events --------------------------------------------------------------------------------

const id = fc.oneof(fc.constantFrom("e-1", "p-1", "a.b:c_d-1"), hostileString);
const event = fc.record(
  {
    id,
    type: fc.oneof(fc.constantFrom(...EVENT_TYPES), hostileString),
    at: fc.oneof(hostileNumber, hostileString),
    path: fc.oneof(fc.constantFrom("/", "/p/x?q=1"), hostileString, fc.constant(null)),
    pageType: fc.oneof(fc.constantFrom(...PAGE_TYPES), hostileString),
    productId: id,
    categoryId: id,
    valueCents: hostileNumber,
    data: fc.oneof(
      fc.dictionary(
        fc.oneof(
          fc.constantFrom(...PROTO_KEYS, "query", "quantity", "lines", "exposures"),
          hostileString,
        ),
        fc.oneof(hostileValue, deepNesting),
        { maxKeys: 5 },
      ),
      hostileValue,
    ),
  },
  { requiredKeys: ["id", "type"] },
);
const VALID_BATCH = {
  events: [
    { id: "e-1", type: "product_view", productId: "p-1", path: "/p/x" },
    { id: "e-2", type: "search", data: { query: "shoes", results: 3 } },
    {
      id: "e-3",
      type: "purchase",
      valueCents: 1200,
      data: { orderId: "o-1", lines: [{ productId: "p-1", quantity: 1, unitPriceCents: 1200 }] },
    },
  ],
};
const eventsBody = asText(
  fc.oneof(
    fc.record({ events: fc.array(event, { maxLength: 4 }) }),
    mutateJson(VALID_BATCH),
    deepNesting.map((v) => ({ events: [v] })),
    hostileValue,
  ),
);

async function postEvents(body: string, contentType: string) {
  const visitorId = nextVisitor();
  const headers: Record<string, string> = await consenting(visitorId);
  if (contentType) headers["content-type"] = contentType;
  const answer = await call(`${V1}/events`, { method: "POST", headers, body });
  return { answer, visitorId };
}

async function checkEvents(body: string, contentType: string) {
  const { answer, visitorId } = await postEvents(body, contentType);
  checkRefusal(answer);
  if (answer.status >= 400) expect(await stubOf(visitorId).pending()).toBe(0);
  else expect(answer.status).toBe(202);
}

// --- consent -------------------------------------------------------------------------------

/** A form value, percent-encoded; one that cannot be (a lone surrogate) is sent raw. */
const formValue = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
};

const consentBody = fc.oneof(
  asText(
    fc.oneof(
      mutateJson({ personalization: true, analytics: false }),
      fc.record({ personalization: hostileValue, analytics: hostileValue }),
      hostileValue,
    ),
  ),
  fc
    .tuple(fc.oneof(hostileString, fc.constantFrom("1", "on", "true")), hostileString)
    .map(([p, a]) => `personalization=${formValue(p)}&analytics=${formValue(a)}`),
);
const cookieHeader = fc.oneof(
  fc.constant(null),
  fc.constant("known"),
  // Printable ASCII only: other bytes are the platform's to refuse, not the Worker's.
  hostileString.map((s) => {
    const v = s.replace(/[^\x20-\x7e]/g, "").slice(0, 300);
    return `vt_consent=${v}; vt_id=${v}`;
  }),
);

async function checkConsent(
  body: string,
  contentType: string,
  cookie: string | null,
  gpc: boolean,
) {
  const visitorId = nextVisitor();
  const headers: Record<string, string> = { "user-agent": BROWSER_UA };
  if (cookie === "known") Object.assign(headers, await consenting(visitorId));
  else if (cookie !== null) headers.cookie = cookie;
  if (contentType) headers["content-type"] = contentType;
  if (gpc) headers["sec-gpc"] = "1";
  const answer = await call(`${V1}/consent`, { method: "POST", headers, body });
  checkRefusal(answer);
  if (answer.status >= 400) {
    // A refused choice sets no cookie and records nothing for the visitor.
    expect(answer.headers.get("set-cookie")).toBeNull();
    if (cookie === "known") expect(await stubOf(visitorId).pending()).toBe(0);
  }
}

// --- decide --------------------------------------------------------------------------------

const VALID_DECIDE = {
  path: "/p/trail-shoe?ref=1",
  referrer: "https://www.google.com/search?q=x",
  pageType: "product",
  productId: "p-1",
  categoryId: "c-1",
  record: true,
};
const decideBody = asText(
  fc.oneof(
    mutateJson(VALID_DECIDE),
    fc.record(
      {
        path: fc.oneof(fc.constantFrom("/", "//evil.example/", "/%", "/\u0000"), hostileString),
        referrer: fc.oneof(fc.webUrl(), hostileString),
        pageType: fc.oneof(fc.constantFrom(...PAGE_TYPES), hostileString),
        productId: id,
        categoryId: id,
        record: hostileValue,
      },
      { requiredKeys: ["path"] },
    ),
    hostileValue,
  ),
);

async function checkDecide(body: string, contentType: string) {
  const visitorId = nextVisitor();
  const headers: Record<string, string> = await consenting(visitorId);
  if (contentType) headers["content-type"] = contentType;
  const answer = await call(`${V1}/decide`, { method: "POST", headers, body });
  checkRefusal(answer);
  if (answer.status >= 400) {
    expect(answer.headers.get("set-cookie")).toBeNull();
    expect(await stubOf(visitorId).pending()).toBe(0);
  } else {
    expect(answer.status).toBe(200);
    const decided = JSON.parse(answer.text) as { mode: string; decisions: unknown[] };
    expect(typeof decided.mode).toBe("string");
    expect(Array.isArray(decided.decisions)).toBe(true);
  }
}

describe("API fuzzing", () => {
  it(
    "events: every batch is 202 or a 4xx naming the field, and a refused one stores nothing",
    async () => {
      await fc.assert(fc.asyncProperty(eventsBody, CONTENT_TYPES, checkEvents), fuzzRuns(SEED, 80));
    },
    fuzzTimeout(90_000),
  );

  it(
    "consent: every choice is recorded or refused with a 4xx, and a refused one sets nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(consentBody, FORM_TYPES, cookieHeader, fc.boolean(), checkConsent),
        fuzzRuns(SEED + 1, 80),
      );
    },
    fuzzTimeout(90_000),
  );

  it(
    "decide: every route gets decisions or a 4xx naming the field, and a refused one records nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(decideBody, CONTENT_TYPES, checkDecide),
        fuzzRuns(SEED + 2, 80),
      );
    },
    fuzzTimeout(90_000),
  );
});

describe("API regressions (counterexamples the fuzzer found)", () => {
  it.each(API_REGRESSIONS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const visitorId = nextVisitor();
    const headers = { ...(await consenting(visitorId)), "content-type": c.contentType };
    const answer = await call(`${V1}/${c.api}`, { method: "POST", headers, body: c.body });
    checkRefusal(answer);
    expect(answer.status).toBe(c.status);
    if (c.field) expect(JSON.parse(answer.text)).toMatchObject({ details: { field: c.field } });
    expect(await stubOf(visitorId).pending()).toBe(0);
  });
});
