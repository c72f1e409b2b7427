import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { CLOCK_PROJECTS } from "./dev/test/clock-projects.ts";

const globalSetup = ["./dev/test/global-setup.ts"];

const CLOCKED = "workers/**/*.clock.worker.test.ts";

const OWN_STATE = [
  "workers/edge/security/**/*.worker.test.ts",
  "workers/edge/scheduled/train-recommendations.worker.test.ts",
];

/** A project running inside workerd with the real wrangler.toml bindings. */
function workerdProject(
  name: string,
  exclude: string[],
  include: string | string[] = "workers/**/*.worker.test.ts",
  extraBindings: Record<string, string> = {},
) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ORIGIN_URL: inject("originUrl"),
            TURSO_URL: inject("tursoUrl"),
            TURSO_AUTH_TOKEN: "",
            COOKIE_SECRET: "test-cookie-secret-0123456789abcdef",
            ADMIN_TOKEN: "test-admin-token",
            ...extraBindings,
          },
        },
      })),
    ],
    test: { name, include: [include].flat(), exclude, globalSetup, testTimeout: 20_000 },
  };
}

/**
 * Seven projects: `node` for pure logic, the libSQL server, seeds and dev tooling;
 * `workerd` (files named *.worker.test.ts) for the Worker's real entry points inside workerd,
 * with the KV namespaces, the Durable Object and cron from wrangler.toml; `faults`
 * (*.faults.worker.test.ts) the same, with Turso behind a switchable fault proxy; two clock
 * projects run *.clock.worker.test.ts a year ahead and a year back; `browser`
 * (*.browser.test.ts) drives Debian's Chromium against the whole local stack.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          environment: "node",
          include: ["{dev,seeds,schema,workers}/**/*.test.ts"],
          exclude: ["**/*.worker.test.ts", "**/*.browser.test.ts", "**/node_modules/**"],
          globalSetup,
          testTimeout: 20_000,
        },
      },
      workerdProject("workerd", ["**/*.faults.worker.test.ts", CLOCKED, ...OWN_STATE]),
      // Suites that assert on what is published (the active config, the serving model and
      // which versions are kept) get their own runtime and Turso, so other files publishing
      // at the same time cannot race them.
      workerdProject("published", ["**/*.faults.worker.test.ts"], OWN_STATE),
      // Faults run on their own: they take Turso down for the whole project while they run.
      workerdProject("faults", [], "workers/**/*.faults.worker.test.ts"),
      // The time-travel suite, once per moved clock, each with Turso seeded for that day.
      ...Object.entries(CLOCK_PROJECTS).map(([name, offset]) =>
        workerdProject(name, [], CLOCKED, { CLOCK_OFFSET_MS: String(offset) }),
      ),
      {
        // Real Chromium against the local stack (dev/browser); runs after the other projects
        // so wrangler dev and the browser do not compete with them for the two cores.
        test: {
          name: "browser",
          environment: "node",
          include: ["dev/browser/**/*.browser.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
