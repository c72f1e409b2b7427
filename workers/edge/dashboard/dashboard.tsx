import { Hono, type Context } from "hono";
import { csrf } from "hono/csrf";
import { attributionReport } from "../analytics/queries/attribution-query.ts";
import { customerView } from "../analytics/queries/customer-view-query.ts";
import { experimentReport, listExperiments } from "../analytics/queries/experiment-results.ts";
import { configHistory, modelsAndRuns } from "../analytics/queries/operations-query.ts";
import { overview, type Range } from "../analytics/queries/overview-query.ts";
import {
  recommendationFlags,
  slotPerformance,
} from "../analytics/queries/recommendations-query.ts";
import { segmentSizes } from "../analytics/queries/segments-query.ts";
import { adminConfig } from "../api/admin-config.ts";
import { CONFIG_POINTER, configKey, loadActiveConfig } from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import { ApiError, errorResponse } from "../errors.ts";
import { EVENT_TYPES } from "../model/events.ts";
import { settingsOf } from "../settings.ts";
import {
  clearedSessionCookie,
  hasBearer,
  requireAdmin,
  safeNext,
  sameSecretToken,
  sessionCookie,
} from "./auth.ts";
import { AttributionPage } from "./pages/attribution.tsx";
import { ConfigPage, type ConfigNotice } from "./pages/config.tsx";
import { CustomerPage } from "./pages/customer.tsx";
import { doctorDashboard } from "./pages/doctor.tsx";
import { ExperimentPage, ExperimentsPage } from "./pages/experiments.tsx";
import { LoginPage } from "./pages/login.tsx";
import { ModelsPage } from "./pages/models.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { RecommendationsPage } from "./pages/recommendations.tsx";
import { SegmentsPage } from "./pages/segments.tsx";
import { href } from "./paths.ts";
import * as clock from "../clock.ts";

type Env_ = { Bindings: Env };
const DAY = 86_400_000;

/** `?name=` as whole days within [1, max], else the default; never an error for a page. */
function days(c: Context<Env_>, name: string, fallback: number, max = 730): number {
  const n = Number(c.req.query(name));
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

function rangeOf(c: Context<Env_>): { range: Range; days: number } {
  const d = days(c, "days", 90);
  const to = clock.now();
  return { range: { from: to - d * DAY, to }, days: d };
}

function goalOf(c: Context<Env_>): string {
  const goal = c.req.query("goal") ?? "purchase";
  if (!(EVENT_TYPES as readonly string[]).includes(goal)) {
    throw new ApiError(400, "invalid_goal", `goal: must be one of ${EVENT_TYPES.join(", ")}`);
  }
  return goal;
}

const db = (c: Context<Env_>) => createDb(settingsOf(c.env));

// The existing admin config API, called in-process so publish and rollback follow one path.
const configApi = new Hono<Env_>().route("/", adminConfig);
configApi.onError(errorResponse);

async function configPage(c: Context<Env_>, notice?: ConfigNotice, draft?: string) {
  const active = Number(await c.env.CONFIG.get(CONFIG_POINTER));
  const activeVersion = Number.isInteger(active) && active > 0 ? active : null;
  const raw = activeVersion ? await c.env.CONFIG.get(configKey(activeVersion)) : null;
  const pretty = raw ? JSON.stringify(JSON.parse(raw), null, 2) : "";
  const versions = await configHistory(db(c));
  const page = (
    <ConfigPage
      active={activeVersion}
      versions={versions}
      draft={draft ?? pretty}
      notice={notice}
    />
  );
  return c.html(page, notice?.kind === "error" ? 400 : 200);
}

async function callConfigApi(c: Context<Env_>, path: string, body: string) {
  const res = await configApi.request(
    path,
    {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-vitrine-author": "dashboard" },
    },
    c.env,
    c.executionCtx,
  );
  const json = (await res.json()) as {
    version?: number;
    message?: string;
    details?: { path?: string; message?: string }[] | unknown;
  };
  return { ok: res.ok, json };
}

function detailsOf(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.map((d) =>
    typeof d === "object" && d !== null && "path" in d
      ? `${String((d as { path: unknown }).path)}: ${String((d as { message?: unknown }).message ?? "")}`
      : JSON.stringify(d),
  );
}

/**
 * The admin dashboard, server-rendered (hono/jsx, SVG charts, no scripts). Every page reads
 * Turso through the analytics query modules; config changes go through the admin config API.
 */
export const dashboard = new Hono<Env_>();

dashboard.use("*", async (c, next) => {
  await next();
  c.header("cache-control", "no-store");
  c.header("x-robots-tag", "noindex");
  c.header("referrer-policy", "same-origin");
  c.header("x-content-type-options", "nosniff");
  c.header(
    "content-security-policy",
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
});
// Forms post only from the dashboard's own pages (the session cookie is also SameSite=Strict).
dashboard.use("*", csrf());

dashboard.get("/login", async (c) => {
  if (await hasBearer(c)) return c.redirect(href(""), 303);
  return c.html(<LoginPage next={safeNext(c.req.query("next"))} />);
});

dashboard.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const token = typeof form.token === "string" ? form.token : "";
  const next = safeNext(typeof form.next === "string" ? form.next : null);
  if (!(await sameSecretToken(token, c.env))) {
    return c.html(<LoginPage next={next} error="That is not the admin token." />, 401);
  }
  c.header("set-cookie", await sessionCookie(c, clock.now()));
  return c.redirect(next, 303);
});

