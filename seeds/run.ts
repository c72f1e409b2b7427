import { eq, sql, type Table } from "drizzle-orm";
import { pathToFileURL } from "node:url";
import * as schema from "../schema/index.ts";
import { connect, isLocalDatabase, type Connection } from "../dev/database.ts";
import { generateCatalog } from "./catalog.ts";
import { generateExposures, loadDemoConfig } from "./experiments.ts";
import { generateHistories } from "./histories.ts";
import { withProfiles } from "./profiles.ts";
import * as clock from "../workers/edge/clock.ts";

/** Bump when the generators change so an existing local database is re-seeded. */
export const SEED_VERSION = 4;
const SEED_STATE = "seed";
const CHUNK = 200;

export type SeedOptions = {
  reset?: boolean;
  visitors?: number;
  /** The clock's time (default: now); the demo data ends at the start of its day. */
  now?: number;
  /**
   * Data seeded on an earlier day is wiped and generated again for today (local databases
   * only), so windows such as "sold in the last 30 days" still find it. `npm start` sets it.
   */
  refreshStale?: boolean;
  log?: (msg: string) => void;
};
export type SeedResult = {
  skipped: boolean;
  rows: Record<string, number>;
  /** Midnight UTC of the day the data was generated for. */
  anchor: number;
  /** Set when older demo data was replaced: the day it had been generated for. */
  replacedAnchor?: number;
};
type SeedState = { version: number; rows?: Record<string, number>; anchor?: number };

// Children before parents when deleting; the reverse when inserting.
const TABLES_IN_DELETE_ORDER: [string, Table][] = [
  ["exposures", schema.exposures],
  ["experiments", schema.experiments],
  ["orderLines", schema.orderLines],
  ["orders", schema.orders],
  ["events", schema.events],
  ["sessions", schema.sessions],
  ["consents", schema.consents],
  ["identities", schema.identities],
  ["customers", schema.customers],
  ["visitors", schema.visitors],
  ["products", schema.products],
  ["categories", schema.categories],
];

/**
 * Loads the demo catalog and visitor histories. Idempotent: rows are keyed, conflicts are
 * skipped, and a finished seed of the same version is not redone. `reset` wipes the demo
 * tables first and is refused for any database that is not on this machine.
 */
export async function seedDatabase(
  conn: Connection,
  options: SeedOptions = {},
): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const local = isLocalDatabase(conn.url);
  if (options.reset && !local) {
    throw new Error(
      `refusing to reset ${conn.url}: seeding with --reset only runs on a local database`,
    );
  }
  const anchor = clock.dayStart(options.now ?? clock.now());
  const { client, db } = connect(conn);
  try {
    const [row] = await db
      .select()
      .from(schema.jobState)
      .where(eq(schema.jobState.name, SEED_STATE));
    const state = row?.value as SeedState | undefined;
    // A seed of another version, or of an earlier day when asked to refresh, is replaced.
    const current =
      state?.version === SEED_VERSION && (state.anchor === anchor || !options.refreshStale);
    if (!options.reset && current) {
      return { skipped: true, rows: state.rows ?? {}, anchor: state.anchor ?? anchor };
    }
    const replaced = state && !current ? state : undefined;
    if (replaced && !local) {
      throw new Error(
        `refusing to replace the demo data on ${conn.url}: it is not on this machine`,
      );
    }
    if (options.reset || replaced) {
      for (const [, table] of TABLES_IN_DELETE_ORDER) await db.delete(table);
      log("demo tables cleared");
    }
    const catalog = generateCatalog({ now: anchor });
    // Personas are the generator's ground truth for tests and evaluation, not data to store.
    const { personaOf: _personas, ...generated } = generateHistories(catalog, {
      now: anchor,
      visitors: options.visitors,
    });
    const histories = withProfiles(generated, catalog, anchor);
    // Exposures as the Worker would have logged them under the demo configuration.
    const experimentData = generateExposures(histories, loadDemoConfig(anchor), anchor);
    const data: Record<string, Record<string, unknown>[]> = {
      ...catalog,
      ...histories,
      ...experimentData,
    };
    const rows: Record<string, number> = {};
    for (const [name, table] of [...TABLES_IN_DELETE_ORDER].reverse()) {
      const list = data[name] ?? [];
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK);
        const insert = db.insert(table).values(chunk as never);
        // Profiles are derived data: an older seed's visitors get them on re-seeding.
        await (table === schema.visitors
          ? insert.onConflictDoUpdate({
              target: schema.visitors.id,
              set: {
                profile: sql`excluded.profile`,
                profileVersion: sql`excluded.profile_version`,
              },
            })
          : insert.onConflictDoNothing());
      }
      rows[name] = list.length;
      log(`${name}: ${list.length}`);
    }
    const value: SeedState = { version: SEED_VERSION, rows, anchor };
    await db
      .insert(schema.jobState)
      .values({ name: SEED_STATE, value, updatedAt: clock.now() })
      .onConflictDoUpdate({ target: schema.jobState.name, set: { value, updatedAt: clock.now() } });
    return { skipped: false, rows, anchor, replacedAnchor: replaced?.anchor };
  } finally {
    client.close();
  }
}

// CLI: TURSO_URL=... npm run seed [-- --reset] [-- --visitors N]
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const unknown = args.filter(
    (a, i) => !["--reset", "--visitors"].includes(a) && args[i - 1] !== "--visitors",
  );
  const visitorsAt = args.indexOf("--visitors");
  const visitors = visitorsAt >= 0 ? Number(args[visitorsAt + 1]) : undefined;
  if (unknown.length) {
    console.error(`seed: unknown argument ${unknown[0]} (use --reset, --visitors N)`);
    process.exit(2);
  }
  if (visitors !== undefined && !(Number.isInteger(visitors) && visitors > 0)) {
    console.error("seed: --visitors must be a positive whole number");
    process.exit(2);
  }
  const url = process.env.TURSO_URL ?? "http://127.0.0.1:8080";
  try {
    const result = await seedDatabase(
      { url, authToken: process.env.TURSO_AUTH_TOKEN },
      { reset: args.includes("--reset"), visitors, log: console.log },
    );
    console.log(result.skipped ? `already seeded (${url})` : `seeded ${url}`);
  } catch (err) {
    console.error(`seed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
