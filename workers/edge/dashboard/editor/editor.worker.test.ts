import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import demoConfig from "../../../../seeds/config/demo-config.json";
import { configVersions } from "../../../../schema/index.ts";
import { CONFIG_POINTER, configKey } from "../../config/config-store.ts";
import { createDb } from "../../db/client.ts";
import { settingsOf } from "../../settings.ts";
import { FAKE_ORIGIN, fakeOriginEnv, interceptFetch } from "../../test-support/fake-origin.ts";
import { ADMIN, BROWSER_UA, call, demoProductPath, SHOP } from "../../test-support/requests.ts";

const DASH = "/__vitrine/dashboard";
const EDITOR = `${DASH}/editor`;
const run = crypto.randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery staple";
const db = createDb(settingsOf(env));

const cookies = { viewer: "", editor: "" };

async function userCookie(role: "viewer" | "editor"): Promise<string> {
  const email = `editor-page-${role}-${run}@shop.example`;
  const created = await call("/__vitrine/v1/admin/users", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ email, role, name: `${role} ${run}`, password: PASSWORD }),
  });
  expect(created.status, created.text).toBe(201);
  const login = await call(`${DASH}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password: PASSWORD, next: DASH }),
    headers: { origin: SHOP, "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  expect(login.status, login.text).toBe(303);
  return login.headers.get("set-cookie")!.split(";")[0]!;
}

/** A GET from a logged-in browser. */
const get = (path: string, cookie: string, bindings: Env = env) =>
  call(path, { headers: { cookie, "user-agent": BROWSER_UA, accept: "text/html" } }, bindings);

/** What the island sends: JSON from the dashboard's own origin. */
const postJson = (
  route: string,
  body: unknown,
  cookie: string,
  headers: Record<string, string> = {},
) =>
  call(`${EDITOR}${route}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { origin: SHOP, "content-type": "application/json", cookie, ...headers },
  });

const json = <T = Record<string, unknown>>(r: { text: string }) => JSON.parse(r.text) as T;

let productPath = "";

beforeAll(async () => {
  if (!(await env.CONFIG.get(CONFIG_POINTER))) {
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(demoConfig),
    });
    expect(res.status).toBe(201);
  }
  cookies.viewer = await userCookie("viewer");
  cookies.editor = await userCookie("editor");
  productPath = await demoProductPath();
});

afterEach(() => vi.restoreAllMocks());

describe("the editor page", () => {
  it("shows a viewer the page with the engine's fields, its island and a frame it may load", async () => {
    const page = await get(EDITOR, cookies.viewer);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // The choices come from fields.ts: every typed field is offered, none invented.
    const raw = /data-choices="([^"]*)"/.exec(page.text)![1]!.replaceAll("&quot;", '"');
    const choices = JSON.parse(
      raw.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&"),
    );
    const names = (choices.fields as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "context.device",
        "profile.topMode",
        "session.cart.valueCents",
        "time.date",
      ]),
    );
    expect(choices.actions).toEqual([
      "replace",
      "append",
      "prepend",
      "before",
      "after",
      "remove",
      "setAttribute",
    ]);
    expect(page.text).toContain(`${EDITOR}/island.js`);
    expect(page.text).toContain('data-can-edit="false"');
    // A viewer gets no draft form.
    expect(page.text).not.toContain('id="draft-form"');
    const editorPage = await get(EDITOR, cookies.editor);
    expect(editorPage.text).toContain('id="draft-form"');

    const island = await get(`${EDITOR}/island.js`, cookies.viewer);
    expect(island.headers.get("content-type")).toMatch(/javascript/);
    expect(island.text).toContain("bestSelector");
    // The rest of the dashboard keeps its script-free, unframeable policy.
    const config = await get(`${DASH}/config`, cookies.viewer);
    expect(config.headers.get("content-security-policy")).toMatch(
      /default-src 'none'.*frame-ancestors 'none'/,
    );
  });

  it("needs a login", async () => {
    const res = await call(`${EDITOR}/count?selector=h1&path=/`);
    expect(res.status).toBe(401);
  });
});

