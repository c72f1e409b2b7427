import { Hono } from "hono";
import { z } from "zod";
import { createDb } from "../db/client.ts";
import { ApiError, parseInput } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { ROLES } from "../users/roles.ts";
import {
  createUser,
  disableUser,
  listUsers,
  liveSessions,
  NewUser,
  setRole,
} from "../users/user-store.ts";
import { UserError } from "../users/user-db.ts";
import { revokeSession } from "../users/user-sessions.ts";
import { describeRoute, ErrorEnvelope } from "./route-docs.ts";

const RoleChange = z.strictObject({
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
});
const User = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.number().int(),
  disabledAt: z.number().int().nullable(),
});
const Created = z.object({ user: User, password: z.string().optional() });
const Session = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  userAgent: z.string().nullable(),
});

const db = (env: Env) => createDb(settingsOf(env));

/** Runs a user-store call, turning its refusals into the API's error envelope. */
export async function asApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  }
}
const body = (req: { json(): Promise<unknown> }) => req.json().catch(() => undefined);

/**
 * The dashboard's named users (behind the admin token): create, change role, disable, and
 * list or revoke their sessions. Passwords are only ever returned once, when generated.
 */
export const adminUsers = new Hono<{ Bindings: Env }>()
  .get(
    "/",
    describeRoute({
      summary: "Dashboard users",
      tag: "admin",
      responses: { 200: ["Users by email", z.object({ users: z.array(User) })] },
    }),
    async (c) => c.json({ users: await listUsers(db(c.env)) }),
  )
  .post(
    "/",
    describeRoute({
      summary: "Create a dashboard user (a one-time password is generated when none is given)",
      tag: "admin",
      body: NewUser,
      responses: {
        201: ["The user, and the generated password", Created],
        400: ["Invalid field", ErrorEnvelope],
        409: ["Email already has a user", ErrorEnvelope],
      },
    }),
    async (c) => {
      const input = parseInput(NewUser, await body(c.req), "invalid_user");
      return c.json(await asApi(() => createUser(db(c.env), input)), 201);
    },
  )
  .post(
    "/:id/role",
    describeRoute({
      summary: "Set a user's role",
      tag: "admin",
      body: RoleChange,
      responses: {
        200: ["The user", User],
        400: ["Not a role", ErrorEnvelope],
        404: ["No such user", ErrorEnvelope],
      },
    }),
    async (c) => {
      const { role } = parseInput(RoleChange, await body(c.req), "invalid_role");
      return c.json(await asApi(() => setRole(db(c.env), c.req.param("id"), role)));
    },
  )
  .post(
    "/:id/disable",
    describeRoute({
      summary: "Disable a user and revoke their sessions",
      tag: "admin",
      responses: { 200: ["The user", User], 404: ["No such user", ErrorEnvelope] },
    }),
    async (c) => c.json(await asApi(() => disableUser(db(c.env), c.req.param("id")))),
  )
  .get(
    "/sessions",
    describeRoute({
      summary: "Live dashboard sessions (optionally `?user=ID`)",
      tag: "admin",
      responses: { 200: ["Sessions, newest first", z.object({ sessions: z.array(Session) })] },
    }),
    async (c) => c.json({ sessions: await liveSessions(db(c.env), c.req.query("user")) }),
  )
  .post(
    "/sessions/:id/revoke",
    describeRoute({
      summary: "Revoke a dashboard session",
      tag: "admin",
      responses: {
        200: ["Revoked", z.object({ revoked: z.string() })],
        404: ["No live session with this id", ErrorEnvelope],
      },
    }),
    async (c) => {
      const id = c.req.param("id");
      if (!(await revokeSession(db(c.env), id)))
        throw new ApiError(404, "unknown_session", `No live session ${id}`);
      return c.json({ revoked: id });
    },
  );
