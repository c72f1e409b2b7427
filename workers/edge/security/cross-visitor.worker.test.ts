import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { verifySignedValue } from "../identity/signed-value.ts";
import { normalizedCacheUrl } from "../proxy/cache-policy.ts";
import { BROWSER_UA, SHOP, call, consenting, signedCookie } from "../test-support/requests.ts";
import {
  configWith,
  profileOf,
  publishConfig,
  putProfile,
  stubOf,
  vitrineCookies,
} from "../test-support/fixtures.ts";
import { Prng } from "../test-support/prng.ts";

/**
 * Many visitors with distinct profiles, sessions and carts request many pages at the same time,
 * interleaved with anonymous visitors and bots. Each response must carry its own visitor's
 * content and nobody else's; the shared cache must hold only the shop's anonymous pages.
 */

const CONFIG = configWith(
  {
    banner: { selector: "#promo-banner", action: "replace" },
    recs: { selector: "#recommendations", action: "append" },
  },
  {
    "anon-banner": { slot: "banner", priority: 1, template: '<p class="t-anon">welcome</p>' },
    "probe-banner": {
      slot: "banner",
      priority: 10,
      when: { field: "consent.personalization", op: "eq", value: true },
      template:
        '<p class="t-probe">who:{{#visitor.segments}}[{{.}}]{{/visitor.segments}} visits:{{visitor.visitCount}} orders:{{visitor.orderCount}} cart:{{cart.valueCents}} stage:{{visitor.stage}}</p>',
    },
    "probe-recs": {
      slot: "recs",
      when: { field: "profile.segments", op: "exists" },
      template: '<p class="t-probe-recs">{{#visitor.segments}}{{.}}{{/visitor.segments}}</p>',
    },
  },
);

type Visitor = {
  index: number;
  id: string;
  sessionId: string;
  token: string;
  visits: number;
  orders: number;
  cartCents: number;
  productId: string;
  headers: Record<string, string>;
};

const VISITORS = 8;
const rand = crypto.randomUUID().replaceAll("-", "").slice(0, 10);
const visitors: Visitor[] = [];
let pages: string[] = [];

beforeAll(async () => {
  await publishConfig(CONFIG);
  const home = await call("/");
  const product = /href="(\/p\/[^"]+)"/.exec(home.text)![1]!;
  const category = /href="(\/c\/[^"?]+)"/.exec(home.text)![1]!;
  pages = ["/", "/faq", "/bestsellers", product, category, "/search?q=a", "/cart"];

  for (let index = 0; index < VISITORS; index++) {
    const id = `leak-${index}-${rand}`;
    const sessionId = `sess-${index}-${rand}`;
    const productId = `p-000${index + 1}`;
    const v: Visitor = {
      index,
      id,
      sessionId,
      token: `tok${index}x${rand}`,
      visits: 100 + index,
      orders: 200 + index,
      cartCents: 1000 + 7 * index,
      productId,
      headers: await consenting(id, [await signedCookie("vt_sid", `${sessionId}~${Date.now()}`)]),
    };
    visitors.push(v);
    await putProfile(
      profileOf(id, { segments: [v.token], visitCount: v.visits, orderCount: v.orders }),
    );
    // The session's cart, as the tracker reports it.
    const added = await call("/__vitrine/v1/events", {
      method: "POST",
      headers: v.headers,
      body: JSON.stringify({
        events: [
          {
            id: `cart-${index}`,
            type: "add_to_cart",
            productId,
            data: { quantity: 1, unitPriceCents: v.cartCents },
          },
        ],
      }),
    });
    expect(JSON.parse(added.text)).toMatchObject({ stored: true, journeyStage: "cart" });
  }
});

/**
 * The shop's own cart cookie goes with the cart page only (its cart is built from it, and a
 * request carrying it never uses the shared copy); catalog pages come through the shared cache.
 */
function withShopCart(v: Visitor, path: string): Record<string, string> {
  if (path !== "/cart") return v.headers;
  const cart = `shop_cart=${encodeURIComponent(JSON.stringify({ [v.productId]: v.index + 1 }))}`;
  return { ...v.headers, cookie: `${v.headers.cookie}; ${cart}` };
}

