import { Hono, type Context, type MiddlewareHandler } from "hono";
import { CONFIG_POINTER, configKey, loadActiveConfig } from "../../config/config-store.ts";
import { DEFAULT_PAGE_RULES } from "../../context/page-rules.ts";
import { ApiError, parseInput } from "../../errors.ts";
import { fetchStorefront } from "../../proxy/storefront.ts";
import { settingsOf } from "../../settings.ts";
import { principalOf } from "../auth.ts";
import { EditorPage, type EditorState } from "../pages/editor.tsx";
import { href } from "../paths.ts";
import { EDITOR_CHOICES } from "./catalog.ts";
import { buildDraft, EditorChange } from "./draft.ts";
import { EDITOR_ISLAND_SOURCE } from "./island-source.ts";
import {
  countAcrossPages,
  selectorProblem,
  shopPathProblem,
  type FetchPage,
} from "./selector-count.ts";
import { checkEditorTemplate, isSlotAction } from "./template-check.ts";

type Env_ = { Bindings: Env };

/**
 * The visual editor's routes under /__vitrine/dashboard/editor, behind the dashboard's login
 * and roles (reading for viewers; the POSTs need an editor, checked by the dashboard):
 * the page, its script, the shop page to pick from (`/frame`), selector counts across page
 * types, the template check as you type and the draft builder. Publishing is the Config
 * page's own routes, which the editor's form posts to.
 */
export const editorDashboard = new Hono<Env_>();

/** The editor page may run its own script, talk to its routes and frame its shop pages. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; frame-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * A shop page inside the editor: framed by the dashboard only (same origin), its own scripts
 * off (the picker is the editor's script, reaching in from the parent page), no forms, no
 * connections. The shop's own framing and CSP headers are replaced for this response only;
 * the proxied page (its normal URL) keeps them.
 */
const FRAME_CSP =
  "default-src 'self' https: http: data: blob:; script-src 'none'; style-src 'self' 'unsafe-inline' https: http:; img-src * data: blob:; font-src * data:; connect-src 'none'; object-src 'none'; form-action 'none'; base-uri 'self'; frame-ancestors 'self'";

/** Headers of the origin's response that must not reach the editor's frame. */
const DROPPED = [
  "content-security-policy",
  "content-security-policy-report-only",
  "x-frame-options",
  "set-cookie",
  "content-length",
  "etag",
  "last-modified",
];

/** JSON posts only, from this origin: forms are refused by the dashboard's CSRF check first. */
const jsonFromHere: MiddlewareHandler<Env_> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  const origin = c.req.header("origin");
  const site = c.req.header("sec-fetch-site");
  if ((origin && origin !== new URL(c.req.url).origin) || (site && site !== "same-origin"))
    throw new ApiError(403, "cross_origin", "Editor requests must come from the dashboard itself");
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? ""))
    throw new ApiError(415, "json_only", "Send the editor's data as application/json");
  return next();
};
editorDashboard.use("*", jsonFromHere);

/** The shop's page as the proxy gets it from the origin: anonymous (no cookies), shared cache. */
const fetchPage =
  (c: Context<Env_>): FetchPage =>
  async (path) => {
    const url = new URL(path, new URL(c.req.url).origin);
    const request = new Request(url, {
      headers: {
        accept: "text/html,application/xhtml+xml",
        "user-agent": c.req.header("user-agent") ?? "Vitrine editor",
      },
      redirect: "manual",
    });
    return (await fetchStorefront(request, settingsOf(c.env), c.executionCtx)).response;
  };

function shopPath(raw: string | undefined): string {
  const path = raw ?? "/";
  const bad = shopPathProblem(path);
  if (bad) throw new ApiError(400, "invalid_path", bad, { field: "path" });
  return path;
}

