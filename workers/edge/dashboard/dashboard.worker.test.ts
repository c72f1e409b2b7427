import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { events, modelVersions, sessions, trainingRuns } from "../../../schema/index.ts";
import { sampleRatioMismatch } from "../analytics/stats/srm.ts";
import { createDb } from "../db/client.ts";
import { signValue } from "../identity/signed-value.ts";
import worker from "../index.ts";
import { settingsOf } from "../settings.ts";
import { money } from "./format.ts";

const ORIGIN = "https://shop.example";
const BASE = `${ORIGIN}/__vitrine/dashboard`;
const TOKEN = "test-admin-token";
const bearer = { authorization: `Bearer ${TOKEN}` };
const html = { accept: "text/html" };
const db = createDb(settingsOf(env));

async function call(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const url = path.startsWith("http") ? path : BASE + path;
  const response = await worker.fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const form = (
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): RequestInit => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", ...headers },
  redirect: "manual",
});

async function login(): Promise<string> {
  const res = await call("/login", form({ token: TOKEN, next: "/__vitrine/dashboard/models" }));
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/__vitrine/dashboard/models");
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(/^vt_admin=/);
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  expect(cookie).toMatch(/Path=\/__vitrine\/dashboard/);
  expect(cookie).toMatch(/Secure/);
  return cookie.split(";")[0]!;
}

/** Text content of the first element carrying `attr="value"`, crude but enough for our markup. */
function attrValue(page: string, attr: string): string | null {
  return new RegExp(`${attr}="([^"]*)"`).exec(page)?.[1] ?? null;
}

