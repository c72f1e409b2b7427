import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import demoConfig from "../../../seeds/config/demo-config.json";
import { configActions, configVersions, userSessions } from "../../../schema/index.ts";
import { CONFIG_POINTER } from "../config/config-store.ts";
import { createDb } from "../db/client.ts";
import worker from "../index.ts";
import { settingsOf } from "../settings.ts";
import { ADMIN, call, SHOP } from "../test-support/requests.ts";

const db = createDb(settingsOf(env));
const DASH = "/__vitrine/dashboard";
const run = crypto.randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery staple";
const HOUR = 3_600_000;

/** A dashboard form post from the dashboard's own origin (or another one). */
const form = (fields: Record<string, string>, cookie = "", origin = SHOP): RequestInit => ({
  method: "POST",
  body: new URLSearchParams(fields),
  headers: { origin, "content-type": "application/x-www-form-urlencoded", cookie },
  redirect: "manual",
});

async function createUser(role: string, email = `${role}-${run}@shop.example`) {
  const res = await call("/__vitrine/v1/admin/users", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ email, role, name: `${role} ${run}`, password: PASSWORD }),
  });
  expect(res.status, res.text).toBe(201);
  return (JSON.parse(res.text) as { user: { id: string; email: string } }).user;
}

async function login(email: string, password = PASSWORD): Promise<string> {
  const res = await call(`${DASH}/login`, form({ email, password, next: `${DASH}/config` }));
  expect(res.status, res.text).toBe(303);
  const cookie = res.headers.get("set-cookie")!;
  expect(cookie).toMatch(/^vt_user=/);
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Strict/i);
  expect(cookie).toMatch(/Path=\/__vitrine\/dashboard/);
  return cookie.split(";")[0]!;
}

const config = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ...demoConfig, ...extra }, null, 2);
const activeVersion = async () => Number(await env.CONFIG.get(CONFIG_POINTER));
const versionRow = async (version: number) =>
  (await db.select().from(configVersions).where(eq(configVersions.version, version)))[0];

const cookies: Record<"viewer" | "editor" | "publisher" | "admin", string> = {
  viewer: "",
  editor: "",
  publisher: "",
  admin: "",
};
let previousActive: string | null = null;

beforeAll(async () => {
  previousActive = await env.CONFIG.get(CONFIG_POINTER);
  // The demo config, as the other files in this project publish it, so there is an active one.
  if (!previousActive) {
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(demoConfig),
    });
    expect(res.status).toBe(201);
  }
  for (const role of ["viewer", "editor", "publisher", "admin"] as const) {
    const user = await createUser(role);
    cookies[role] = await login(user.email);
  }
});

// Other files in this project read the active config: put back the one that was active.
afterAll(async () => {
  if (previousActive) {
    await call("/__vitrine/v1/admin/config/rollback", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ version: Number(previousActive), message: "test cleanup" }),
    });
  }
});

