import { env } from "cloudflare:test";
import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../../schema/index.ts";
import demoConfig from "../../../seeds/config/demo-config.json";
import * as clock from "../clock.ts";
import { CONFIG_POINTER, forgetActiveConfig } from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import type { Persona } from "../decide/persona.ts";
import { PERSONA_VISITOR_ID } from "../decide/persona.ts";
import { createPersonaToken } from "../identity/preview-token.ts";
import { profileKey } from "../kv-keys.ts";
import { settingsOf } from "../settings.ts";
import {
  ADMIN,
  call,
  consenting,
  demoProductPath,
  SHOP,
  signedCookie,
} from "../test-support/requests.ts";
import type { PersonaPreview } from "./admin-persona.ts";

const API = "/__vitrine/v1/admin/preview/persona";
const DASH = "/__vitrine/dashboard";
const run = crypto.randomUUID().slice(0, 8);
const db = createDb(settingsOf(env));

const methodical: Persona = {
  buyerMode: "methodical",
  segments: ["returning"],
  visitCount: 3,
  cartItems: 2,
  cartValueCents: 5998,
  device: "mobile",
  channel: "email",
};
const spontaneous: Persona = { buyerMode: "spontaneous", device: "desktop" };

const post = (body: unknown, headers: Record<string, string> = ADMIN) =>
  call(API, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** A dashboard form post from the dashboard's own origin. */
const form = (fields: Record<string, string>, headers: Record<string, string>): RequestInit => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers: { ...headers, origin: SHOP, "content-type": "application/x-www-form-urlencoded" },
  redirect: "manual",
});

/** Records a config version as a draft (the active one stays), through the dashboard. */
async function draft(config: unknown): Promise<number> {
  const res = await call(
    `${DASH}/config/draft`,
    form({ config: JSON.stringify(config), message: `persona test ${run}` }, ADMIN),
  );
  expect(res.status, res.text).toBe(200);
  return Number(/Saved version (\d+) as a draft/.exec(res.text)![1]);
}

const slotOf = (preview: PersonaPreview, slot: string) =>
  preview.slots.find((s) => s.slot === slot)!;
const candidate = (preview: PersonaPreview, slot: string, variant: string) =>
  slotOf(preview, slot).candidates.find((c) => c.variant === variant)!;
/** The preview link as a path on the shop, for `call`. */
const pathOf = (url: string) => url.slice(SHOP.length);

let demoVersion = 0;
let productPath = "";
let previousActive: string | null = null;

beforeAll(async () => {
  previousActive = await env.CONFIG.get(CONFIG_POINTER);
  // A normal page view (the control below) needs an active config; other files publish the demo.
  if (!previousActive) {
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(demoConfig),
    });
    expect(res.status).toBe(201);
    forgetActiveConfig();
  }
  // Previews name their version: whatever other files publish meanwhile, this one is the demo.
  demoVersion = await draft(demoConfig);
  productPath = await demoProductPath();
});

afterAll(async () => {
  if (!previousActive) return;
  await call("/__vitrine/v1/admin/config/rollback", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ version: Number(previousActive), message: "test cleanup" }),
  });
});

