import { defineConfig } from "drizzle-kit";

// Generation needs no database; `npm run db:migrate` applies the files to TURSO_URL.
export default defineConfig({
  dialect: "turso",
  schema: "./schema/index.ts",
  out: "./schema/migrations",
  dbCredentials: {
    url: process.env.TURSO_URL ?? "http://127.0.0.1:8080",
    authToken: process.env.TURSO_AUTH_TOKEN,
  },
});
