import { applyMigrations } from "./database.ts";

// Usage: TURSO_URL=... [TURSO_AUTH_TOKEN=...] npm run db:migrate
const url = process.env.TURSO_URL ?? "http://127.0.0.1:8080";
try {
  await applyMigrations({ url, authToken: process.env.TURSO_AUTH_TOKEN });
  console.log(`migrations applied to ${url}`);
} catch (err) {
  console.error(
    `db:migrate failed for TURSO_URL=${url}: ${err instanceof Error ? err.message : err}`,
  );
  process.exit(1);
}
