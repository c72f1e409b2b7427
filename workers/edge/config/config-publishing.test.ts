import { describe, expect, it } from "vitest";
import { messageOf, publishTimeOf, validateConfigText } from "./config-publishing.ts";

const NOW = Date.UTC(2031, 0, 1, 12);

describe("publishTimeOf", () => {
  it("reads a zone-less datetime-local field as UTC, and ISO dates and epoch ms as given", () => {
    expect(publishTimeOf("2031-01-01T13:30", NOW)).toBe(Date.UTC(2031, 0, 1, 13, 30));
    expect(publishTimeOf("2031-01-01T15:30+02:00", NOW)).toBe(Date.UTC(2031, 0, 1, 13, 30));
    expect(publishTimeOf(String(NOW + 60_000), NOW)).toBe(NOW + 60_000);
  });

  it("refuses past, far-future and unreadable times, naming the field", () => {
    expect(() => publishTimeOf("2031-01-01T11:00", NOW)).toThrow(
      /publishAt: must be in the future/,
    );
    expect(() => publishTimeOf("2033-01-01T11:00", NOW)).toThrow(/publishAt: at most a year ahead/);
    expect(() => publishTimeOf("tomorrow", NOW)).toThrow(/publishAt: "tomorrow" is not a date/);
  });
});

describe("messageOf and validateConfigText", () => {
  it("requires a message when asked and bounds its length", () => {
    expect(messageOf("  why  ", true)).toBe("why");
    expect(messageOf("", false)).toBeNull();
    expect(() => messageOf("  ", true)).toThrow(/message: say what/);
    expect(() => messageOf("x".repeat(501), false)).toThrow(/message: at most 500/);
  });

  it("reports bad JSON and every invalid path at once", () => {
    const json = validateConfigText("{");
    expect(json).toMatchObject({ ok: false, code: "invalid_json" });
    const bad = validateConfigText(JSON.stringify({ version: 1, enabled: "yes", holdout: 5 }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.some((e) => e.startsWith("enabled"))).toBe(true);
      expect(bad.errors.some((e) => e.startsWith("holdout"))).toBe(true);
    }
  });
});
