import { Hono, type Context } from "hono";
import { createDb } from "../../db/client.ts";
import { ApiError, parseInput } from "../../errors.ts";
import { settingsOf } from "../../settings.ts";
import { ROLES, isRole } from "../../users/roles.ts";
import { UserError } from "../../users/user-db.ts";
import { revokeSession } from "../../users/user-sessions.ts";
import {
  createUser,
  disableUser,
  listUsers,
  liveSessions,
  NewUser,
  setRole,
} from "../../users/user-store.ts";
import { requireRole } from "../auth.ts";
import { dateTime } from "../format.ts";
import { Layout } from "../layout.tsx";
import { href } from "../paths.ts";

type Env_ = { Bindings: Env };
type Notice = { kind: "ok" | "error"; message: string; password?: string };

const db = (c: Context<Env_>) => createDb(settingsOf(c.env));

export function UsersPage(props: {
  users: Awaited<ReturnType<typeof listUsers>>;
  sessions: Awaited<ReturnType<typeof liveSessions>>;
  notice?: Notice;
}) {
  return (
    <Layout
      title="Users"
      active="/users"
      notice={
        props.notice ? (
          <div class={`notice ${props.notice.kind === "error" ? "error" : ""}`} role="status">
            {props.notice.message}
            {props.notice.password ? (
              <p>
                One-time password (shown once): <code data-password>{props.notice.password}</code>
              </p>
            ) : null}
          </div>
        ) : undefined
      }
    >
      <p class="muted">
        Viewers read every page; editors also validate and save config drafts; publishers also
        publish, schedule and roll back; admins also manage users.
      </p>
      <div class="panel">
        <h2>Users</h2>
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Created</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr data-user={u.email}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>
                  {u.disabledAt ? (
                    <span class="badge warn">disabled {dateTime(u.disabledAt)}</span>
                  ) : (
                    <form method="post" action={href(`/users/${u.id}/role`)} class="inline">
                      <select name="role">
                        {ROLES.map((r) => (
                          <option value={r} selected={r === u.role}>
                            {r}
                          </option>
                        ))}
                      </select>{" "}
                      <button class="secondary" type="submit">
                        Set
                      </button>
                    </form>
                  )}
                </td>
                <td>{dateTime(u.createdAt)}</td>
                <td>
                  {u.disabledAt ? null : (
                    <form method="post" action={href(`/users/${u.id}/disable`)} class="inline">
                      <button class="secondary" type="submit">
                        Disable
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Add a user</h2>
        <form method="post" action={href("/users")}>
          <input type="text" name="email" placeholder="email" required />{" "}
          <input type="text" name="name" placeholder="name" />{" "}
          <select name="role">
            {ROLES.map((r) => (
              <option value={r}>{r}</option>
            ))}
          </select>{" "}
          <button type="submit">Add</button>
        </form>
      </div>
      <div class="panel">
        <h2>Live sessions</h2>
        <table>
          <thead>
            <tr>
              <th>User</th>
              <th>Started</th>
              <th>Expires</th>
              <th>Browser</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr data-session={s.id}>
                <td>{s.email}</td>
                <td>{dateTime(s.createdAt)}</td>
                <td>{dateTime(s.expiresAt)}</td>
                <td class="muted">{s.userAgent ?? ""}</td>
                <td>
                  <form
                    method="post"
                    action={href(`/users/sessions/${s.id}/revoke`)}
                    class="inline"
                  >
                    <button class="secondary" type="submit">
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

async function render(c: Context<Env_>, notice?: Notice) {
  const [users, sessions] = await Promise.all([listUsers(db(c)), liveSessions(db(c))]);
  return c.html(
    <UsersPage users={users} sessions={sessions} notice={notice} />,
    notice?.kind === "error" ? 400 : 200,
  );
}

/** A user-management action whose 4xx is shown on the page rather than as JSON. */
async function act(c: Context<Env_>, work: () => Promise<Notice>) {
  try {
    return render(c, await work());
  } catch (err) {
    if ((err instanceof ApiError || err instanceof UserError) && err.status < 500)
      return render(c, { kind: "error", message: err.message });
    throw err;
  }
}

const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === "string" ? (form[name] as string).trim() : "";

/** Managing the dashboard's users and their sessions: admins only (or the admin token). */
export const usersDashboard = new Hono<Env_>()
  .use("*", requireRole("admin"))
  .get("/", (c) => render(c))
  .post("/", async (c) => {
    const form = await c.req.parseBody();
    return act(c, async () => {
      const input = parseInput(
        NewUser,
        {
          email: field(form, "email"),
          name: field(form, "name") || undefined,
          role: field(form, "role"),
        },
        "invalid_user",
      );
      const { user, password } = await createUser(db(c), input);
      return { kind: "ok", message: `Added ${user.email} as ${user.role}.`, password };
    });
  })
  .post("/:id/role", async (c) => {
    const role = field(await c.req.parseBody(), "role");
    return act(c, async () => {
      if (!isRole(role))
        throw new ApiError(400, "invalid_role", `role: must be one of ${ROLES.join(", ")}`);
      const user = await setRole(db(c), c.req.param("id"), role);
      return { kind: "ok", message: `${user.email} is now ${user.role}.` };
    });
  })
  .post("/:id/disable", (c) =>
    act(c, async () => {
      const user = await disableUser(db(c), c.req.param("id"));
      return { kind: "ok", message: `${user.email} is disabled and logged out.` };
    }),
  )
  .post("/sessions/:id/revoke", (c) =>
    act(c, async () => {
      if (!(await revokeSession(db(c), c.req.param("id"))))
        throw new ApiError(404, "unknown_session", "That session is not live");
      return { kind: "ok", message: "The session is revoked." };
    }),
  );
