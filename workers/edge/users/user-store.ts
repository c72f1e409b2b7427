import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { users, userSessions } from "../../../schema/index.ts";
import * as clock from "../clock.ts";
import type { UsersDb as Db } from "./user-db.ts";
import { UserError } from "./user-db.ts";
import { hashPassword, oneTimePassword } from "./passwords.ts";
import { ROLES } from "./roles.ts";
import { forgetSessions } from "./user-sessions.ts";

/** A new user; without `password`, a one-time one is generated and returned once. */
export const NewUser = z.strictObject({
  email: z.email({ error: "must be an email address" }).max(254),
  name: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
  password: z.string().min(12, { error: "must be at least 12 characters" }).max(200).optional(),
});

/** What is shown of a user: never the password hash. */
export const PUBLIC_USER = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  disabledAt: users.disabledAt,
};

/** Creates a user; 409 when the email is taken. Returns the password when it was generated. */
export async function createUser(db: Db, input: z.output<typeof NewUser>) {
  const email = input.email.trim().toLowerCase();
  const taken = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (taken.length) throw new UserError(409, "email_taken", `email: ${email} already has a user`);
  const password = input.password ?? oneTimePassword();
  const user = {
    id: crypto.randomUUID(),
    email,
    name: input.name ?? email.split("@")[0]!,
    role: input.role,
    passwordHash: await hashPassword(password),
    createdAt: clock.now(),
    disabledAt: null,
  };
  await db.insert(users).values(user);
  const { passwordHash: _, ...shown } = user;
  return { user: shown, password: input.password ? undefined : password };
}

export const listUsers = (db: Db) =>
  db.select(PUBLIC_USER).from(users).orderBy(users.email).limit(500);

async function updateUser(db: Db, id: string, set: Partial<typeof users.$inferInsert>) {
  const [row] = await db.update(users).set(set).where(eq(users.id, id)).returning(PUBLIC_USER);
  if (!row) throw new UserError(404, "unknown_user", `No user with id ${id}`);
  forgetSessions({ userId: id });
  return row;
}

/** Changes a role; takes effect on the user's next request in this isolate. */
export const setRole = (db: Db, id: string, role: (typeof ROLES)[number]) =>
  updateUser(db, id, { role });

/** Disables a user and revokes every live session of theirs; the row stays (it names authors). */
export async function disableUser(db: Db, id: string) {
  const now = clock.now();
  const row = await updateUser(db, id, { disabledAt: now });
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.userId, id), isNull(userSessions.revokedAt)));
  return row;
}

/** Sessions not yet revoked or expired, newest first (optionally of one user). */
export function liveSessions(db: Db, userId?: string) {
  const live = and(isNull(userSessions.revokedAt), gt(userSessions.expiresAt, clock.now()));
  return db
    .select({
      id: userSessions.id,
      userId: userSessions.userId,
      email: users.email,
      createdAt: userSessions.createdAt,
      expiresAt: userSessions.expiresAt,
      userAgent: userSessions.userAgent,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(userId ? and(live, eq(userSessions.userId, userId)) : live)
    .orderBy(desc(userSessions.createdAt))
    .limit(500);
}
