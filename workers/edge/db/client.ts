import { createClient } from "@libsql/client/web";
import { drizzle } from "drizzle-orm/libsql/web";
import * as schema from "../../../schema/index.ts";
import type { Settings } from "../settings.ts";

export type Db = ReturnType<typeof createDb>;

/**
 * Turso over HTTP (the web client has no native parts, so it runs in workerd).
 * Any libsql://, https:// or local http:// URL works; only URL and token change.
 */
export function createDb(settings: Pick<Settings, "tursoUrl" | "tursoAuthToken">) {
  const client = createClient({
    url: settings.tursoUrl,
    authToken: settings.tursoAuthToken || undefined,
  });
  return drizzle(client, { schema });
}
