import { describe, expect, it } from "vitest";
import { buildBundle } from "./deploy-check.ts";

const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

describe("wrangler deploy --dry-run", () => {
  it("bundles the Worker under the Free plan's compressed size limit", () => {
    const report = buildBundle();
    expect(report.files.map((f) => f.name)).toContain("index.js");
    expect(report.totalGzipBytes).toBeGreaterThan(10_000);
    expect(report.totalGzipBytes).toBeLessThan(FREE_PLAN_LIMIT);
  }, 120_000);
});