describe("dashboard users and roles", () => {
  it("refuses a wrong password without a cookie, and lets every role read pages", async () => {
    const wrong = await call(
      `${DASH}/login`,
      form({ email: `viewer-${run}@shop.example`, password: "not the password" }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(wrong.text).toMatch(/Wrong email or password/);
    for (const cookie of Object.values(cookies)) {
      const page = await call(`${DASH}/config`, { headers: { cookie } });
      expect(page.status).toBe(200);
    }
  });

  it("a viewer and an editor cannot publish; an editor can validate and save a draft", async () => {
    const before = await activeVersion();
    for (const role of ["viewer", "editor"] as const) {
      const res = await call(
        `${DASH}/config/publish`,
        form({ config: config(), message: "try" }, cookies[role]),
      );
      expect(res.status, role).toBe(403);
      expect(JSON.parse(res.text)).toMatchObject({ code: "forbidden" });
    }
    const viewerDraft = await call(
      `${DASH}/config/draft`,
      form({ config: config(), message: "x" }, cookies.viewer),
    );
    expect(viewerDraft.status).toBe(403);
    const viewerPage = await call(`${DASH}/config`, { headers: { cookie: cookies.viewer } });
    expect(viewerPage.text).not.toMatch(/formaction/);

    const draft = await call(
      `${DASH}/config/draft`,
      form({ config: config(), message: `draft ${run}` }, cookies.editor),
    );
    expect(draft.status).toBe(200);
    const saved = Number(/Saved version (\d+) as a draft/.exec(draft.text)?.[1]);
    expect(await versionRow(saved)).toMatchObject({
      author: `editor ${run} <editor-${run}@shop.example>`,
      note: `draft ${run}`,
      publishedAt: null,
      scheduledAt: null,
    });
    expect(await activeVersion()).toBe(before);
    // Editors see no publish buttons; users are for admins only.
    expect(draft.text).not.toMatch(/config\/schedule/);
    expect((await call(`${DASH}/users`, { headers: { cookie: cookies.publisher } })).status).toBe(
      403,
    );
    const usersPage = await call(`${DASH}/users`, { headers: { cookie: cookies.admin } });
    expect(usersPage.status).toBe(200);
    expect(usersPage.text).toContain(`viewer-${run}@shop.example`);
  });

  it("validates with every error at once and shows the changed lines against the active config", async () => {
    const bad = await call(
      `${DASH}/config/validate`,
      form(
        { config: config({ holdout: { percent: 500, salt: "x" }, enabled: "yes" }) },
        cookies.editor,
      ),
    );
    expect(bad.status).toBe(400);
    const errors = /<ul class="errors" data-errors[^>]*>([\s\S]*?)<\/ul>/.exec(bad.text)?.[1] ?? "";
    expect(errors).toMatch(/holdout\.percent/);
    expect(errors).toMatch(/enabled/);

    // The draft is the active document with one field flipped: exactly that line changes.
    const active = JSON.parse((await env.CONFIG.get(`config:v:${await activeVersion()}`))!);
    const draft = JSON.stringify({ ...active, enabled: !active.enabled });
    const res = await call(`${DASH}/config/validate`, form({ config: draft }, cookies.editor));
    expect(res.status).toBe(200);
    expect(res.text).toContain("The draft is valid.");
    const diff = /<pre class="diff" data-diff[^>]*>([\s\S]*?)<\/pre>/.exec(res.text)?.[1] ?? "";
    const lines = (op: string) =>
      [...diff.matchAll(new RegExp(`data-op="${op}">([^<]*)<`, "g"))].map((m) => m[1]);
    const q = "&quot;";
    expect(lines("del")).toEqual([`-   ${q}enabled${q}: ${active.enabled},`]);
    expect(lines("add")).toEqual([`+   ${q}enabled${q}: ${!active.enabled},`]);
    expect(lines("same").length).toBeGreaterThan(0);
    expect(lines("same").length).toBeLessThanOrEqual(6);
  });

  it("a publisher publishes with a required message, recorded with author and message", async () => {
    const before = await activeVersion();
    const noMessage = await call(
      `${DASH}/config/publish`,
      form({ config: config() }, cookies.publisher),
    );
    expect(noMessage.status).toBe(400);
    expect(noMessage.text).toMatch(/message: say what this change is for/);
    expect(await activeVersion()).toBe(before);

    const res = await call(
      `${DASH}/config/publish`,
      form({ config: config(), message: `ship it ${run}` }, cookies.publisher),
    );
    expect(res.status).toBe(200);
    const version = Number(/Published version (\d+)/.exec(res.text)?.[1]);
    expect(await activeVersion()).toBe(version);
    expect(await versionRow(version)).toMatchObject({
      author: `publisher ${run} <publisher-${run}@shop.example>`,
      note: `ship it ${run}`,
      publishedAt: expect.any(Number),
    });

    const rollback = await call(
      `${DASH}/config/rollback`,
      form({ version: String(version), message: `again ${run}` }, cookies.publisher),
    );
    expect(rollback.status).toBe(200);
    const [action] = await db
      .select()
      .from(configActions)
      .where(eq(configActions.message, `again ${run}`));
    expect(action).toMatchObject({
      version,
      action: "rollback",
      author: expect.stringContaining("publisher"),
    });
  });

  it("refuses a cross-site form post even with a publisher's session (CSRF)", async () => {
    const before = await activeVersion();
    const res = await call(
      `${DASH}/config/publish`,
      form({ config: config(), message: "evil" }, cookies.publisher, "https://evil.example"),
    );
    expect(res.status).toBe(403);
    expect(await activeVersion()).toBe(before);
    const [latest] = await db
      .select()
      .from(configVersions)
      .orderBy(desc(configVersions.version))
      .limit(1);
    expect(latest?.note).not.toBe("evil");
  });

  it("a scheduled publish flips at the first cron after its time, and a cancelled one never does", async () => {
    const cron = async (offsetMs: number) => {
      const ctx = createExecutionContext();
      await worker.scheduled(
        createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }),
        { ...env, CLOCK_OFFSET_MS: String(offsetMs) } as Env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
    };
    const before = await activeVersion();
    const at = Date.now() + HOUR;
    const scheduled = await call(
      `${DASH}/config/schedule`,
      form({ config: config(), message: `later ${run}`, publishAt: String(at) }, cookies.publisher),
    );
    expect(scheduled.status, scheduled.text).toBe(200);
    const version = Number(/Version (\d+) will be published/.exec(scheduled.text)?.[1]);
    expect(scheduled.text).toMatch(new RegExp(`data-scheduled="${version}"`));
    const cancelled = await call(
      `${DASH}/config/schedule`,
      form(
        { config: config(), message: `never ${run}`, publishAt: String(at + HOUR) },
        cookies.publisher,
      ),
    );
    const dropped = Number(/Version (\d+) will be published/.exec(cancelled.text)?.[1]);
    const cancel = await call(
      `${DASH}/config/cancel`,
      form({ version: String(dropped) }, cookies.publisher),
    );
    expect(cancel.status).toBe(200);
    expect(cancel.text).not.toMatch(new RegExp(`data-scheduled="${dropped}"`));

    const past = await call(
      `${DASH}/config/schedule`,
      form(
        { config: config(), message: "past", publishAt: String(Date.now() - HOUR) },
        cookies.publisher,
      ),
    );
    expect(past.status).toBe(400);
    expect(past.text).toMatch(/publishAt: must be in the future/);

    await cron(HOUR - 60_000);
    expect(await activeVersion()).toBe(before);
    await cron(HOUR + 15 * 60_000);
    expect(await activeVersion()).toBe(version);
    expect(await versionRow(version)).toMatchObject({
      scheduledAt: null,
      publishedAt: expect.any(Number),
    });
    await cron(3 * HOUR);
    expect(await activeVersion()).toBe(version);
    expect(await versionRow(dropped)).toMatchObject({ scheduledAt: null, publishedAt: null });
  });

  it("a revoked session is refused on its next request, and logout revokes", async () => {
    const viewer = await createUser("viewer", `viewer2-${run}@shop.example`);
    const cookie = await login(viewer.email);
    expect((await call(`${DASH}/config`, { headers: { cookie } })).status).toBe(200);
    const list = await call(`/__vitrine/v1/admin/users/sessions?user=${viewer.id}`, {
      headers: ADMIN,
    });
    const [session] = (JSON.parse(list.text) as { sessions: { id: string }[] }).sessions;
    const revoke = await call(`/__vitrine/v1/admin/users/sessions/${session!.id}/revoke`, {
      method: "POST",
      headers: ADMIN,
    });
    expect(revoke.status).toBe(200);
    expect((await call(`${DASH}/config`, { headers: { cookie } })).status).toBe(401);

    const again = await login(viewer.email);
    const out = await call(`${DASH}/logout`, form({}, again));
    expect(out.status).toBe(303);
    expect((await call(`${DASH}/config`, { headers: { cookie: again } })).status).toBe(401);
    const rows = await db.select().from(userSessions).where(eq(userSessions.userId, viewer.id));
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
    // A session token is stored only as its hash.
    expect(rows.some((r) => again.includes(r.id))).toBe(false);

    // Disabling the user ends their sessions and their logins.
    const third = await login(viewer.email);
    await call(`/__vitrine/v1/admin/users/${viewer.id}/disable`, {
      method: "POST",
      headers: ADMIN,
    });
    expect((await call(`${DASH}/config`, { headers: { cookie: third } })).status).toBe(401);
    const refused = await call(`${DASH}/login`, form({ email: viewer.email, password: PASSWORD }));
    expect(refused.status).toBe(401);
  });

  it("an admin adds a user on the Users page; the one-time password logs in; a role change applies at once", async () => {
    const email = `added-${run}@shop.example`;
    const added = await call(
      `${DASH}/users`,
      form({ email, name: "Added", role: "viewer" }, cookies.admin),
    );
    expect(added.status).toBe(200);
    const password = /<code data-password[^>]*>([^<]+)<\/code>/.exec(added.text)?.[1];
    expect(password).toBeDefined();
    const cookie = await login(email, password);
    const publish = () =>
      call(`${DASH}/config/publish`, form({ config: config(), message: "promoted" }, cookie));
    expect((await publish()).status).toBe(403);

    const duplicate = await call("/__vitrine/v1/admin/users", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ email, role: "admin" }),
    });
    expect(duplicate.status).toBe(409);
    expect(JSON.parse(duplicate.text)).toMatchObject({ code: "email_taken" });

    const list = JSON.parse((await call("/__vitrine/v1/admin/users", { headers: ADMIN })).text) as {
      users: { id: string; email: string; role: string }[];
    };
    const user = list.users.find((u) => u.email === email)!;
    expect(user.role).toBe("viewer");
    expect(JSON.stringify(list)).not.toMatch(/pbkdf2/);
    const promoted = await call(`/__vitrine/v1/admin/users/${user.id}/role`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ role: "publisher" }),
    });
    expect(promoted.status).toBe(200);
    expect((await publish()).status).toBe(200);
    const badRole = await call(`/__vitrine/v1/admin/users/${user.id}/role`, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ role: "owner" }),
    });
    expect(badRole.status).toBe(400);
    expect(JSON.parse(badRole.text).message).toMatch(/^role: must be one of/);
  });
});