describe("the framed shop page", () => {
  it("lets the dashboard frame a shop page, scripts off, while the shop's own page keeps its framing headers", async () => {
    const path = `/p/framed-${run}`;
    interceptFetch(
      () =>
        new Response(
          '<!doctype html><html><head><meta http-equiv="refresh" content="0;url=/elsewhere"><title>x</title></head><body><h1 class="title">Framed</h1><script>document.body.remove()</script></body></html>',
          {
            headers: {
              "content-type": "text/html; charset=utf-8",
              "x-frame-options": "DENY",
              "content-security-policy": "frame-ancestors 'none'; script-src 'self'",
              "set-cookie": "shop_session=abc; Path=/",
            },
          },
        ),
    );
    const framed = await get(
      `${EDITOR}/frame?path=${encodeURIComponent(path)}`,
      cookies.viewer,
      fakeOriginEnv(),
    );
    expect(framed.status).toBe(200);
    expect(framed.headers.get("x-frame-options")).toBeNull();
    expect(framed.headers.get("set-cookie")).toBeNull();
    const csp = framed.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(framed.text).toContain(`<base href="${path}">`);
    expect(framed.text).not.toContain('http-equiv="refresh"');
    expect(framed.text).toContain('<h1 class="title">Framed</h1>');

    // The same page through the proxy, as visitors get it: the shop's headers are untouched.
    const visitor = await call(
      path,
      { headers: { "user-agent": BROWSER_UA, accept: "text/html" } },
      fakeOriginEnv(),
    );
    expect(visitor.headers.get("x-frame-options")).toBe("DENY");
    expect(visitor.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("keeps a redirect inside the editor and refuses paths that are not the shop's", async () => {
    interceptFetch(
      () =>
        new Response(null, {
          status: 301,
          headers: { location: `${FAKE_ORIGIN}/p/new-${run}?a=1` },
        }),
    );
    const moved = await call(
      `${EDITOR}/frame?path=/p/old-${run}`,
      { headers: { cookie: cookies.viewer }, redirect: "manual" },
      fakeOriginEnv(),
    );
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(
      `${EDITOR}/frame?path=${encodeURIComponent(`/p/new-${run}?a=1`)}`,
    );
    for (const bad of ["/__vitrine/v1/health", "//evil.example/x", "p/no-slash"]) {
      const res = await get(`${EDITOR}/frame?path=${encodeURIComponent(bad)}`, cookies.viewer);
      expect(res.status, bad).toBe(400);
      expect(json<{ message: string }>(res).message).toMatch(/^path: /);
    }
  });
});

describe("selector counts", () => {
  /** The origin's own page, counted by a regex: an oracle independent of the rewriter. */
  const originCount = async (path: string, re: RegExp) => {
    const html = await (await fetch(`${inject("originUrl")}${path}`)).text();
    return html.match(re)?.length ?? 0;
  };

  it("counts on the page and on one sample page per page type, with the rewriter", async () => {
    const res = await get(
      `${EDITOR}/count?selector=${encodeURIComponent("article.card")}&path=${encodeURIComponent(productPath)}`,
      cookies.viewer,
    );
    expect(res.status, res.text).toBe(200);
    const { pages } = json<{ pages: { path: string; pageType: string; count: number | null }[] }>(
      res,
    );
    expect(pages[0]).toMatchObject({ path: productPath, pageType: "product" });
    const types = pages.map((p) => p.pageType);
    // Samples for the demo's page rules: parameterless ones as such, the others from home links.
    expect(types).toEqual(
      expect.arrayContaining(["product", "home", "category", "cart", "faq", "bestsellers"]),
    );
    expect(new Set(types).size).toBe(types.length);
    for (const p of pages) {
      expect(p.count, p.path).toBe(await originCount(p.path, /<article class="card[ "]/g));
    }
    expect(pages.find((p) => p.pageType === "home")!.count).toBeGreaterThan(0);
  });

  it("refuses selectors the rewriter cannot use or that target code", async () => {
    for (const [selector, why] of [
      ["a:hover", /rewriter cannot use it/],
      ["div script", /may not target <script>/],
      ["", /pick an element/],
    ] as const) {
      const res = await get(
        `${EDITOR}/count?selector=${encodeURIComponent(selector)}&path=/`,
        cookies.viewer,
      );
      expect(res.status, selector).toBe(400);
      expect(json<{ message: string }>(res).message).toMatch(why);
    }
  });
});

describe("the template check as you type", () => {
  const check = (template: string, action = "after", attribute?: string) =>
    postJson("/template", { template, action, attribute }, cookies.editor);

  it("passes a safe template and says which view roots it prints", async () => {
    const res = await check('<p class="note">{{product.name}} ships free</p>');
    expect(res.status, res.text).toBe(200);
    expect(json(res)).toMatchObject({ ok: true, kind: "html", refusals: [], uses: ["product"] });
  });

  it("explains refusals: raw HTML, event handlers, unsafe URLs", async () => {
    const kinds = async (template: string, action?: string, attribute?: string) => {
      const body = json<{ ok: boolean; refusals: { kind: string; hint: string }[] }>(
        await check(template, action, attribute),
      );
      expect(body.ok).toBe(false);
      for (const r of body.refusals) expect(r.hint.length).toBeGreaterThan(10);
      return body.refusals.map((r) => r.kind);
    };
    expect(await kinds("<p>{{{data.html}}}</p>")).toContain("raw-html");
    expect(await kinds('<p onclick="steal()">hi</p>')).toContain("event-handler");
    expect(await kinds('<a href="javascript:alert(1)">x</a>')).toContain("unsafe-url");
    expect(await kinds("<script>x</script>")).toContain("element");
    expect(await kinds("{{secret}}")).toContain("unknown-name");
    // setAttribute on a URL attribute: the value must be a path on the shop.
    expect(await kinds("https://evil.example/", "setAttribute", "href")).toContain("unsafe-url");
    expect(await kinds("x", "setAttribute", "onmouseover")).toContain("event-handler");
  });

  it("needs the editor role, JSON, and the dashboard's own origin", async () => {
    const body = { template: "<p>x</p>", action: "after" };
    expect((await postJson("/template", body, cookies.viewer)).status).toBe(403);
    const crossJson = await postJson("/template", body, cookies.editor, {
      origin: "https://evil.example",
    });
    expect(crossJson.status).toBe(403);
    const crossForm = await call(`${EDITOR}/template`, {
      method: "POST",
      body: new URLSearchParams({ template: "<p>x</p>", action: "after" }),
      headers: {
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookies.editor,
      },
    });
    expect(crossForm.status).toBe(403);
    const sameForm = await call(`${EDITOR}/template`, {
      method: "POST",
      body: "template=x&action=after",
      headers: {
        origin: SHOP,
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookies.editor,
      },
    });
    expect(sameForm.status).toBe(415);
    const badAction = await postJson(
      "/template",
      { template: "x", action: "explode" },
      cookies.editor,
    );
    expect(badAction.status).toBe(400);
    expect(json<{ message: string }>(badAction).message).toMatch(/^action: /);
  });
});

describe("the draft", () => {
  const change = (extra: Record<string, unknown> = {}) => ({
    slot: { id: `note-${run}`, selector: "div.price", action: "after", pageTypes: ["product"] },
    variant: {
      id: `mobile-note-${run}`,
      template: '<p class="note">Free express delivery</p>',
      priority: 10,
      frequencyCap: { perSession: 3 },
      when: { all: [{ field: "context.device", op: "eq", value: "mobile" }] },
    },
    ...extra,
  });
  const activeJson = async () => {
    const version = Number(await env.CONFIG.get(CONFIG_POINTER));
    return { version, config: JSON.parse((await env.CONFIG.get(configKey(version)))!) };
  };

  it("is the active config plus the slot and variant, valid, and goes through the Config page's own validate and save", async () => {
    const res = await postJson("/draft", change(), cookies.editor);
    expect(res.status, res.text).toBe(200);
    const draft = json<{
      ok: boolean;
      text: string;
      slotId: string;
      errors: string[];
      baseVersion: number;
    }>(res);
    expect(draft.errors).toEqual([]);
    expect(draft).toMatchObject({ ok: true, slotId: `note-${run}` });
    // Versions never change once stored: the one the draft was built on, whatever is active now.
    const base = JSON.parse((await env.CONFIG.get(configKey(draft.baseVersion)))!);
    const config = JSON.parse(draft.text);
    expect(config.slots[`note-${run}`]).toEqual({
      selector: "div.price",
      action: "after",
      pageTypes: ["product"],
    });
    expect(config.variants[`mobile-note-${run}`]).toMatchObject({
      slot: `note-${run}`,
      when: change().variant.when,
    });
    // Everything else is the active config as it was.
    const { [`note-${run}`]: _slot, ...slots } = config.slots;
    const { [`mobile-note-${run}`]: _variant, ...variants } = config.variants;
    expect({ ...config, slots, variants }).toEqual(base);

    // The Config page's validate shows the draft's diff; its save records it with the author.
    const form = (action: string, message = "") =>
      call(`${DASH}/config/${action}`, {
        method: "POST",
        body: new URLSearchParams({ config: draft.text, message }),
        headers: {
          origin: SHOP,
          "content-type": "application/x-www-form-urlencoded",
          cookie: cookies.editor,
        },
      });
    const validated = await form("validate");
    expect(validated.status).toBe(200);
    expect(validated.text).toContain("The draft is valid.");
    expect(validated.text).toMatch(new RegExp(`data-op="add">\\+ +&quot;mobile-note-${run}&quot;`));
    const saved = await form("draft", "Editor test draft");
    expect(saved.status, saved.text).toBe(200);
    const version = Number(/Saved version (\d+) as a draft/.exec(saved.text)![1]);
    const [row] = await db.select().from(configVersions).where(eq(configVersions.version, version));
    expect(row!.author).toBe(`editor ${run} <editor-page-editor-${run}@shop.example>`);
    expect(row!.note).toBe("Editor test draft");
    // A draft, not published.
    expect(row!.publishedAt).toBeNull();
  });

  it("reuses a slot on the same place, and wraps the variant in an experiment with a control arm", async () => {
    const active = await activeJson();
    const slots = active.config.slots as Record<string, { selector: string; action: string }>;
    // A place whose action takes HTML, like the note's template.
    const [slotId, slot] = Object.entries(slots).find(([, s]) =>
      ["replace", "append", "prepend", "before", "after"].includes(s.action),
    )!;
    const res = await postJson(
      "/draft",
      change({
        slot: {
          id: `unused-${run}`,
          selector: slot.selector,
          action: slot.action,
        },
        experiment: { id: `exp-${run}`, status: "running", allocation: 0.5, controlWeight: 0.3 },
      }),
      cookies.editor,
    );
    const draft = json<{ ok: boolean; text: string; slotId: string; errors: string[] }>(res);
    const config = JSON.parse(draft.text);
    expect(draft.slotId).toBe(slotId);
    expect(config.slots[`unused-${run}`]).toBeUndefined();
    expect(config.experiments[`exp-${run}`]).toEqual({
      status: "running",
      allocation: 0.5,
      arms: [
        { id: "control", weight: 0.3, variant: null },
        { id: `mobile-note-${run}`, weight: 0.7, variant: `mobile-note-${run}` },
      ],
    });
    expect(config.variants[`mobile-note-${run}`].experiment).toBe(`exp-${run}`);
    expect(draft.errors).toEqual([]);
    expect(draft.ok).toBe(true);
  });

  it("lists what is wrong by path, and never overwrites what the config has", async () => {
    const active = await activeJson();
    const taken = Object.keys(active.config.variants)[0]!;
    const errorsOf = async (body: unknown) => {
      const res = await postJson("/draft", body, cookies.editor);
      expect(res.status, res.text).toBe(200);
      const draft = json<{ ok: boolean; errors: string[] }>(res);
      expect(draft.ok).toBe(false);
      return draft.errors;
    };
    const base = change();
    expect(await errorsOf({ ...base, variant: { ...base.variant, id: taken } })).toEqual([
      `variants.${taken}: this variant id is already in use; choose another`,
    ]);
    const badRule = {
      ...base.variant,
      when: { all: [{ field: "context.device", op: "gt", value: 3 }] },
    };
    expect((await errorsOf({ ...base, variant: badRule })).join("\n")).toMatch(
      new RegExp(
        `variants\\.mobile-note-${run}\\.when\\.all\\[0\\]\\.op: operator "gt" does not apply`,
      ),
    );
    const unsafe = { ...base.variant, template: '<p onclick="x()">hi</p>' };
    expect((await errorsOf({ ...base, variant: unsafe })).join("\n")).toMatch(
      /template: event handler attribute onclick/,
    );
    expect(await errorsOf({ ...base, experimentStatus: { [`nope-${run}`]: "stopped" } })).toEqual([
      `experiments.nope-${run}: no such experiment in the active config`,
    ]);
    const shape = await postJson(
      "/draft",
      { ...base, slot: { ...base.slot, action: "explode" } },
      cookies.editor,
    );
    expect(shape.status).toBe(400);
    expect(json<{ message: string }>(shape).message).toMatch(/^slot\.action: /);
  });

  it("needs the editor role and the dashboard's own origin", async () => {
    expect((await postJson("/draft", change(), cookies.viewer)).status).toBe(403);
    expect(
      (await postJson("/draft", change(), cookies.editor, { "sec-fetch-site": "cross-site" }))
        .status,
    ).toBe(403);
  });
});
