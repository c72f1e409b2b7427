import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../stack.ts";
import { startBrowserStack } from "./local-stack.ts";

/**
 * The visual editor in Chromium, against the whole local stack: a variant is built from
 * nothing by clicking (open a product page, pick an element, write the template, build the
 * rule), saved as a draft, previewed as two personas on the Persona page (one sees it, one
 * does not, each with the engine's reasons), validated and published through the Config page,
 * and then a consenting visitor who matches the rule sees it while one who does not, does not.
 *
 * `VITRINE_SCREENSHOTS=1` saves each editor step to docs/images/editor-*.png (the docs show
 * them); without it nothing under docs/ is written, so CI never rewrites the images.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const DATA_DIR = ".data/browser-editor";
const IMAGES = process.env.VITRINE_SCREENSHOTS === "1" ? `${root}docs/images` : null;

// Not "HeadlessChrome" (a bot to Vitrine, never personalized): a desktop and a phone browser.
const DESKTOP_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
const PHONE_UA =
  "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36";

const VARIANT = "mobile-express";
const SLOT = "product-price-note";
const TEMPLATE =
  '<p class="vt-note">{{product.name}}: free express delivery when you order by phone</p>';

let stack: Stack;
let browser: Browser;
const log: string[] = [];

/** A screenshot of one part of the page for the docs, only when asked for. */
async function shot(target: Page | Locator, name: string) {
  if (!IMAGES) return;
  await target.screenshot({ path: `${IMAGES}/editor-${name}.png`, animations: "disabled" });
}

