import { describe, expect, it } from "vitest";
import { SettingsError, settingsOf } from "./settings.ts";

const valid = {
  ORIGIN_URL: "http://127.0.0.1:3000",
  PERSONALIZATION_BUDGET_MS: "40",
  EVENT_RETENTION_DAYS: "30",
  TURSO_URL: "libsql://db.example.turso.io",
  TURSO_AUTH_TOKEN: "t",
  COOKIE_SECRET: "0123456789abcdef0123",
  ADMIN_TOKEN: "admin-token",
} as unknown as Env;

describe("settingsOf", () => {
  it("parses vars and secrets into typed settings", () => {
    const s = settingsOf(valid);
    expect(s.origin.host).toBe("127.0.0.1:3000");
    expect(s.budgetMs).toBe(40);
    expect(s.eventRetentionDays).toBe(30);
    expect(s.originTimeoutMs).toBe(10_000);
  });

  it("takes ORIGIN_TIMEOUT_MS and refuses values that are not a sane whole number of ms", () => {
    expect(settingsOf({ ...valid, ORIGIN_TIMEOUT_MS: "2500" } as Env).originTimeoutMs).toBe(2500);
    for (const value of ["0", "-1", "abc", "1.5", "99", "100001"]) {
      const bad = { ...valid, ORIGIN_TIMEOUT_MS: value } as Env;
      expect(() => settingsOf(bad), value).toThrow(/ORIGIN_TIMEOUT_MS:/);
    }
  });

  it("names every bad field", () => {
    const bad = { ...valid, ORIGIN_URL: "ftp://x", COOKIE_SECRET: "short" } as unknown as Env;
    expect(() => settingsOf(bad)).toThrow(SettingsError);
    try {
      settingsOf(bad);
    } catch (err) {
      const issues = (err as SettingsError).issues.join("\n");
      expect(issues).toMatch(/^ORIGIN_URL:/m);
      expect(issues).toMatch(/^COOKIE_SECRET: must be at least 16 characters/m);
    }
  });
});
