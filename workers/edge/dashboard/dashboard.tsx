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
import {
  activateVersion,
  cancelSchedule,
  messageOf,
  publishTimeOf,
  recentActions,
  recordVersion,
  scheduledVersions,
  validateConfigText,
  type Mode,
} from "../config/config-publishing.ts";
import { CONFIG_POINTER, configKey, loadActiveConfig } from "../config/config-store.ts";
import { diffLines, withContext } from "../config/line-diff.ts";
import { createDb } from "../db/client.ts";
import { ApiError } from "../errors.ts";
import { EVENT_TYPES } from "../model/events.ts";
import { settingsOf } from "../settings.ts";
import { authorOf } from "../users/roles.ts";
import { checkPassword, startSession } from "../users/user-sessions.ts";
import {
  clearedSessionCookie,
  endUserSession,
  hasBearer,
  principalOf,
  requireLogin,
  requireRole,
  safeNext,
  sameSecretToken,
  sessionCookie,
  USER_COOKIE,
  userSessionCookie,
} from "./auth.ts";
import { AttributionPage } from "./pages/attribution.tsx";
import { ConfigPage, type ConfigNotice } from "./pages/config.tsx";
import { CustomerPage } from "./pages/customer.tsx";
import { editorDashboard } from "./editor/routes.tsx";
import { doctorDashboard } from "./pages/doctor.tsx";
import { personaDashboard } from "./pages/persona.tsx";
import { ExperimentPage, ExperimentsPage } from "./pages/experiments.tsx";
import { LoginPage } from "./pages/login.tsx";
import { ModelsPage } from "./pages/models.tsx";
import { OverviewPage } from "./pages/overview.tsx";
import { RecommendationsPage } from "./pages/recommendations.tsx";
import { SegmentsPage } from "./pages/segments.tsx";
import { usersDashboard } from "./pages/users.tsx";
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

type ConfigView = { notice?: ConfigNotice; draft?: string; message?: string; errors?: string[] };

const prettyJson = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** The config page; with a draft, its diff against the active version is shown too. */
async function configPage(c: Context<Env_>, view: ConfigView = {}, status: 200 | 400 = 200) {
  const active = Number(await c.env.CONFIG.get(CONFIG_POINTER));
  const activeVersion = Number.isInteger(active) && active > 0 ? active : null;
  const raw = activeVersion ? await c.env.CONFIG.get(configKey(activeVersion)) : null;
  const pretty = raw ? prettyJson(raw) : "";
  const [versions, scheduled, actions] = await Promise.all([
    configHistory(db(c)),
    scheduledVersions(db(c)),
    recentActions(db(c)),
  ]);
  const diff =
    view.draft === undefined ? undefined : withContext(diffLines(pretty, prettyJson(view.draft)));
  const page = (
    <ConfigPage
      principal={principalOf(c)}
      active={activeVersion}
      versions={versions}
      scheduled={scheduled}
      actions={actions}
      draft={view.draft ?? pretty}
      message={view.message}
      diff={diff}
      errors={view.errors}
      notice={view.notice}
    />
  );
  return c.html(page, status);
}

type ConfigForm = { text: string; message: string };

async function configForm(c: Context<Env_>): Promise<ConfigForm & Record<string, unknown>> {
  const form = await c.req.parseBody();
  return {
    ...form,
    text: typeof form.config === "string" ? form.config : "",
    message: typeof form.message === "string" ? form.message : "",
  };
}

/** A failed config action re-renders the page with the draft kept and what went wrong. */
const refused = (c: Context<Env_>, form: ConfigForm, message: string, errors?: string[]) =>
  configPage(
    c,
    { draft: form.text, message: form.message, errors, notice: { kind: "error", message } },
    400,
  );

/**
 * Validates the draft and records it (draft, publish now, or scheduled). Invalid documents and
 * missing messages come back as the page with every error listed and nothing stored.
 */
