import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { adminAuth } from "../api/admin-auth.ts";
import { adminDoctor } from "../api/admin-doctor.ts";
import { adminPreview, MAX_PREVIEW_TTL_S } from "../api/admin-preview.ts";
import { doctorDashboard } from "../dashboard/pages/doctor.tsx";
import * as clock from "../clock.ts";
import { isCacheable, type DoctorReport } from "../doctor/report.ts";
import { errorResponse } from "../errors.ts";
import { signValue } from "../identity/signed-value.ts";
import { ADMIN, call, demoProductPath, SHOP } from "../test-support/requests.ts";
import { fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";
import { publishConfig } from "../test-support/fixtures.ts";

/**
 * The admin doctor and preview endpoints, mounted as app.ts mounts the admin API (behind
 * adminAuth, under /__vitrine/v1/admin), against the demo shop with the demo config published.
 */
const api = new Hono<{ Bindings: Env }>();
api.use("/__vitrine/v1/admin/*", adminAuth);
api.route("/__vitrine/v1/admin/doctor", adminDoctor);
api.route("/__vitrine/v1/admin/preview", adminPreview);
api.route("/__vitrine/dashboard/doctor", doctorDashboard);
api.onError(errorResponse);

async function admin(path: string, body: unknown, bindings: Env = env, headers = ADMIN) {
  const ctx = createExecutionContext();
  const res = await api.fetch(
    new Request(`${SHOP}/__vitrine/v1/admin/${path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    bindings,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

const doctor = async (body: unknown, bindings?: Env) => {
  const res = await admin("doctor", body, bindings);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as unknown as DoctorReport;
};

const signedCookie = async (name: string, value: string) =>
  `${name}=${await signValue(value, env.COOKIE_SECRET)}`;

let productPath: string;
let productHtml: string;

beforeAll(async () => {
  await publishConfig({ ...demoConfig, styles: inject("demoCss") });
  productPath = await demoProductPath();
  productHtml = await (await fetch(inject("originUrl") + productPath)).text();
});

afterEach(() => vi.restoreAllMocks());

describe("POST /__vitrine/v1/admin/doctor", () => {
  it("reports what Vitrine sees on the demo shop's product page", async () => {
    const report = await doctor({ url: productPath });
    expect(report.url).toBe(SHOP + productPath);
    expect(report.page.pageType).toBe("product");
    const productId = /"productID"\s*:\s*"([^"]+)"/.exec(productHtml)?.[1];
    expect(productId).toBeTruthy();
    expect(report.product.jsonLd?.productId).toBe(productId);
    // Every slot of the demo config is an #id: the count HTMLRewriter found is the page's.
    for (const slot of report.slots) {
      const id = slot.selector.slice(1);
      expect(slot.matches, slot.slotId).toBe(productHtml.split(`id="${id}"`).length - 1);
      const pageTypes = demoConfig.slots[slot.slotId as keyof typeof demoConfig.slots].pageTypes;
      expect(slot.forPageType).toBe(pageTypes.includes("product"));
    }
    expect(report.slots.filter((s) => s.forPageType && s.matches! > 0).length).toBeGreaterThan(0);
    expect(report.charset).toEqual({ value: "utf-8", source: "header" });
    expect(report.compression.ok).toBe(true);
    expect(isCacheable(report)).toBe(true);
    expect(report.csp.header).toBeNull();
    expect(report.consent).toMatchObject({ source: "default", personalization: false });
    // Through the proxy as a consenting test visitor: the tracker and the variants it showed.
    const injected = report.injected!;
    expect(injected.visitor).toBe("consenting-test-visitor");
    expect(injected.status).toBe(200);
    expect(injected.tracker).toBe(true);
    expect(injected.variants.length).toBeGreaterThan(0);
    for (const v of injected.variants) {
      const variant = demoConfig.variants[v.variantId as keyof typeof demoConfig.variants];
      expect(variant.slot).toBe(v.slotId);
    }
  });

  it("says why a page is not cacheable and reads the consent of the cookie given", async () => {
    const noConsent = await signedCookie("vt_consent", `p0.a0.${clock.now()}`);
    const report = await doctor({ url: "/cart", cookie: `${noConsent}; cart=abc` });
    expect(report.page.pageType).toBe("cart");
    expect(isCacheable(report)).toBe(false);
    expect(report.cache.request).toMatchObject({ ok: false });
    expect(report.cache.request.detail).toMatch(/^cookie:/);
    expect(report.cache.response.detail).toMatch(/^(private|no-store)/);
    expect(report.consent).toMatchObject({ source: "cookie", personalization: false, note: null });
    // Without consent nothing is tracked; context-only variants may still show.
    expect(report.injected).toMatchObject({ visitor: "cookie", status: 200, tracker: false });
    expect(report.injected?.mode).toBeTruthy();

    const forged = await doctor({ url: "/", cookie: `vt_consent=p1.a1.${clock.now()}.forged` });
    expect(forged.consent.personalization).toBe(false);
    expect(forged.consent.note).toMatch(/does not verify/);
  });

  it("reports a page's CSP, meta charset, microdata and Set-Cookie from the origin", async () => {
    interceptFetch(() =>
      html(
        '<html><head><meta charset="windows-1252"></head><body>' +
          '<div itemscope itemtype="https://schema.org/Product"><meta itemprop="sku" content="SKU-9">' +
          '<div id="product-badges"></div><div id="product-badges"></div></div></body></html>',
        {
          headers: {
            "content-type": "text/html",
            "content-security-policy": "script-src 'strict-dynamic' 'sha256-abc'; style-src 'self'",
            "set-cookie": "shop_session=1",
            "cache-control": "public, max-age=60",
          },
        },
      ),
    );
    const report = await doctor({ url: "/p/anything" }, fakeOriginEnv());
    expect(report.charset).toEqual({ value: "windows-1252", source: "meta" });
    expect(report.product).toEqual({ jsonLd: null, microdata: { productId: "SKU-9" } });
    expect(report.slots.find((s) => s.slotId === "product-badges")?.matches).toBe(2);
    expect(report.slots.find((s) => s.slotId === "hero")).toMatchObject({
      forPageType: false,
      matches: 0,
    });
    expect(report.csp.style).toMatchObject({ allowed: true, directive: "style-src" });
    expect(report.csp.script).toMatchObject({ allowed: false, directive: "script-src" });
    expect(report.csp.script.why).toMatch(/strict-dynamic/);
    expect(report.cache.response.detail).toMatch(/^set-cookie:/);
    expect(report.injected?.tracker).toBe(false);
    expect(report.injected?.cspBlocked).toContain("blocked-script");
  });

  it("reports an origin that does not answer instead of failing", async () => {
    interceptFetch(() => {
      throw new Error("connection refused");
    });
    const report = await doctor({ url: "/" }, fakeOriginEnv());
    expect(report.error).toMatch(/connection refused/);
    expect(report.config?.version).toBeGreaterThan(0);
  });

  it("refuses a missing or foreign URL and a caller without the admin token", async () => {
    const missing = await admin("doctor", {});
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/^url:/);
    const script = await admin("doctor", { url: "javascript:alert(1)" });
    expect(script.status).toBe(400);
    expect(script.json).toMatchObject({ code: "invalid_url" });
    const anonymous = await admin("doctor", { url: "/" }, env, {} as typeof ADMIN);
    expect(anonymous.status).toBe(401);
  });

  it("diagnoses only the Worker's own host, whatever host the URL names", async () => {
    const report = await doctor({ url: `https://elsewhere.example${productPath}?a=1` });
    expect(report.url).toBe(`${SHOP}${productPath}?a=1`);
  });
});

