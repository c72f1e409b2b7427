import { env, runDurableObjectAlarm } from "cloudflare:test";
import { count, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { annotations, configVersions, events } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { ADMIN, call, consenting } from "../test-support/requests.ts";
import { configWith, publishConfig, stubOf } from "../test-support/fixtures.ts";

/**
 * Every admin route, with every way of not quite having the admin token: always refused, and
 * nothing changes. The right token in the wrong place does not count either.
 */

const db = createDb({ tursoUrl: env.TURSO_URL, tursoAuthToken: "" });
const TOKEN = env.ADMIN_TOKEN;
const V1 = "/__vitrine/v1";
const CONFIG = configWith(
  { banner: { selector: "#promo-banner", action: "replace" } },
  { hello: { slot: "banner", template: "<p>hello</p>" } },
);

let subject = "";
let activeVersion = 0;

beforeAll(async () => {
  activeVersion = await publishConfig(CONFIG);
  // A customer with data in Turso, so reads and erasure would have something to act on.
  subject = crypto.randomUUID();
  const res = await call(`${V1}/events`, {
    method: "POST",
    headers: await consenting(subject),
    body: JSON.stringify({ events: [{ id: "a1", type: "product_view", productId: "p-0001" }] }),
  });
  expect(res.status).toBe(202);
  await runDurableObjectAlarm(stubOf(subject));
});

const routes = (): [string, string, string?][] => [
  ["GET", `${V1}/admin/config`],
  ["POST", `${V1}/admin/config`, JSON.stringify({ ...CONFIG, enabled: false })],
  ["GET", `${V1}/admin/config/versions`],
  ["POST", `${V1}/admin/config/rollback`, JSON.stringify({ version: 1 })],
  ["GET", `${V1}/admin/customers/${subject}`],
  [
    "POST",
    `${V1}/admin/customers/${subject}/annotations`,
    JSON.stringify({ department: "service", author: "mallory", body: "x" }),
  ],
  ["GET", `${V1}/admin/customers/${subject}/export`],
  ["DELETE", `${V1}/admin/customers/${subject}`],
  ["GET", `${V1}/admin/no-such-route`],
];

const wrongCredentials: [string, Record<string, string>, string?][] = [
  ["no credentials", {}],
  ["a wrong token", { authorization: "Bearer not-the-admin-token" }],
  ["the token minus its last character", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ["the token plus a character", { authorization: `Bearer ${TOKEN}x` }],
  ["the token in upper case", { authorization: `Bearer ${TOKEN.toUpperCase()}` }],
  ["an empty bearer", { authorization: "Bearer " }],
  ["Basic auth with the token", { authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }],
  ["another scheme", { authorization: `Token ${TOKEN}` }],
  ["two credentials", { authorization: `Bearer nope, Bearer ${TOKEN}` }],
  ["a look-alike token (Cyrillic a)", { authorization: `Bearer ${TOKEN.replace("a", "а")}` }],
  ["the token in a custom header", { "x-admin-token": TOKEN }],
  ["the token in a cookie", { cookie: `admin_token=${TOKEN}; token=${TOKEN}` }],
  ["the token in the query string", {}, `?token=${TOKEN}&access_token=${TOKEN}`],
];

async function sideEffects() {
  const [versions] = await db.select({ n: count() }).from(configVersions);
  const [notes] = await db
    .select({ n: count() })
    .from(annotations)
    .where(eq(annotations.subjectId, subject));
  const [rows] = await db.select({ n: count() }).from(events).where(eq(events.visitorId, subject));
  return {
    versions: versions!.n,
    pointer: await env.CONFIG.get("config:active"),
    annotations: notes!.n,
    events: rows!.n,
    touchpoints: (await stubOf(subject).touchpoints()).length,
  };
}

describe("admin endpoints refuse anything but the admin token", () => {
  it.each(wrongCredentials)(
    "%s: every route refused, nothing changed",
    async (_name, headers, query = "") => {
      const before = await sideEffects();
      expect(before).toMatchObject({ events: 1, touchpoints: 1, pointer: String(activeVersion) });
      for (const [method, path, body] of routes()) {
        const res = await call(`${path}${query}`, {
          method,
          headers: { "content-type": "application/json", ...headers },
          body,
        });
        const where = `${method} ${path}`;
        expect([400, 401], where).toContain(res.status);
        expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
        // Only the error envelope: no config, no customer data.
        expect(Object.keys(JSON.parse(res.text)).sort(), where).toEqual(
          expect.arrayContaining(["code", "message", "requestId"]),
        );
        expect(res.text, where).not.toMatch(/slots|timeline|visitorIds|"version"/);
      }
      expect(await sideEffects()).toEqual(before);
    },
  );

  it("path spellings that reach an admin route still need the token", async () => {
    const spellings = [
      `${V1}/%61dmin/config`,
      `${V1}/admin/./config`,
      `${V1}/admin/config/`,
      `${V1}/admin/config/versions/`,
      `${V1}/admin/customers/${subject}/`,
      `${V1}/admin/customers/${subject}/export/`,
    ];
    for (const path of spellings) {
      const res = await call(path);
      expect(res.status, path).toBe(401);
    }
    // Spellings the router does not take as admin routes never reach admin data either.
    for (const path of [
      `${V1}/admin%2Fconfig`,
      `${V1}//admin/config`,
      `${V1}/Admin/config`,
      "/__VITRINE/v1/admin/config",
    ]) {
      const res = await call(path);
      expect(res.status, path).not.toBeLessThan(400);
      expect(res.text, path).not.toMatch(/"slots"|"version"/);
    }
  });

  it("the right token in the right place works (the refusals were about the token)", async () => {
    const res = await call(`${V1}/admin/config`, { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ version: activeVersion });
    const view = await call(`${V1}/admin/customers/${subject}`, { headers: ADMIN });
    expect(view.status).toBe(200);
  });

  it("answers cross-site callers without CORS permission", async () => {
    for (const method of ["OPTIONS", "GET"]) {
      const res = await call(`${V1}/admin/config`, {
        method,
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": "GET",
          "access-control-request-headers": "authorization",
        },
      });
      expect(res.headers.get("access-control-allow-origin"), method).toBeNull();
      expect(res.headers.get("access-control-allow-credentials"), method).toBeNull();
    }
  });
});
