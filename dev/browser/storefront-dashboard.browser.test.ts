import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../stack.ts";
import { startBrowserStack } from "./local-stack.ts";

/**
 * The real thing in a real browser: the local stack (libSQL, demo shop, `wrangler dev`) on its
 * own ports and data, Debian's Chromium driven by playwright-core. A consenting visitor sees the
 * storefront change with consent and with their buyer mode and clicks an injected
 * recommendation; an admin logs in to the dashboard. Screenshots go to test-artifacts/browser/.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const DATA_DIR = ".data/browser";
const ARTIFACTS = `${root}test-artifacts/browser`;

// Headless Chromium says "HeadlessChrome" in its user agent, which Vitrine rightly treats as a
// bot (never identified or personalized); the visitor here presents as desktop Chrome.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

let stack: Stack;
let browser: Browser;
const log: string[] = [];

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });

describe("storefront and dashboard in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ stack, browser } = await startBrowserStack(DATA_DIR, (line) => log.push(line)));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Consents on the home page; a visitor who lands in the 5% holdout starts over. */
  async function consentingVisitor(context: BrowserContext, page: Page): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      await context.clearCookies();
      const first = await page.goto(`${stack.workerUrl}/`);
      expect(first?.headers()["x-vitrine"]).toBe("request-only");
      const banner = page.locator('[data-vt-variant="consent-banner"]');
      await expect(banner.count()).resolves.toBe(1);
      if (attempt === 0) await shot(page, "storefront-1-consent-banner");
      await banner.getByRole("button", { name: "Yes, personalize" }).click();
      await page.waitForURL(`${stack.workerUrl}/`);
      const after = await page.reload();
      const mode = after?.headers()["x-vitrine"];
      if (mode === "holdout") continue;
      expect(mode).toBe("personalized");
      // The choice is made: the banner is gone.
      expect(await page.locator('[data-vt-variant="consent-banner"]').count()).toBe(0);
      const cookie = (await context.cookies()).find((c) => c.name === "vt_id");
      expect(cookie?.httpOnly).toBe(true);
      return cookie!.value.slice(0, cookie!.value.lastIndexOf("."));
    }
    throw new Error("every new visitor landed in the holdout");
  }

  let visitorId = "";
  const clickedVariant = "competitive-bestsellers";
  const click = { href: "", stored: undefined as unknown, pageErrors: [] as string[] };

  /** Reloads the home page until the visitor's profile (rebuilt by their Durable Object) shows. */
  async function homeUntil(page: Page, variant: string) {
    const module = page.locator(`[data-vt-variant="${variant}"]`);
    for (let i = 0; i < 30 && (await module.count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.goto(`${stack.workerUrl}/`);
    }
    await expect(module.first().isVisible()).resolves.toBe(true);
    return module.first();
  }

  /** Product links on a page that are the shop's own (not injected modules). */
  const shopProducts = (page: Page) =>
    page
      .locator("main a[href^='/p/']:not([data-vt-slot] a)")
      .evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")!))]);

  it("personalizes the storefront by behaviour and buyer mode; a recommended product opens", async () => {
    // A visitor who reads reviews: the tracker reports it, the Durable Object folds it into
    // the profile, the home page turns humanistic.
    const reader = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      userAgent: USER_AGENT,
    });
    const readerPage = await reader.newPage();
    await consentingVisitor(reader, readerPage);
    for (const path of (await shopProducts(readerPage)).slice(0, 3)) {
      await readerPage.goto(`${stack.workerUrl}${path}`);
      await readerPage.locator("#reviews").scrollIntoViewIfNeeded();
      await readerPage.waitForTimeout(300);
    }
    const humanistic = await homeUntil(readerPage, "humanistic-top-rated");
    await shot(readerPage, "storefront-2-humanistic");
    const humanisticLinks = await humanistic
      .locator("a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    await reader.close();

    // A visitor who consults the bestseller ranking between products turns competitive.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      userAgent: USER_AGENT,
    });
    const page = await context.newPage();
    visitorId = await consentingVisitor(context, page);
    for (let i = 0; i < 2; i++) {
      await page.goto(`${stack.workerUrl}/bestsellers`);
      const [first] = await shopProducts(page);
      await page.goto(`${stack.workerUrl}${first}`);
    }
    const module = await homeUntil(page, clickedVariant);
    expect(await page.locator('[data-vt-variant="humanistic-top-rated"]').count()).toBe(0);
    await shot(page, "storefront-3-competitive");
    const links = module.locator("a[href^='/p/']");
    expect(await links.count()).toBeGreaterThan(0);
    // Different modes, different products: the lists are not the same.
    const competitiveLinks = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(competitiveLinks).not.toEqual(humanisticLinks);

    // Clicking a recommended product opens it; the tracker reports the click (a beacon).
    const href = (await links.first().getAttribute("href"))!;
    page.on("pageerror", (e) => click.pageErrors.push(e.message));
    click.href = href;
    const navigation = page.waitForResponse((r) => r.url() === `${stack.workerUrl}${href}`);
    await links.first().click();
    const product = await navigation;
    expect(product.headers()["x-vitrine"]).toBe("personalized");
    await page.waitForURL(`${stack.workerUrl}${href}`);
    // The product page follows the same buyer mode: the competitive badge is there.
    expect(await page.locator('[data-vt-variant="competitive-badge"]').count()).toBe(1);
    await shot(page, "storefront-4-product-after-click");
    // The same product straight from the shop's origin, for the side-by-side in the README.
    const origin = await context.newPage();
    await origin.goto(`${stack.shopUrl}${href}`);
    await origin.screenshot({ path: `${ARTIFACTS}/storefront-5-origin.png`, fullPage: true });
    await origin.close();
    // What the visitor's Durable Object stored, read back through the visitor's own export.
    for (let i = 0; i < 30 && !click.stored; i++) {
      const exported = (await (
        await context.request.get(`${stack.workerUrl}/__vitrine/v1/privacy/export`)
      ).json()) as { devices: { deviceStorage: { touchpoints: { type: string }[] } }[] };
      click.stored = exported.devices[0]?.deviceStorage.touchpoints.find(
        (t) => t.type === "slot_click",
      );
      if (!click.stored) await page.waitForTimeout(100);
    }
    await context.close();
  });

  it("the tracker reports the click as a slot_click event", () => {
    expect(click.pageErrors).toEqual([]);
    expect(click.stored).toMatchObject({
      type: "slot_click",
      data: { slot: "recommendations", variant: clickedVariant, href: click.href },
    });
  });

  it("personalizes a single-page shop's client-side routes through the typed client", async () => {
    const context = await browser.newContext({ userAgent: USER_AGENT });
    const page = await context.newPage();
    const spaVisitor = await consentingVisitor(context, page);
    await page.goto(`${stack.workerUrl}/spa`);
    const status = page.locator("#spa-status");
    await expect.poll(() => status.getAttribute("data-mode")).toBe("personalized");
    let fullLoads = 0;
    page.on("load", () => fullLoads++);
    const link = page.locator("#spa-root a[data-spa]").first();
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await page.waitForURL(`${stack.workerUrl}${href}`);
    // A client-side route: no page load, a fresh decision for the product route applied.
    await expect.poll(() => status.getAttribute("data-path")).toBe(href);
    expect(fullLoads).toBe(0);
    const variants = ((await status.getAttribute("data-variants")) ?? "")
      .split(" ")
      .filter(Boolean);
    expect(variants.length).toBeGreaterThan(0);
    // Every decision the shell has a slot for was applied with its marks.
    const applied = await page
      .locator("[data-vt-variant]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-vt-variant")));
    expect(applied.length).toBeGreaterThan(0);
    for (const variant of applied) expect(variants).toContain(variant);
    await shot(page, "spa-1-product-route");
    // The route was recorded in the visitor's journey like a page view.
    const exported = (await (
      await context.request.get(`${stack.workerUrl}/__vitrine/v1/privacy/export`)
    ).json()) as {
      subject: { visitorIds: string[] };
      devices: { deviceStorage: { touchpoints: { type: string; path: string }[] } }[];
    };
    expect(exported.subject.visitorIds).toEqual([spaVisitor]);
    const paths = exported.devices[0]!.deviceStorage.touchpoints.filter(
      (t) => t.type === "page_view",
    ).map((t) => t.path);
    expect(paths).toContain(href);
    await context.close();
  });

  it("lets an admin log in with the token and browse the dashboard pages", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${stack.workerUrl}/__vitrine/dashboard/attribution`);
    expect(page.url()).toContain("/__vitrine/dashboard/login");
    await shot(page, "dashboard-1-login");
    await page.fill("#token", "not-the-token");
    await page.click("text=Log in with the token");
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not the admin token/);
    await page.fill("#token", stack.adminToken);
    await page.click("text=Log in with the token");
    // Back where the visitor wanted to go.
    await page.waitForURL(`${stack.workerUrl}/__vitrine/dashboard/attribution`);
    expect(await page.locator("h1").textContent()).toBe("Attribution");
    expect(await page.locator("svg.chart").count()).toBeGreaterThan(0);
    await shot(page, "dashboard-2-attribution");

    await page.click("nav >> text=Overview");
    expect(await page.locator("h1").textContent()).toBe("Overview");
    expect(await page.locator(".card").count()).toBe(6);
    await shot(page, "dashboard-3-overview");

    await page.click("nav >> text=Experiments");
    await page.click('tr[data-experiment="__holdout"] a');
    expect(await page.locator("h1").textContent()).toBe("Personalization vs global holdout");
    expect(await page.locator("svg.chart").count()).toBeGreaterThanOrEqual(4);
    await shot(page, "dashboard-4-experiment");

    await page.click("nav >> text=Segments");
    await shot(page, "dashboard-5-segments");

    // The consenting visitor from the storefront, as Turso holds them (consent audit log).
    await page.click("nav >> text=Customer view");
    await page.fill("input[name=id]", visitorId);
    await page.click("form >> text=Look up");
    expect(await page.locator(`tr[data-visitor="${visitorId}"]`).count()).toBe(1);
    await expect(page.locator("text=Consent history").isVisible()).resolves.toBe(true);
    await shot(page, "dashboard-6-customer");

    await page.click("nav >> text=Recommendations");
    await shot(page, "dashboard-7-recommendations");
    // Events flow tracker -> events API -> Durable Object -> Turso: wait for the flush.
    let clicks = 0;
    for (let i = 0; i < 30 && clicks < 1; i++) {
      await page.reload();
      const cell = page.locator(`tr[data-variant="${clickedVariant}"] td[data-clicks]`);
      clicks = (await cell.count()) ? Number(await cell.first().getAttribute("data-clicks")) : 0;
      if (clicks < 1) await new Promise((r) => setTimeout(r, 2000));
    }
    expect(clicks).toBeGreaterThanOrEqual(1);
    await shot(page, "dashboard-8-recommendations-after-click");
    await context.close();
  });
});