/** The active config as published (raw JSON), or null. */
async function activeRaw(env: Env): Promise<{ version: number; json: unknown } | null> {
  const version = Number(await env.CONFIG.get(CONFIG_POINTER));
  if (!Number.isInteger(version) || version < 1) return null;
  const raw = await env.CONFIG.get(configKey(version));
  if (!raw) return null;
  try {
    return { version, json: JSON.parse(raw) };
  } catch {
    return null;
  }
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

editorDashboard.get("/", async (c) => {
  const active = await activeRaw(c.env);
  const config = asRecord(active?.json);
  const holdout = asRecord(config.holdout).percent;
  const state: EditorState = {
    version: active?.version ?? null,
    slots: Object.fromEntries(
      Object.entries(asRecord(config.slots)).map(([id, s]) => {
        const slot = asRecord(s);
        return [id, { selector: String(slot.selector ?? ""), action: String(slot.action ?? "") }];
      }),
    ),
    variants: Object.keys(asRecord(config.variants)),
    experiments: Object.fromEntries(
      Object.entries(asRecord(config.experiments)).map(([id, e]) => [
        id,
        { status: String(asRecord(e).status ?? "") },
      ]),
    ),
    holdoutPercent: typeof holdout === "number" ? holdout : null,
  };
  const raw = c.req.query("path");
  const path = raw && !shopPathProblem(raw) ? raw : "/";
  c.header("content-security-policy", PAGE_CSP);
  return c.html(
    <EditorPage principal={principalOf(c)} choices={EDITOR_CHOICES} state={state} path={path} />,
  );
});

editorDashboard.get("/island.js", (c) =>
  c.body(EDITOR_ISLAND_SOURCE, 200, {
    "content-type": "text/javascript; charset=utf-8",
    "content-security-policy": "default-src 'none'",
  }),
);

editorDashboard.get("/frame", async (c) => {
  const path = shopPath(c.req.query("path"));
  const res = await fetchPage(c)(path);
  const location = res.headers.get("location");
  if (res.status >= 300 && res.status < 400 && location) {
    await res.body?.cancel();
    // A redirect stays inside the editor: the frame follows it as another framed page.
    const target = new URL(location, new URL(c.req.url).origin);
    const next = target.pathname + target.search;
    if (target.origin === new URL(c.req.url).origin && !shopPathProblem(next))
      return c.redirect(`${href("/editor/frame")}?path=${encodeURIComponent(next)}`, 302);
    throw new ApiError(502, "offsite_redirect", `The shop sends ${path} to another site`);
  }
  const headers = new Headers(res.headers);
  for (const name of DROPPED) headers.delete(name);
  headers.set("content-security-policy", FRAME_CSP);
  const html = /html/i.test(headers.get("content-type") ?? "");
  const body = html
    ? new HTMLRewriter()
        // Relative links and assets resolve against the shop path, not the editor's URL.
        .on("head", {
          element(head) {
            head.prepend(`<base href="${path.replace(/[&"<>]/g, "")}">`, { html: true });
          },
        })
        .on("meta[http-equiv]", {
          element(meta) {
            if (/refresh|content-security-policy/i.test(meta.getAttribute("http-equiv") ?? ""))
              meta.remove();
          },
        })
        .transform(new Response(res.body, { headers: res.headers })).body
    : res.body;
  return new Response(body, { status: res.status, headers });
});

editorDashboard.get("/count", async (c) => {
  const selector = c.req.query("selector") ?? "";
  const path = shopPath(c.req.query("path"));
  const bad = selectorProblem(selector);
  if (bad) throw new ApiError(400, "invalid_selector", bad, { field: "selector" });
  const active = await loadActiveConfig(c.env.CONFIG);
  const rules = active?.config.pageRules ?? DEFAULT_PAGE_RULES;
  const origin = new URL(c.req.url).origin;
  const pages = await countAcrossPages(fetchPage(c), origin, rules, selector, path);
  return c.json({ selector, path, pages });
});

editorDashboard.post("/template", async (c) => {
  const body = asRecord(await c.req.json().catch(() => null));
  if (typeof body.template !== "string")
    throw new ApiError(400, "invalid_template", "template: must be a string", {
      field: "template",
    });
  if (!isSlotAction(body.action))
    throw new ApiError(400, "invalid_action", "action: not a slot action", { field: "action" });
  const attribute =
    typeof body.attribute === "string" && body.attribute ? body.attribute : undefined;
  return c.json(checkEditorTemplate(body.template, body.action, attribute));
});

editorDashboard.post("/draft", async (c) => {
  const change = parseInput(EditorChange, await c.req.json().catch(() => null), "invalid_change");
  const active = await activeRaw(c.env);
  if (!active) throw new ApiError(404, "no_config", "No configuration has been published yet");
  const draft = buildDraft(active.json, change);
  return c.json({ ...draft, ok: draft.errors.length === 0, baseVersion: active.version });
});