async function saveConfig(c: Context<Env_>, mode: (form: Record<string, unknown>) => Mode) {
  const form = await configForm(c);
  const checked = validateConfigText(form.text);
  if (!checked.ok) return refused(c, form, checked.message, checked.errors);
  let change;
  let chosen: Mode;
  try {
    change = { author: authorOf(principalOf(c)), message: messageOf(form.message, true) };
    chosen = mode(form);
  } catch (err) {
    if (err instanceof ApiError) return refused(c, form, err.message);
    throw err;
  }
  const version = await recordVersion(c.env, db(c), checked.config, change, chosen);
  const message =
    chosen.kind === "publish"
      ? `Published version ${version}.`
      : chosen.kind === "schedule"
        ? `Version ${version} will be published at ${new Date(chosen.at).toISOString()}.`
        : `Saved version ${version} as a draft.`;
  return configPage(c, { notice: { kind: "ok", message } });
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
  // Pages are script-free and unframeable; a route that needs more (the editor) sets its own.
  if (!c.res.headers.has("content-security-policy"))
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
  const email = typeof form.email === "string" ? form.email.trim() : "";
  if (email) {
    const password = typeof form.password === "string" ? form.password : "";
    const user = password ? await checkPassword(db(c), email, password) : null;
    if (!user) {
      return c.html(<LoginPage next={next} email={email} error="Wrong email or password." />, 401);
    }
    const session = await startSession(db(c), user.id, c.req.header("user-agent") ?? null);
    c.header("set-cookie", await userSessionCookie(c, session.token));
    return c.redirect(next, 303);
  }
  if (!(await sameSecretToken(token, c.env))) {
    return c.html(<LoginPage next={next} error="That is not the admin token." />, 401);
  }
  c.header("set-cookie", await sessionCookie(c, clock.now()));
  return c.redirect(next, 303);
});

dashboard.post("/logout", async (c) => {
  await endUserSession(c);
  c.header("set-cookie", clearedSessionCookie(c));
  c.header("set-cookie", clearedSessionCookie(c, USER_COOKIE), { append: true });
  return c.redirect(href("/login"), 303);
});

dashboard.use("*", requireLogin);
// Viewers read everything; anything that changes state needs at least an editor, and the
// routes below that publish or manage users ask for more.
dashboard.use("*", async (c, next) =>
  c.req.method === "GET" || c.req.method === "HEAD" ? next() : requireRole("editor")(c, next),
);
dashboard.route("/users", usersDashboard);
dashboard.route("/doctor", doctorDashboard);
dashboard.route("/persona", personaDashboard);
dashboard.route("/editor", editorDashboard);

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

dashboard.post("/config/validate", requireRole("editor"), async (c) => {
  const form = await configForm(c);
  const checked = validateConfigText(form.text);
  const view = { draft: form.text, message: form.message };
  if (!checked.ok) return refused(c, form, checked.message, checked.errors);
  return configPage(c, { ...view, notice: { kind: "ok", message: "The draft is valid." } });
});

dashboard.post("/config/draft", requireRole("editor"), (c) =>
  saveConfig(c, () => ({ kind: "draft" })),
);

dashboard.post("/config/publish", requireRole("publisher"), (c) =>
  saveConfig(c, () => ({ kind: "publish" })),
);

dashboard.post("/config/schedule", requireRole("publisher"), (c) =>
  saveConfig(c, (form) => ({
    kind: "schedule",
    at: publishTimeOf(typeof form.publishAt === "string" ? form.publishAt : "", clock.now()),
  })),
);

/** Publisher actions on a recorded version: the version and a reason from the form. */
async function versionAction(c: Context<Env_>) {
  const form = await c.req.parseBody();
  const version = Number(form.version);
  if (!Number.isInteger(version) || version < 1)
    throw new ApiError(400, "invalid_version", "version: must be a positive whole number");
  return { version, message: form.message };
}

dashboard.post("/config/rollback", requireRole("publisher"), async (c) => {
  const { version, message } = await versionAction(c);
  try {
    const change = { author: authorOf(principalOf(c)), message: messageOf(message, true) };
    await activateVersion(c.env, db(c), version, change);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return configPage(c, { notice: { kind: "error", message: err.message } }, 400);
  }
  return configPage(c, { notice: { kind: "ok", message: `Version ${version} is active again.` } });
});

dashboard.post("/config/cancel", requireRole("publisher"), async (c) => {
  const { version, message } = await versionAction(c);
  try {
    const change = { author: authorOf(principalOf(c)), message: messageOf(message, false) };
    await cancelSchedule(db(c), version, change);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return configPage(c, { notice: { kind: "error", message: err.message } }, 400);
  }
  return configPage(c, {
    notice: { kind: "ok", message: `Version ${version} is no longer scheduled.` },
  });
});

dashboard.get("/customers", async (c) => {
  const id = (c.req.query("id") ?? "").trim();
  const view = id ? await customerView(db(c), id) : null;
  return c.html(<CustomerPage id={id} view={view} />, id && !view ? 404 : 200);
});
