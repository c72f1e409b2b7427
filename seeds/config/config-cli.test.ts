import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli, schemaText, SCHEMA_PATH, type CliIo } from "../../dev/config-cli.ts";

const demo = readFileSync(new URL("./demo-config.json", import.meta.url), "utf8");
const demoJson = JSON.parse(demo);
const broken = JSON.stringify({
  ...demoJson,
  variants: { ...demoJson.variants, x: { slot: "hero", template: "<p>{{{data.html}}}</p>" } },
});

type Call = { url: string; init: RequestInit };

function fakeIo(files: Record<string, string>, reply?: Response) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: Call[] = [];
  const written: Record<string, string> = {};
  const io: CliIo = {
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    writeFile: (path, text) => {
      written[path] = text;
    },
    fetch: async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return reply ?? new Response("{}", { status: 201 });
    },
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io, out, err, calls, written };
}

describe("config CLI", () => {
  it("validate: a good file passes", async () => {
    const t = fakeIo({ "demo.json": demo });
    expect(await runCli(["validate", "demo.json"], t.io)).toBe(0);
    expect(t.out[0]).toMatch(
      /^demo\.json: valid \(version 1, 10 slots, \d+ variants, 1 experiments\)$/,
    );
  });

  it("validate: errors name the path, exit 1", async () => {
    const t = fakeIo({ "bad.json": broken });
    expect(await runCli(["validate", "bad.json"], t.io)).toBe(1);
    expect(t.err).toEqual([
      "bad.json: 1 error(s)",
      "  variants.x.template: triple mustache {{{...}}} is not allowed: it inserts unescaped HTML",
    ]);
    const t2 = fakeIo({ "bad.json": "{ nope" });
    expect(await runCli(["validate", "bad.json"], t2.io)).toBe(1);
    expect(t2.err[0]).toMatch(/^bad\.json: .*JSON/);
  });

  it("publish: validates first and sends nothing when invalid", async () => {
    const t = fakeIo({ "bad.json": broken });
    expect(await runCli(["publish", "bad.json", "--token", "T"], t.io)).toBe(1);
    expect(t.calls).toEqual([]);
  });

  it("publish: POSTs the file with the bearer token and prints the answer", async () => {
    const t = fakeIo(
      { "demo.json": demo },
      new Response(JSON.stringify({ version: 7 }), { status: 201 }),
    );
    const code = await runCli(
      ["publish", "demo.json", "--no-styles", "--url", "http://127.0.0.1:9999/", "--token=secret"],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.calls).toHaveLength(1);
    const { url, init } = t.calls[0]!;
    expect(url).toBe("http://127.0.0.1:9999/__vitrine/v1/admin/config");
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer secret",
    });
    expect(init.body).toBe(demo);
    expect(t.out).toEqual([
      'POST http://127.0.0.1:9999/__vitrine/v1/admin/config -> 201\n{\n  "version": 7\n}',
    ]);
  });

  it("publish: a rejected config exits 1 with the server's details", async () => {
    const body = { code: "invalid_config", message: "bad", details: ["x"] };
    const t = fakeIo({ "demo.json": demo }, new Response(JSON.stringify(body), { status: 400 }));
    t.io.env.ADMIN_TOKEN = "from-env";
    expect(await runCli(["publish", "demo.json", "--no-styles"], t.io)).toBe(1);
    expect((t.calls[0]!.init.headers as Record<string, string>).authorization).toBe(
      "Bearer from-env",
    );
    expect(t.calls[0]!.url).toBe("http://127.0.0.1:8787/__vitrine/v1/admin/config");
    expect(t.err[0]).toContain("-> 400");
    expect(t.err[0]).toContain('"code": "invalid_config"');
  });

  it("publish: an unreachable server is reported, not thrown", async () => {
    const t = fakeIo({ "demo.json": demo });
    t.io.fetch = async () => {
      throw new TypeError("fetch failed");
    };
    expect(await runCli(["publish", "demo.json", "--token", "T", "--no-styles"], t.io)).toBe(1);
    expect(t.err).toEqual([
      "POST http://127.0.0.1:8787/__vitrine/v1/admin/config failed: fetch failed",
    ]);
  });

  it("publish: refuses a config without styles unless told, naming both flags", async () => {
    const t = fakeIo({ "demo.json": demo });
    expect(await runCli(["publish", "demo.json", "--token", "T"], t.io)).toBe(1);
    expect(t.calls).toEqual([]);
    expect(t.err).toHaveLength(1);
    expect(t.err[0]).toMatch(/^demo\.json has no "styles", so the modules would render unstyled/);
    expect(t.err[0]).toContain("--styles CSS_FILE");
    expect(t.err[0]).toContain("--no-styles");
  });

  it("publish: --styles adds the CSS file's text to the config sent", async () => {
    const css = ".vt-card { color: teal }";
    const t = fakeIo({ "demo.json": demo, "shop.css": css });
    expect(
      await runCli(["publish", "demo.json", "--styles", "shop.css", "--token", "T"], t.io),
    ).toBe(0);
    expect(JSON.parse(t.calls[0]!.init.body as string)).toEqual({ ...demoJson, styles: css });
  });

  it("publish: a config carrying its own styles is sent as written, no flag needed", async () => {
    const styled = JSON.stringify({ ...demoJson, styles: ".vt-card { color: teal }" });
    const t = fakeIo({ "styled.json": styled });
    expect(await runCli(["publish", "styled.json", "--token", "T"], t.io)).toBe(0);
    expect(t.calls[0]!.init.body).toBe(styled);
  });

  it("publish: an unreadable --styles file or contradictory flags send nothing", async () => {
    const t = fakeIo({ "demo.json": demo });
    expect(
      await runCli(["publish", "demo.json", "--styles", "gone.css", "--token", "T"], t.io),
    ).toBe(1);
    expect(t.err).toEqual(["--styles gone.css: ENOENT: gone.css"]);
    const both = fakeIo({ "demo.json": demo, "a.css": "p{}" });
    const argv = ["publish", "demo.json", "--styles", "a.css", "--no-styles", "--token", "T"];
    expect(await runCli(argv, both.io)).toBe(1);
    expect(both.err).toEqual(["publish: pass either --styles CSS_FILE or --no-styles, not both"]);
    expect([...t.calls, ...both.calls]).toEqual([]);
  });

  it("unknown commands print usage and exit 2", async () => {
    const t = fakeIo({});
    expect(await runCli(["frobnicate"], t.io)).toBe(2);
    expect(t.err[0]).toContain("Usage:");
  });

  it("schema: writes the committed file's exact text", async () => {
    const t = fakeIo({});
    expect(await runCli(["schema"], t.io)).toBe(0);
    expect(t.written[SCHEMA_PATH]).toBe(await schemaText());
    expect(readFileSync(SCHEMA_PATH, "utf8")).toBe(await schemaText());
  });
});