describe("persona preview API", () => {
  it("two personas see different variants on the same page, with the engine's reasons", async () => {
    const a = await post({ path: productPath, persona: methodical, configVersion: demoVersion });
    const b = await post({ path: productPath, persona: spontaneous, configVersion: demoVersion });
    expect(a.status, a.text).toBe(200);
    expect(b.status, b.text).toBe(200);
    const ra = JSON.parse(a.text) as PersonaPreview;
    const rb = JSON.parse(b.text) as PersonaPreview;
    expect(ra).toMatchObject({ configVersion: demoVersion, pageType: "product", decision: "ok" });

    expect(slotOf(ra, "product-extras").winner).toBe("methodical-trust");
    expect(candidate(ra, "product-extras", "methodical-trust")).toMatchObject({
      outcome: "won",
      reason: "rule matched: profile.topMode=methodical",
    });
    expect(candidate(ra, "promo-banner", "spontaneous-offer")).toMatchObject({
      outcome: "rule_not_matched",
      reason: "topMode is methodical, rule wants spontaneous",
    });

    expect(slotOf(rb, "promo-banner").winner).toBe("spontaneous-offer");
    expect(slotOf(rb, "product-extras").winner).not.toBe("methodical-trust");
    expect(candidate(rb, "product-extras", "methodical-trust")).toMatchObject({
      outcome: "rule_not_matched",
      reason: "topMode is spontaneous, rule wants methodical",
    });
    // Slots of other page types are listed, and say so.
    expect(slotOf(ra, "hero").candidates[0]).toMatchObject({ outcome: "not_on_page" });

    // The signed links render the same decisions, privately.
    const pageA = await call(pathOf(ra.url));
    const pageB = await call(pathOf(rb.url));
    for (const page of [pageA, pageB]) {
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      expect(page.headers.get("x-vitrine")).toBe("persona-preview");
      expect(page.headers.get("x-vitrine-preview")).toBe(`persona; config=${demoVersion}`);
      expect(page.headers.get("set-cookie")).toBeNull();
      // No tracker: the preview is not a visit.
      expect(page.text).not.toContain("tracker.js");
    }
    expect(pageA.text).toContain('data-vt-variant="methodical-trust"');
    expect(pageA.text).not.toContain('data-vt-variant="spontaneous-offer"');
    expect(pageB.text).toContain('data-vt-variant="spontaneous-offer"');
    expect(pageB.text).not.toContain('data-vt-variant="methodical-trust"');
  });

  it("decides with a draft version when asked, not the active config", async () => {
    // The draft shows the trust module to spontaneous buyers too.
    const changed = structuredClone(demoConfig) as typeof demoConfig;
    changed.variants["methodical-trust"].when = {
      field: "profile.topMode",
      op: "in",
      value: ["methodical", "spontaneous"],
    } as never;
    const draftVersion = await draft(changed);
    const onDraft = JSON.parse(
      (await post({ path: productPath, persona: spontaneous, configVersion: draftVersion })).text,
    ) as PersonaPreview;
    expect(onDraft.configVersion).toBe(draftVersion);
    expect(slotOf(onDraft, "product-extras").winner).toBe("methodical-trust");
    const page = await call(pathOf(onDraft.url));
    expect(page.text).toContain('data-vt-variant="methodical-trust"');
  });

  it("records nothing: no page view, profile or event for the visitor or the persona", async () => {
    const visitorId = "55555555-eeee-4eee-8eee-555555555555";
    const sessionId = `sess-${run}`;
    const headers = await consenting(visitorId, [
      await signedCookie("vt_sid", `${sessionId}~${clock.now()}`),
    ]);
    const ids = [visitorId, PERSONA_VISITOR_ID];
    const pageViews = async (id: string) =>
      (await env.VISITOR.get(env.VISITOR.idFromName(id)).state(sessionId, clock.now())).session
        .pageViews;
    const stored = async () => ({
      views: await Promise.all(ids.map(pageViews)),
      profiles: await Promise.all(ids.map((id) => env.PROFILES.get(profileKey(id)))),
      events: (
        await db
          .select({ n: sql<number>`count(*)` })
          .from(events)
          .where(inArray(events.visitorId, ids))
      )[0]!.n,
    });
    const before = await stored();
    expect(before.views).toEqual([0, 0]);

    const { url } = JSON.parse(
      (await post({ path: productPath, persona: methodical, configVersion: demoVersion })).text,
    ) as PersonaPreview;
    // With the visitor's own cookies, as in the dashboard's frame.
    const preview = await call(pathOf(url), { headers });
    expect(preview.text).toContain('data-vt-variant="methodical-trust"');
    expect(await stored()).toEqual(before);

    // The same page without the token is a visit, and is recorded: the check above can see one.
    await call(productPath, { headers });
    expect(await pageViews(visitorId)).toBe(1);
  });

  it("answers bad input with a 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ path: "no-slash", persona: {} }, "path"],
      [{ path: "/", persona: { device: "fridge" } }, "persona.device"],
      [{ path: "/", persona: { cartItems: -1 } }, "persona.cartItems"],
      [{ path: "/", persona: { date: "27/11/2026" } }, "persona.date"],
      [{ path: "/", persona: { segments: ["Not A Segment!"] } }, "persona.segments.0"],
      [{ path: "/", persona: {}, configVersion: "latest" }, "configVersion"],
      [{ path: "/" }, "persona"],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = JSON.parse(res.text) as { code: string; message: string; details: unknown };
      expect(json.code).toBe("invalid_persona_preview");
      expect(json.details).toEqual({ field });
      expect(json.message.startsWith(`${field}: `)).toBe(true);
    }
    // A field the persona does not know is refused, not ignored.
    const unknown = await post({ path: "/", persona: { deviceType: "mobile" } });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("deviceType");
    const missing = await post({ path: "/", persona: {}, configVersion: 987654 });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({
      code: "unknown_version",
      details: { field: "configVersion" },
    });
  });

  it("a forged, tampered or expired token applies no persona", async () => {
    const secret = settingsOf(env).cookieSecret;
    const later = clock.now() + 600_000;
    const forged = await createPersonaToken(
      methodical,
      demoVersion,
      later,
      "not-the-secret-000000",
    );
    const expired = await createPersonaToken(methodical, demoVersion, clock.now() - 1, secret);
    const { url } = JSON.parse(
      (await post({ path: productPath, persona: spontaneous, configVersion: demoVersion })).text,
    ) as PersonaPreview;
    const token = new URL(url).searchParams.get("vt_preview")!;
    const parts = token.split(".");
    const other = (await createPersonaToken(methodical, demoVersion, later, secret)).split(".");
    // The spontaneous token's signature on the methodical persona.
    const tampered = [...parts.slice(0, 3), other[3], parts[4]].join(".");
    for (const [bad, why] of [
      [forged, "forged"],
      [expired, "expired"],
      [tampered, "forged"],
    ] as const) {
      const page = await call(`${productPath}?vt_preview=${bad}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("x-vitrine-preview")).toBe(`refused; ${why}`);
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      expect(page.text).not.toContain('data-vt-variant="methodical-trust"');
      expect(page.text).not.toContain("data-vt-variant=");
    }
  });
});

describe("persona preview access", () => {
  async function userCookie(role: "viewer" | "editor"): Promise<string> {
    const email = `persona-${role}-${run}@shop.example`;
    const password = "correct horse battery staple";
    const created = await call("/__vitrine/v1/admin/users", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ email, role, name: `${role} ${run}`, password }),
    });
    expect(created.status, created.text).toBe(201);
    const login = await call(`${DASH}/login`, form({ email, password, next: DASH }, {}));
    expect(login.status, login.text).toBe(303);
    return login.headers.get("set-cookie")!.split(";")[0]!;
  }

  const fields = () => ({
    path: productPath,
    configVersion: String(demoVersion),
    "a.buyerMode": "methodical",
    "a.device": "mobile",
    "a.segments": "returning",
    "a.cartItems": "2",
    "b.buyerMode": "spontaneous",
  });

  it("needs the admin token for the API, and the editor role in the dashboard", async () => {
    expect((await post({ path: "/", persona: {} }, {})).status).toBe(401);
    const viewer = await userCookie("viewer");
    const refused = await call(`${DASH}/persona`, form(fields(), { cookie: viewer }));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ code: "forbidden" });
    // A viewer sees the form, told what it needs.
    const page = await call(`${DASH}/persona`, { headers: { cookie: viewer } });
    expect(page.status).toBe(200);
    expect(page.text).toContain("needs the editor role");

    const editor = await userCookie("editor");
    const shown = await call(`${DASH}/persona`, form(fields(), { cookie: editor }));
    expect(shown.status, shown.text).toBe(200);
    expect(shown.headers.get("content-security-policy")).toContain("frame-src 'self'");
    // Both personas: the page in a frame and the why table, row per candidate.
    expect(shown.text).toMatch(
      /<iframe src="https:\/\/shop\.example\/p\/[^"]*vt_preview=persona\./,
    );
    expect(shown.text).toMatch(
      /<div class="panel" data-result="a">[\s\S]*data-slot="product-extras" data-variant="methodical-trust" data-outcome="won"/,
    );
    expect(shown.text).toMatch(
      /<div class="panel" data-result="b">[\s\S]*data-slot="promo-banner" data-variant="spontaneous-offer" data-outcome="won"/,
    );
    // Slots a product page never has are named on one line, not a row per variant.
    expect(shown.text).not.toContain('data-slot="hero"');
    expect(shown.text).toMatch(/data-elsewhere="true">Not on a product page: [^<]*\bhero\b/);
    // Bad input comes back as the form with the field named.
    const bad = await call(
      `${DASH}/persona`,
      form({ ...fields(), "b.country": "France" }, { cookie: editor }),
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Persona B: persona.country: must be a two-letter country code");
  });

  it("opens from the editor's link with the saved draft and the page filled in", async () => {
    // The draft has a variant the active config does not: it is offered as "already shown".
    const changed = structuredClone(demoConfig) as typeof demoConfig & {
      variants: Record<string, unknown>;
    };
    const added = `editor-note-${run}`;
    changed.variants[added] = { slot: "product-extras", priority: 1, template: "<p>Note</p>" };
    const version = await draft(changed);
    const url = `${DASH}/persona?configVersion=${version}&path=${encodeURIComponent(productPath)}`;
    const page = await call(url, { headers: ADMIN });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain(`name="configVersion" value="${version}"`);
    expect(page.text).toContain(`name="path" value="${productPath}"`);
    expect(page.text).toContain(`<option value="${added}">${added}</option>`);
    // ... and it is in the dashboard's navigation, next to the editor.
    expect(page.text).toMatch(
      /href="\/__vitrine\/dashboard\/editor">Editor<\/a><a href="\/__vitrine\/dashboard\/persona" aria-current="page">Persona<\/a>/,
    );
    const active = await call(`${DASH}/persona`, { headers: ADMIN });
    expect(active.text).not.toContain(`value="${added}"`);
    // A link that does not name a page or a recorded version says which field is wrong.
    const notNumber = await call(`${DASH}/persona?configVersion=draft`, { headers: ADMIN });
    expect(notNumber.status).toBe(400);
    expect(notNumber.text).toContain("configVersion: must be a config version number");
    const unknown = await call(`${DASH}/persona?configVersion=99999999`, { headers: ADMIN });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("configVersion: version 99999999 is not a recorded");
    const offsite = await call(`${DASH}/persona?path=${encodeURIComponent("//evil.example/")}`, {
      headers: ADMIN,
    });
    expect(offsite.status).toBe(400);
    expect(offsite.text).toContain("path: must be a path on the shop");
  });
});