describe("no visitor's content in another visitor's response", () => {
  it("keeps every response to its own visitor under concurrent, interleaved traffic", async () => {
    type Job = { visitor: Visitor | null; kind: "visitor" | "anonymous" | "bot"; path: string };
    const jobs: Job[] = [];
    for (const path of pages) {
      for (const visitor of visitors) jobs.push({ visitor, kind: "visitor", path });
      jobs.push({ visitor: null, kind: "anonymous", path }, { visitor: null, kind: "bot", path });
    }
    // A fixed shuffle, so a failure reproduces.
    const prng = new Prng(20261123);
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = prng.int(i + 1);
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    const results = await Promise.all(
      jobs.map(async (job) => {
        const headers =
          job.kind === "visitor"
            ? withShopCart(job.visitor!, job.path)
            : job.kind === "bot"
              ? { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)" }
              : { "user-agent": BROWSER_UA };
        return { job, res: await call(job.path, { headers }) };
      }),
    );

    const everyToken = visitors.map((v) => v.token);
    for (const { job, res } of results) {
      const where = `${job.kind} ${job.visitor?.index ?? ""} ${job.path}`;
      expect(res.status, where).toBe(200);
      const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
      const own = job.visitor?.token;
      for (const token of everyToken) {
        if (token === own) continue;
        expect(res.text.includes(token), `${where} carries ${token}`).toBe(false);
        expect(headerText.includes(token), `${where} headers carry ${token}`).toBe(false);
      }
      if (!job.visitor) {
        expect(res.text, where).not.toContain("t-probe");
        expect(
          res.headers.getSetCookie().filter((c) => !/Max-Age=0/.test(c)),
          where,
        ).toEqual([]);
        continue;
      }
      const v = job.visitor;
      expect(res.headers.get("x-vitrine"), where).toBe("personalized");
      expect(res.text, where).toContain(
        `who:[${v.token}] visits:${v.visits} orders:${v.orders} cart:${v.cartCents} stage:cart`,
      );
      // The shop's cart page is built from this visitor's own cart cookie.
      if (job.path === "/cart") {
        const lines = [...res.text.matchAll(/<tr data-product-id="(p-\d{4})"/g)].map((m) => m[1]);
        expect(lines, where).toEqual([v.productId]);
      }
      // Cookies set on the response are this visitor's identifiers, correctly signed.
      const cookies = vitrineCookies(res.headers);
      for (const [name, signed] of Object.entries(cookies)) {
        const value = await verifySignedValue(signed, env.COOKIE_SECRET);
        if (name === "vt_id") expect(value, where).toBe(v.id);
        if (name === "vt_sid") expect(value?.split("~")[0], where).toBe(v.sessionId);
      }
    }

    // Every visitor's journey got exactly their own page views.
    for (const v of visitors) {
      const viewed = (await stubOf(v.id).touchpoints())
        .filter((t) => t.type === "page_view")
        .map((t) => t.path);
      expect(viewed.map(String).sort(), v.id).toEqual([...pages].sort());
    }
  });

  it("leaves only the shop's anonymous pages in the shared cache", async () => {
    const cache = await caches.open("vitrine-origin");
    let stored = 0;
    for (const path of pages) {
      const key = normalizedCacheUrl(new URL(SHOP + path)).toString();
      const copy = await cache.match(key);
      if (path === "/cart") {
        // Built from a visitor's cookie and marked private by the shop: never shared.
        expect(copy, path).toBeUndefined();
        continue;
      }
      if (!copy) continue;
      stored++;
      const body = await copy.text();
      expect(body, path).not.toMatch(/t-probe|t-anon|data-vt-|data-vitrine|vitrine\/v1\/assets/);
      for (const v of visitors) expect(body.includes(v.token), path).toBe(false);
      expect(copy.headers.get("set-cookie"), path).toBeNull();
      expect(copy.headers.get("cache-control") ?? "", path).not.toMatch(/private|no-store/);
    }
    // The catalog pages are shareable, so the cache was actually exercised.
    expect(stored).toBeGreaterThanOrEqual(4);
  });

  it("serves a visitor's next request from the shared copy without anyone else's content", async () => {
    const [a, b] = visitors;
    for (const v of [a!, b!]) {
      const res = await call("/faq", { headers: v.headers });
      expect(res.headers.get("server-timing")).toContain('desc="hit"');
      expect(res.text).toContain(`who:[${v.token}]`);
      const other = v === a ? b! : a!;
      expect(res.text).not.toContain(other.token);
    }
  });
});