describe("dashboard access", () => {
  it("sends a browser without the token to the login page and shows no data", async () => {
    const res = await call("", { headers: html, redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(
      "/__vitrine/dashboard/login?next=%2F__vitrine%2Fdashboard",
    );
    expect(await res.text()).not.toMatch(/Revenue/);
  });

  it("refuses API clients, wrong tokens and forged or expired cookies with 401", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-123" },
      { cookie: "vt_admin=v1.9999999999999.AAAA" },
    ];
    for (const headers of attempts) {
      const res = await call("/experiments", { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: "unauthorized" });
    }
    // Correctly signed but expired.
    const key = `vitrine-dashboard-session:${TOKEN}`;
    const expired = await signValue(`v1.${Date.now() - 1000}`, key);
    expect((await call("/", { headers: { cookie: `vt_admin=${expired}` } })).status).toBe(401);
    // A cookie signed with another token does not pass either.
    const other = await signValue(`v1.${Date.now() + 60_000}`, "vitrine-dashboard-session:x");
    expect((await call("/", { headers: { cookie: `vt_admin=${other}` } })).status).toBe(401);
    // State-changing forms are refused too.
    const rollback = await call("/config/rollback", form({ version: "1" }));
    expect(rollback.status).toBe(401);
  });

  it("logs in with the admin token into a signed session cookie, and out again", async () => {
    const wrong = await call("/login", form({ token: "nope-nope" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).toMatch(/not the admin token/);

    const cookie = await login();
    const page = await call("/models", { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);

    const out = await call("/logout", form({}, { cookie }));
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
  });

  it("refuses cross-site form posts (CSRF) and never redirects outside the dashboard", async () => {
    const evil = await call("/login", form({ token: TOKEN }, { origin: "https://evil.example" }));
    expect(evil.status).toBe(403);
    const res = await call("/login", form({ token: TOKEN, next: "https://evil.example/" }));
    expect(res.headers.get("location")).toBe("/__vitrine/dashboard");
  });
});

describe("dashboard pages computed from the seeded data", () => {
  it("overview shows the revenue of the orders in the period", async () => {
    const revenue = async () => {
      const [row] = await db.all<{ cents: number }>(sql`
        SELECT coalesce(sum(total_cents), 0) AS cents FROM orders
        WHERE created_at >= ${Date.now() - 90 * 86_400_000}`);
      return Number(row!.cents);
    };
    const before = await revenue();
    const res = await call("?days=90", { headers: bearer });
    const page = await res.text();
    const after = await revenue();
    expect(res.status).toBe(200);
    expect(before).toBeGreaterThan(0);
    // Other test files may add orders meanwhile: the page matches one of the two readings.
    expect([money(before), money(after)].some((m) => page.includes(m))).toBe(true);
    expect(page).toMatch(/Personalized share/);
    expect(page).toMatch(/<svg class="chart"/);
  });

  it("experiments list the holdout with its deduplicated visitors and SRM verdict", async () => {
    const counts = async () =>
      db.all<{ variant: string; n: number }>(sql`
        SELECT variant, count(*) AS n FROM exposures WHERE experiment_id = '__holdout'
        GROUP BY variant`);
    // Other test files record exposures in the same Turso meanwhile: compare with a page
    // rendered while the table did not change.
    let rows = await counts();
    let res = await call("/experiments", { headers: bearer });
    let page = await res.text();
    for (let i = 0; i < 5; i++) {
      const after = await counts();
      if (JSON.stringify(after) === JSON.stringify(rows)) break;
      rows = after;
      res = await call("/experiments", { headers: bearer });
      page = await res.text();
    }
    expect(res.status).toBe(200);
    const n = (v: string) => Number(rows.find((r) => r.variant === v)?.n ?? 0);
    expect(n("personalized")).toBeGreaterThan(0);
    const row = page.slice(page.indexOf('data-experiment="__holdout"'));
    expect(Number(attrValue(row, "data-visitors"))).toBe(n("holdout") + n("personalized"));
    const srm = sampleRatioMismatch([n("holdout"), n("personalized")], [0.05, 0.95]);
    expect(attrValue(row, "data-srm")).toBe(srm.mismatch ? "mismatch" : "ok");
    expect(page).toMatch(/checkout-discount/);
  });

  it("one experiment's page shows per-arm results and its charts", async () => {
    const res = await call("/experiments/__holdout?goal=add_to_cart", { headers: bearer });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toMatch(/data-arm="holdout"/);
    expect(page).toMatch(/data-arm="personalized"/);
    expect(page).toMatch(/goal: add_to_cart/);
    expect(page).toMatch(/Always-valid p-value against control/);
    expect((await call("/experiments/__holdout?goal=bogus", { headers: bearer })).status).toBe(400);
    expect((await call("/experiments/nope", { headers: bearer })).status).toBe(404);
  });

  it("attribution columns add up exactly to the revenue of the period's orders", async () => {
    const res = await call("/attribution?days=365&lookback=30", { headers: bearer });
    const page = await res.text();
    expect(res.status).toBe(200);
    const revenue = Number(attrValue(page, "data-revenue"));
    expect(revenue).toBeGreaterThan(0);
    const channelTable = page.slice(page.indexOf('data-dimension="Channel"'));
    const totals = [...channelTable.matchAll(/data-total="(\d+)"/g)]
      .slice(0, 5)
      .map((m) => Number(m[1]));
    expect(totals).toEqual([revenue, revenue, revenue, revenue, revenue]);
    expect(page).toMatch(/data-key="search"/);
  });

  it("single customer view finds a seeded customer's devices and orders", async () => {
    const [order] = await db.all<{ customer_id: string }>(sql`
      SELECT customer_id FROM orders WHERE customer_id IS NOT NULL
      AND customer_id IN (SELECT id FROM customers) LIMIT 1`);
    const customerId = order!.customer_id;
    const orders = await db.all<{ id: string; total_cents: number }>(sql`
      SELECT id, total_cents FROM orders WHERE customer_id = ${customerId}`);
    const devices = await db.all<{ visitor_id: string }>(sql`
      SELECT visitor_id FROM identities WHERE customer_id = ${customerId}`);
    const res = await call(`/customers?id=${encodeURIComponent(customerId)}`, { headers: bearer });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain(`data-customer="${customerId}"`);
    for (const o of orders) expect(page).toContain(`data-order="${o.id}"`);
    for (const d of devices) expect(page).toContain(`data-visitor="${d.visitor_id}"`);
    const missing = await call("/customers?id=no-such-person", { headers: bearer });
    expect(missing.status).toBe(404);
  });

  it("recommendation performance joins slot impressions and clicks", async () => {
    const now = Date.now();
    const slot = { slot: "recommendations", variant: "dash-test-variant" };
    const base = { visitorId: "dash-reco-visitor", receivedAt: now, occurredAt: now - 5000 };
    await db.insert(events).values([
      ...[1, 2, 3, 4].map((i) => ({
        ...base,
        eventId: `dash-pv-${i}-${now}`,
        type: "page_view",
        payload: { slots: [slot] },
      })),
      {
        ...base,
        eventId: `dash-click-${now}`,
        type: "slot_click",
        payload: { ...slot, href: "/p/x" },
      },
    ]);
    const page = await (await call("/recommendations?days=7", { headers: bearer })).text();
    const row = page.slice(page.indexOf('data-variant="dash-test-variant"'));
    expect(row).toMatch(
      /^data-variant="dash-test-variant"><td>recommendations<\/td><td>dash-test-variant<\/td><td class="num">4<\/td>/,
    );
    expect(attrValue(row, "data-clicks")).toBe("1");
    expect(row).toMatch(/25\.00%/);
  });

  it("models page lists model versions and training runs from Turso", async () => {
    const now = Date.now();
    await db.insert(modelVersions).values({
      version: `dash-model-${now}`,
      status: "published",
      kvPrefix: "m/",
      items: 123,
      metrics: { recallAt10: 0.25 },
      createdAt: now,
    });
    await db.insert(trainingRuns).values({
      id: `dash-run-${now}`,
      job: "train",
      startedAt: now,
      status: "failed",
      watermarkFrom: 0,
      error: "dashboard test failure",
    });
    const page = await (await call("/models", { headers: bearer })).text();
    expect(page).toContain(`dash-model-${now}`);
    expect(page).toContain("recallAt10=0.2500");
    expect(page).toContain("dashboard test failure");
  });
});

describe("overview time charts", () => {
  /** The polylines (x, y pairs) of the chart titled `title`, one list per series. */
  function polylines(page: string, title: string): [number, number][][] {
    const start = page.indexOf(`aria-label="${title}"`);
    const svg = page.slice(start, page.indexOf("</svg>", start));
    return [...svg.matchAll(/<polyline[^>]* points="([^"]*)"/g)].map((m) =>
      m[1]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]),
    );
  }

  it("draws every day of the period, a day without visits at zero rather than bridged", async () => {
    const DAY = 86_400_000;
    // The dashboard's clock pinned to noon, three days after the last recorded visit: the
    // period ends on days without data whatever today's date is.
    const starts = (await db.select({ at: sessions.startedAt }).from(sessions)).map((s) => s.at);
    const last = Math.max(...starts);
    const pinned = Math.floor(last / DAY) * DAY + 3 * DAY + DAY / 2;
    const days = 14;
    const render = async () => {
      const ctx = createExecutionContext();
      const clocked = { ...env, CLOCK_OFFSET_MS: String(pinned - Date.now()) };
      const res = await worker.fetch(
        new Request(`${BASE}?days=${days}`, { headers: bearer }),
        clocked,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(200);
      return res.text();
    };
    const perDay = async () => {
      const from = Math.floor(pinned / DAY) - days;
      const out = Array.from({ length: days + 1 }, () => ({ visitors: new Set(), visits: 0 }));
      for (const s of await db.select().from(sessions)) {
        const i = Math.floor(s.startedAt / DAY) - from;
        if (s.startedAt < pinned - days * DAY || s.startedAt > pinned || !out[i]) continue;
        out[i].visitors.add(s.visitorId);
        out[i].visits++;
      }
      return out.map((d) => [d.visitors.size, d.visits]);
    };
    // Other files record visits meanwhile: use a page rendered while the table did not change.
    let expected = await perDay();
    let page = await render();
    for (let i = 0; i < 5; i++) {
      const after = await perDay();
      if (JSON.stringify(after) === JSON.stringify(expected)) break;
      expected = after;
      page = await render();
    }
    const [visitors, visits] = polylines(page, "Visitors and visits per day");
    expect(expected.some(([v]) => v === 0)).toBe(true);
    expect(expected.some(([v]) => v! > 0)).toBe(true);
    for (const line of [visitors!, visits!]) {
      expect(line).toHaveLength(days + 1);
      // Evenly spaced: one point per calendar day.
      const step = line[1]![0] - line[0]![0];
      line.forEach(([x], i) => expect(x).toBeCloseTo(line[0]![0] + i * step, 0));
    }
    const baseline = Math.max(...visits!.map(([, y]) => y));
    expected.forEach(([v, n], i) => {
      if (v === 0) expect(visitors![i]![1]).toBe(baseline);
      else expect(visitors![i]![1]).toBeLessThan(baseline);
      if (n === 0) expect(visits![i]![1]).toBe(baseline);
      else expect(visits![i]![1]).toBeLessThan(baseline);
    });
    // The revenue chart shares the day axis.
    expect(polylines(page, "Revenue per day")[0]).toHaveLength(days + 1);
  });
});

describe("config publish and rollback from the dashboard", () => {
  it("publishes through the admin API, reports bad fields, and rolls back", async () => {
    const cookie = await login();
    const first = await call(
      "/config/publish",
      form({ config: JSON.stringify(demoConfig), message: "demo" }, { cookie }),
    );
    const firstPage = await first.text();
    expect(first.status).toBe(200);
    const v1 = Number(/Published version (\d+)/.exec(firstPage)?.[1]);
    const second = await call(
      "/config/publish",
      form(
        { config: JSON.stringify({ ...demoConfig, enabled: false }), message: "off" },
        { cookie },
      ),
    );
    const v2 = Number(/Published version (\d+)/.exec(await second.text())?.[1]);
    // Versions come from Turso, shared with other test files publishing at the same time.
    expect(v2).toBeGreaterThan(v1);
    expect(await env.CONFIG.get("config:active")).toBe(String(v2));

    const bad = await call(
      "/config/publish",
      form(
        {
          config: JSON.stringify({ ...demoConfig, holdout: { percent: 500, salt: "x" } }),
          message: "bad",
        },
        { cookie },
      ),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/holdout\.percent/);
    expect(await env.CONFIG.get("config:active")).toBe(String(v2));

    const back = await call(
      "/config/rollback",
      form({ version: String(v1), message: "back" }, { cookie }),
    );
    const page = await back.text();
    expect(back.status).toBe(200);
    expect(page).toContain(`Version ${v1} is active again.`);
    expect(attrValue(page, "data-active-version")).toBe(String(v1));
    expect(await env.CONFIG.get("config:active")).toBe(String(v1));
  });
});
