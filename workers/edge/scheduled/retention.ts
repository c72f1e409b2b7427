import { lt } from "drizzle-orm";
import { events } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import type { Settings } from "../settings.ts";
import * as clock from "../clock.ts";

const DAY_MS = 24 * 3600 * 1000;

/** Deletes raw touchpoints older than the retention limit; aggregates and orders stay. */
export async function enforceEventRetention(
  settings: Settings,
  now = clock.now(),
): Promise<{ deleted: number; cutoff: number }> {
  const cutoff = now - settings.eventRetentionDays * DAY_MS;
  const result = await createDb(settings).delete(events).where(lt(events.occurredAt, cutoff));
  return { deleted: result.rowsAffected, cutoff };
}
