import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { fileURLToPath } from "node:url";
import * as schema from "../schema/index.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../schema/migrations", import.meta.url));

export type Connection = { url: string; authToken?: string };

/** Node-side drizzle over the same libSQL protocol the Worker uses. */
export function connect(conn: Connection) {
  const client: Client = createClient({ url: conn.url, authToken: conn.authToken || undefined });
  return { client, db: drizzle(client, { schema }) };
}

/** Applies drizzle-kit's migrations; already applied ones are skipped by drizzle's journal. */
export async function applyMigrations(conn: Connection): Promise<void> {
  const { client, db } = connect(conn);
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    client.close();
  }
}

/**
 * Destructive tools (seeding with reset) only run against a database on this machine: a
 * typo in TURSO_URL must not wipe a production shop.
 */
export function isLocalDatabase(url: string): boolean {
  if (url.startsWith("file:") || url === ":memory:") return true;
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || host === "::1" || host.startsWith("127.");
  } catch {
    return false;
  }
}