dashboard.post("/logout", (c) => {
  c.header("set-cookie", clearedSessionCookie(c));
  return c.redirect(href("/login"), 303);
});

dashboard.use("*", requireAdmin);
dashboard.route("/doctor", doctorDashboard);

dashboard.get("/", async (c) => {
  const { range, days: d } = rangeOf(c);
  return c.html(<OverviewPage data={await overview(db(c), range)} days={d} />);
});

dashboard.get("/segments", async (c) => {
  const { range, days: d } = rangeOf(c);
  return c.html(<SegmentsPage data={await segmentSizes(db(c), range)} days={d} />);
});

dashboard.get("/experiments", async (c) => {
  const goal = goalOf(c);
  const active = await loadActiveConfig(c.env.CONFIG);
  const listings = await listExperiments(db(c), active?.config ?? null);
  const until = clock.now();
  const items = await Promise.all(
    listings.map(async (listing) => ({
      listing,
      report: await experimentReport(db(c), listing, { goal, until }),
    })),
  );
  return c.html(<ExperimentsPage items={items} goal={goal} />);
});

dashboard.get("/experiments/:id", async (c) => {
  const goal = goalOf(c);
  const active = await loadActiveConfig(c.env.CONFIG);
  const listing = (await listExperiments(db(c), active?.config ?? null)).find(
    (l) => l.id === c.req.param("id"),
  );
  if (!listing)
    throw new ApiError(404, "unknown_experiment", `No experiment "${c.req.param("id")}"`);
  const report = await experimentReport(db(c), listing, { goal, until: clock.now() });
  return c.html(<ExperimentPage listing={listing} report={report} goal={goal} />);
});

dashboard.get("/attribution", async (c) => {
  const { range, days: d } = rangeOf(c);
  const lookbackDays = days(c, "lookback", 30, 365);
  const report = await attributionReport(db(c), range, {
    lookbackMs: lookbackDays * DAY,
    halfLifeMs: 7 * DAY,
  });
  return c.html(<AttributionPage report={report} days={d} lookbackDays={lookbackDays} />);
});

dashboard.get("/recommendations", async (c) => {
  const { range, days: d } = rangeOf(c);
  const [rows, flags] = await Promise.all([
    slotPerformance(db(c), range),
    recommendationFlags(db(c), range),
  ]);
  return c.html(<RecommendationsPage rows={rows} days={d} flags={flags} />);
});

dashboard.get("/models", async (c) => {
  const { models, runs } = await modelsAndRuns(db(c));
  return c.html(<ModelsPage models={models} runs={runs} />);
});

dashboard.get("/config", (c) => configPage(c));

dashboard.post("/config/publish", async (c) => {
  const form = await c.req.parseBody();
  const text = typeof form.config === "string" ? form.config : "";
  const { ok, json } = await callConfigApi(c, "/", text);
  if (!ok) {
    return configPage(
      c,
      {
        kind: "error",
        message: json.message ?? "Publishing failed",
        details: detailsOf(json.details),
      },
      text,
    );
  }
  return configPage(c, { kind: "ok", message: `Published version ${json.version}.` });
});

dashboard.post("/config/rollback", async (c) => {
  const form = await c.req.parseBody();
  const version = Number(form.version);
  const { ok, json } = await callConfigApi(c, "/rollback", JSON.stringify({ version }));
  if (!ok) return configPage(c, { kind: "error", message: json.message ?? "Rollback failed" });
  return configPage(c, { kind: "ok", message: `Version ${json.version} is active again.` });
});

dashboard.get("/customers", async (c) => {
  const id = (c.req.query("id") ?? "").trim();
  const view = id ? await customerView(db(c), id) : null;
  return c.html(<CustomerPage id={id} view={view} />, id && !view ? 404 : 200);
});
