import { ROLES, type Role } from "../../../schema/users.ts";

export { ROLES, type Role };

/** Who is acting on the dashboard: a named user, or the admin token (break-glass, full access). */
export type Principal =
  | { kind: "user"; userId: string; sessionId: string; email: string; name: string; role: Role }
  | { kind: "token"; role: "admin" };

/** Whether `role` includes what `needed` may do (roles are ordered, each includes the weaker). */
export const allows = (role: Role, needed: Role): boolean =>
  ROLES.indexOf(role) >= ROLES.indexOf(needed);

export const isRole = (value: unknown): value is Role =>
  typeof value === "string" && (ROLES as readonly string[]).includes(value);

/** The name recorded as author of what a principal does. */
export const authorOf = (p: Principal): string =>
  p.kind === "token" ? "admin token" : `${p.name} <${p.email}>`;