describe("the visual editor in Chromium", () => {
  beforeAll(async () => {
    if (IMAGES) mkdirSync(IMAGES, { recursive: true });
    // Data of its own: the other browser suite has its own too.
    ({ stack, browser } = await startBrowserStack(DATA_DIR, (line) => log.push(line)));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Consents on the home page; a visitor who lands in the holdout starts over. */
  async function consentingVisitor(context: BrowserContext, page: Page): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      await context.clearCookies();
      await page.goto(`${stack.workerUrl}/`);
      const banner = page.locator('[data-vt-variant="consent-banner"]');
      await expect(banner.count()).resolves.toBe(1);
      await banner.getByRole("button", { name: "Yes, personalize" }).click();
      await page.waitForURL(`${stack.workerUrl}/`);
      const mode = (await page.reload())?.headers()["x-vitrine"];
      if (mode === "holdout") continue;
      expect(mode).toBe("personalized");
      return;
    }
    throw new Error("every new visitor landed in the holdout");
  }

  let productPath = "";
  let published = 0;
  const pageErrors: string[] = [];
  // The editor tab, shared by the steps: built and saved, previewed, then published.
  let editor: BrowserContext;
  let page: Page;
  let savedDraft = 0;

  it("builds a variant by clicking: page, element, template, rule; then saves it as a draft", async () => {
    const home = await (await fetch(`${stack.shopUrl}/`)).text();
    productPath = /href="(\/p\/[^"]+)"/.exec(home)![1]!;

    editor = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    page = await editor.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${stack.workerUrl}/__vitrine/dashboard/editor`);
    await page.fill("#token", stack.adminToken);
    await page.click("text=Log in with the token");
    await page.waitForURL(`${stack.workerUrl}/__vitrine/dashboard/editor`);
    await page.waitForSelector("#editor[data-ready=true]");

    // 1. The product page in the editor's frame; hover, then click the price.
    await page.fill("#editor-path", productPath);
    await page.click("#open-button");
    await expect
      .poll(() => page.locator("#editor").getAttribute("data-frame-ready"))
      .toBe(productPath);
    const frame = page.frameLocator("#editor-frame");
    const price = frame.locator(".product div.price");
    await price.hover();
    expect(await price.getAttribute("style")).toMatch(/dashed/);
    await price.click();
    // The picked element is outlined, its selector is short and matches it alone.
    expect(await price.getAttribute("style")).toMatch(/solid/);
    const selector = await page.inputValue("#slot-selector");
    expect(selector).toBe("div.price");
    await expect.poll(() => page.locator("#selector-status").getAttribute("data-count")).toBe("1");
    // ... and the other page types were counted too, each from a sample page.
    const rows = page.locator("#selector-counts tr[data-page-type]");
    expect(await rows.count()).toBeGreaterThanOrEqual(5);
    expect(
      await page
        .locator('#selector-counts tr[data-page-type="home"] td[data-count]')
        .getAttribute("data-count"),
    ).toBe("0");
    // The product page type is preselected for the slot.
    expect(await page.isChecked('input[name=pageTypes][value="product"]')).toBe(true);
    await page.selectOption("#slot-action", "after");
    await page.fill("#slot-id", SLOT);
    await shot(page.locator("#step-place"), "1-pick");

    // 2. The template, checked as it is typed: an event handler is refused and explained.
    await page.fill("#variant-id", VARIANT);
    await page.fill("#variant-template", '<p class="vt-note" onclick="steal()">Express</p>');
    const refusal = page.locator('#template-check [data-kind="event-handler"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/onclick/);
    await shot(page.locator("#step-content"), "2-template-refused");
    await page.fill("#variant-template", TEMPLATE);
    await expect.poll(() => page.locator("#template-check").getAttribute("data-ok")).toBe("true");
    await page.fill("#variant-priority", "20");
    await page.fill("#variant-cap", "5");
    await shot(page.locator("#step-content"), "2-template");

    // 3. Who sees it: device = mobile, from the dropdowns; the JSON follows.
    await page.click('#rule-builder button[data-add="condition"]');
    const row = page.locator("#rule-builder [data-cond]").first();
    await row.locator("select.rule-field").selectOption("context.device");
    await row.locator("select.rule-op").selectOption("eq");
    await row.locator("select.rule-value").selectOption("mobile");
    const ruleOf = async () => JSON.parse(await page.inputValue("#rule-json"));
    expect(await ruleOf()).toEqual({
      all: [{ field: "context.device", op: "eq", value: "mobile" }],
    });
    // Two-way: a rule typed as JSON shows up in the builder.
    await page.fill(
      "#rule-json",
      JSON.stringify({
        any: [
          { field: "context.device", op: "eq", value: "mobile" },
          { field: "context.device", op: "eq", value: "tablet" },
        ],
      }),
    );
    await expect.poll(() => page.locator("#rule-builder [data-cond]").count()).toBe(2);
    expect(await page.locator("#rule-builder select.rule-mode").first().inputValue()).toBe("any");
    await shot(page.locator("#step-audience"), "3-rule");
    // ... and the builder writes it back: removing the tablet condition.
    await page
      .locator("#rule-builder [data-cond]")
      .nth(1)
      .getByRole("button", { name: "Remove" })
      .click();
    expect(await ruleOf()).toEqual({
      any: [{ field: "context.device", op: "eq", value: "mobile" }],
    });

    // 4. No experiment this time; the place for one is there.
    expect(await page.isChecked("#exp-enabled")).toBe(false);

    // 5. The draft: the active config plus the slot and variant, handed to the Config page.
    await page.click("#build-draft");
    await expect.poll(() => page.locator("#draft-status").getAttribute("data-ok")).toBe("true");
    const draft = JSON.parse(await page.inputValue("#draft-config"));
    expect(draft.slots[SLOT]).toEqual({ selector, action: "after", pageTypes: ["product"] });
    expect(draft.variants[VARIANT]).toMatchObject({
      slot: SLOT,
      template: TEMPLATE,
      priority: 20,
      frequencyCap: { perSession: 5 },
      when: { any: [{ field: "context.device", op: "eq", value: "mobile" }] },
    });
    // Saved through the Config page's own route; the editor stays, with its draft. Without a
    // message the route refuses, and the editor says why.
    await page.fill("#draft-message", "");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.locator("#draft-saved .refusal").waitFor();
    expect(await page.locator("#draft-saved .refusal").textContent()).toBe(
      "Not saved: message: say what this change is for",
    );
    expect(await page.isHidden("#persona-ready")).toBe(true);
    await page.fill("#draft-message", "Express delivery note for phone shoppers");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await expect
      .poll(() => page.locator("#draft-saved").getAttribute("data-version"))
      .toMatch(/^\d+$/);
    savedDraft = Number(await page.locator("#draft-saved").getAttribute("data-version"));
    expect(savedDraft).toBeGreaterThan(1);
    expect(await page.inputValue("#draft-config")).toContain(`"${VARIANT}"`);
    expect(await page.locator("#persona-link").textContent()).toBe(
      `Preview version ${savedDraft} as personas`,
    );
    await shot(page.locator("#step-draft"), "4-draft");
  });

  it("previews the draft as two personas who see different things (Persona page)", async () => {
    expect(savedDraft).toBeGreaterThan(1);
    // The editor's link opens the Persona page with the saved draft and the page filled in.
    const [persona] = await Promise.all([editor.waitForEvent("page"), page.click("#persona-link")]);
    persona.on("pageerror", (e) => pageErrors.push(e.message));
    await persona.waitForLoadState();
    expect(await persona.inputValue('input[name="configVersion"]')).toBe(String(savedDraft));
    expect(await persona.inputValue('input[name="path"]')).toBe(productPath);
    // A: a phone; B: a desktop. Everything else as a first visit.
    await persona.selectOption('select[name="a.device"]', "mobile");
    await persona.selectOption('select[name="b.device"]', "desktop");
    await persona.getByRole("button", { name: "Preview", exact: true }).click();
    await persona.waitForSelector('[data-result="b"]');

    // Both decided on the draft, not the active config.
    for (const side of ["a", "b"])
      expect(
        await persona.locator(`[data-result="${side}"] p.muted`).first().textContent(),
      ).toContain(`Config version ${savedDraft}, a product page`);
    // A's page (the signed preview in the frame) shows the note; B's does not.
    const noteIn = (side: string) =>
      persona
        .frameLocator(`[data-result="${side}"] iframe`)
        .locator(`[data-vt-variant="${VARIANT}"]`);
    await expect.poll(() => noteIn("a").count()).toBe(1);
    expect(await noteIn("a").textContent()).toMatch(
      /: free express delivery when you order by phone$/,
    );
    const priceB = persona.frameLocator('[data-result="b"] iframe').locator(".product div.price");
    await expect.poll(() => priceB.count()).toBe(1);
    expect(await noteIn("b").count()).toBe(0);
    // Both frames scrolled to the price: A's note right under it, B's price alone.
    // (The frames run no scripts, so no rAF: Playwright's own scrolling would wait forever.)
    for (const target of [noteIn("a"), priceB])
      await target.evaluate((e) => e.scrollIntoView({ block: "center" }));
    // The why table: the variant won for A, by its rule; for B its rule did not match, on device.
    const row = (side: string) =>
      persona.locator(`[data-result="${side}"] tr[data-slot="${SLOT}"][data-variant="${VARIANT}"]`);
    expect(await row("a").getAttribute("data-outcome")).toBe("won");
    expect(await row("a").locator("td").nth(3).textContent()).toMatch(/^rule matched: .*device/);
    expect(await row("b").getAttribute("data-outcome")).toBe("rule_not_matched");
    expect(await row("b").locator("td").nth(3).textContent()).toContain(
      "device is desktop, rule wants mobile",
    );
    await shot(persona.locator("[data-results]"), "persona");
    await persona.close();
  });

  it("validates and publishes the draft from the editor", async () => {
    expect(savedDraft).toBeGreaterThan(1);
    await page.bringToFront();
    await page.getByRole("button", { name: "Validate and show changes" }).click();
    await page.waitForURL(`${stack.workerUrl}/__vitrine/dashboard/config/validate`);
    await expect(page.getByRole("status").textContent()).resolves.toMatch(/The draft is valid/);
    const added = await page.locator('[data-diff] [data-op="add"]').allTextContents();
    expect(added.join("\n")).toContain(`"${VARIANT}"`);
    await shot(page, "5-diff");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const notice = (await page.getByRole("status").textContent()) ?? "";
    published = Number(/Published version (\d+)/.exec(notice)?.[1]);
    expect(published).toBeGreaterThan(1);
    expect(await page.locator(`tr[data-version="${published}"]`).textContent()).toContain(
      "Express delivery note for phone shoppers",
    );
    // The draft the personas saw stays on record, unpublished.
    expect(await page.locator(`tr[data-version="${savedDraft}"] .badge`).textContent()).toBe(
      "draft",
    );
    await editor.close();
    expect(pageErrors).toEqual([]);
  });

  /** The product page until the published config is live in the Worker (it polls KV). */
  async function productPage(page: Page, until: (page: Page) => Promise<boolean>) {
    for (let i = 0; i < 30; i++) {
      const res = await page.goto(`${stack.workerUrl}${productPath}`);
      expect(res?.headers()["x-vitrine"]).toBe("personalized");
      if (await until(page)) return;
      await page.waitForTimeout(500);
    }
  }
  const variantOn = (page: Page) => page.locator(`[data-vt-variant="${VARIANT}"]`);

  it("shows the change to a consenting visitor on a phone", async () => {
    expect(published).toBeGreaterThan(1);
    const context = await browser.newContext({
      viewport: { width: 412, height: 915 },
      userAgent: PHONE_UA,
      isMobile: true,
      hasTouch: true,
      extraHTTPHeaders: { "sec-ch-ua-mobile": "?1" },
    });
    const page = await context.newPage();
    await consentingVisitor(context, page);
    await productPage(page, async (p) => (await variantOn(p).count()) === 1);
    const note = variantOn(page);
    expect(await note.count()).toBe(1);
    const name = await page.locator(".product h1").textContent();
    expect(await note.textContent()).toBe(`${name}: free express delivery when you order by phone`);
    // Right after the price, where it was picked.
    expect(
      await page
        .locator(".product div.price")
        .evaluate((e) => e.nextElementSibling?.getAttribute("data-vt-variant") ?? null),
    ).toBe(VARIANT);
    await note.scrollIntoViewIfNeeded();
    await shot(page, "6-visitor-phone");
    await context.close();
  });

  it("does not show it to a consenting visitor on a desktop", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      userAgent: DESKTOP_UA,
      extraHTTPHeaders: { "sec-ch-ua-mobile": "?0" },
    });
    const page = await context.newPage();
    await consentingVisitor(context, page);
    // Personalized (other variants apply), yet not this one: the rule says phones.
    await productPage(page, async () => true);
    expect(await page.locator(".product div.price").count()).toBe(1);
    expect(await variantOn(page).count()).toBe(0);
    await shot(page, "7-visitor-desktop");
    await context.close();
  });
});
