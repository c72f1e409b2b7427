import { describe, expect, it } from "vitest";
import { matchPage } from "../workers/edge/context/page-rules.ts";
import { parseConfig } from "../workers/edge/decide/config-schema.ts";
import { PRESET_NAMES } from "../workers/edge/presets/index.ts";
import { runCli, type CliIo } from "./config-cli.ts";

/** The CLI with its output captured; `init` reads and writes no files and calls nothing. */
function captured() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    readFile: (path) => {
      throw new Error(`unexpected read of ${path}`);
    },
    writeFile: (path) => {
      throw new Error(`unexpected write of ${path}`);
    },
    fetch: async () => {
      throw new Error("unexpected fetch");
    },
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io, out, err };
}

describe("config CLI: init", () => {
  it.each(PRESET_NAMES)("prints a valid starter config on %s", async (preset) => {
    const t = captured();
    expect(await runCli(["init", "--preset", preset], t.io)).toBe(0);
    expect(t.err).toEqual([]);
    const json = JSON.parse(t.out.join("\n"));
    expect(json.preset).toBe(preset);
    expect(json.enabled).toBe(false);
    const result = parseConfig(json);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    // The preset's slots and rules come with it: its home page is typed, its banner exists.
    expect(matchPage("/", result.config.pageRules).pageType).toBe("home");
    expect(result.config.slots[json.variants["welcome-back"].slot]).toBeDefined();
  });

  it("takes the shop's currency and locale", async () => {
    const t = captured();
    const argv = ["init", "--preset", "shoper", "--currency", "PLN", "--locale", "pl-PL"];
    expect(await runCli(argv, t.io)).toBe(0);
    expect(JSON.parse(t.out.join("\n")).defaults).toMatchObject({
      currency: "PLN",
      locale: "pl-PL",
    });
  });

  it("refuses a missing or unknown preset, listing the presets", async () => {
    for (const argv of [["init"], ["init", "--preset", "shopify-debut"]]) {
      const t = captured();
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.out).toEqual([]);
      const message = t.err.join("\n");
      expect(message).toMatch(/^--preset: (required|unknown preset "shopify-debut")/);
      for (const name of PRESET_NAMES) expect(message).toContain(name);
    }
  });

  it("refuses a currency that is no ISO code, naming the field", async () => {
    const t = captured();
    expect(await runCli(["init", "--preset", "magento-luma", "--currency", "euro"], t.io)).toBe(1);
    expect(t.out).toEqual([]);
    expect(t.err.join("\n")).toContain("defaults.currency:");
  });
});
