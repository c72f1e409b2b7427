import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns.ts";

/** Dashboard roles, weakest first: each one can do what the ones before it can. */
export const ROLES = ["viewer", "editor", "publisher", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * The dashboard's named users. `passwordHash` is `pbkdf2-sha256$<iterations>$<salt>$<hash>`
 * (base64url), so the cost can rise later without breaking stored hashes. A disabled user
 * keeps its row (versions name their author) but can no longer log in.
 */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role").$type<Role>().notNull(),
  passwordHash: text("password_hash").notNull(),
  createdAt: epochMs("created_at").notNull(),
  disabledAt: epochMs("disabled_at"),
});

/**
 * Dashboard logins. `id` is the SHA-256 (hex) of the 256-bit token in the cookie, so a
 * database read does not hand out live sessions. A session ends at `expiresAt` or when revoked.
 */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: epochMs("created_at").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
    revokedAt: epochMs("revoked_at"),
    userAgent: text("user_agent"),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId, t.createdAt)],
);