describe("POST /__vitrine/v1/admin/preview", () => {
  it("signs a link on the shop's host that shows the forced variant", async () => {
    const before = clock.now();
    const res = await admin("preview", { variant: "spontaneous-offer", path: productPath });
    expect(res.status).toBe(201);
    const link = new URL(res.json.url as string);
    expect(link.origin).toBe(SHOP);
    expect(link.pathname).toBe(productPath);
    expect(res.json).toMatchObject({ variant: "spontaneous-offer", slot: "promo-banner" });
    const expiresAt = res.json.expiresAt as number;
    expect(expiresAt - before).toBeGreaterThanOrEqual(3600_000);
    expect(expiresAt - clock.now()).toBeLessThanOrEqual(3600_000);

    const page = await call(link.pathname + link.search);
    expect(page.headers.get("x-vitrine")).toBe("preview");
    expect(page.text).toMatch(/data-vt-variant="spontaneous-offer" data-vt-reason="preview"/);
  });

  it("refuses unknown variants, foreign paths and lifetimes over the cap, naming the field", async () => {
    const unknown = await admin("preview", { variant: "no-such-variant" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toMatch(/^variant: "no-such-variant"/);
    const foreign = await admin("preview", {
      variant: "spontaneous-offer",
      path: "//evil.example/",
    });
    expect(foreign.status).toBe(400);
    expect(foreign.json.message).toMatch(/^path:/);
    const long = await admin("preview", {
      variant: "spontaneous-offer",
      ttlSeconds: MAX_PREVIEW_TTL_S + 1,
    });
    expect(long.status).toBe(400);
    expect(long.json.message).toMatch(/^ttlSeconds:/);
  });
});

describe("dashboard doctor page", () => {
  async function form(path: string, fields: Record<string, string>) {
    const ctx = createExecutionContext();
    const res = await api.fetch(
      new Request(`${SHOP}/__vitrine/dashboard/doctor${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields),
      }),
      env,
      ctx,
    );
    const text = await res.text();
    await waitOnExecutionContext(ctx);
    return { status: res.status, text };
  }

  it("renders the doctor's report for a page", async () => {
    const page = await form("", { url: productPath, cookie: "" });
    expect(page.status).toBe(200);
    expect(page.text).toContain("data-doctor-report");
    expect(page.text).toMatch(/<span class="good">✓<\/span> page type: product/);
    expect(page.text).toMatch(/<span class="good">✓<\/span> cacheable: yes/);
    // One "Make a preview link" form per variant of the active config.
    const forms = page.text.match(/action="\/__vitrine\/dashboard\/doctor\/preview"/g) ?? [];
    expect(forms.length).toBe(Object.keys(demoConfig.variants).length);
  });

  it("makes a preview link that opens the page with the variant forced", async () => {
    const page = await form("/preview", {
      variant: "spontaneous-offer",
      path: productPath,
      ttl: "3600",
    });
    expect(page.status).toBe(200);
    const url = /data-preview-link[^>]*>[\s\S]*?<a href="([^"]+)"/.exec(page.text)?.[1];
    expect(url).toBeTruthy();
    const link = new URL(url!.replace(/&amp;/g, "&"));
    const shown = await call(link.pathname + link.search);
    expect(shown.text).toMatch(/data-vt-variant="spontaneous-offer" data-vt-reason="preview"/);
  });

  it("shows what is wrong with a form instead of failing", async () => {
    const noUrl = await form("", { url: "" });
    expect(noUrl.status).toBe(400);
    expect(noUrl.text).toMatch(/class="notice error">url: /);
    const unknown = await form("/preview", { variant: "nope", path: "/" });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("is not a variant of the active config");
  });
});
