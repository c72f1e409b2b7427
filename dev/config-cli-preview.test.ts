import { describe, expect, it } from "vitest";
import { parseDuration, runCli, type CliIo } from "./config-cli.ts";

function fakeIo(reply: Response) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: { url: string; init: RequestInit }[] = [];
  const io: CliIo = {
    readFile: () => {
      throw new Error("no files in this test");
    },
    writeFile: () => undefined,
    fetch: async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return reply;
    },
    env: { ADMIN_TOKEN: "env-token" },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io, out, err, calls };
}

const link = {
  url: "http://127.0.0.1:8787/p/x?vt_preview=spontaneous-offer.3.1000.sig",
  variant: "spontaneous-offer",
  slot: "promo-banner",
  configVersion: 3,
  expiresAt: 7_200_000,
};

describe("config preview VARIANT", () => {
  it("asks the Worker to sign a link and prints it", async () => {
    const t = fakeIo(new Response(JSON.stringify(link), { status: 201 }));
    const code = await runCli(
      ["preview", "spontaneous-offer", "--path", "/p/x", "--ttl", "2h", "--url", "http://w.test/"],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.calls[0]!.url).toBe("http://w.test/__vitrine/v1/admin/preview");
    expect(new Headers(t.calls[0]!.init.headers).get("authorization")).toBe("Bearer env-token");
    expect(JSON.parse(String(t.calls[0]!.init.body))).toEqual({
      variant: "spontaneous-offer",
      path: "/p/x",
      ttlSeconds: 7200,
    });
    expect(t.out).toEqual([link.url]);
    expect(t.err.join("\n")).toMatch(/shows spontaneous-offer in slot promo-banner until /);
  });

  it("leaves path and lifetime to the Worker's defaults when not given", async () => {
    const t = fakeIo(new Response(JSON.stringify(link), { status: 201 }));
    expect(await runCli(["preview", "spontaneous-offer"], t.io)).toBe(0);
    expect(t.calls[0]!.url).toBe("http://127.0.0.1:8787/__vitrine/v1/admin/preview");
    expect(JSON.parse(String(t.calls[0]!.init.body))).toEqual({ variant: "spontaneous-offer" });
  });

  it("names the bad option before calling, and shows the Worker's refusal", async () => {
    const t = fakeIo(new Response("{}", { status: 201 }));
    expect(await runCli(["preview", "v", "--ttl", "soon"], t.io)).toBe(1);
    expect(t.err.at(-1)).toMatch(/^--ttl: "soon" is not a duration/);
    expect(await runCli(["preview", "v", "--path", "p/x"], t.io)).toBe(1);
    expect(t.err.at(-1)).toMatch(/^--path: "p\/x" must be a path/);
    expect(await runCli(["preview"], t.io)).toBe(2);
    expect(t.calls).toEqual([]);

    const refusal = { code: "unknown_variant", message: 'variant: "v" is not a variant' };
    const r = fakeIo(new Response(JSON.stringify(refusal), { status: 400 }));
    expect(await runCli(["preview", "v"], r.io)).toBe(1);
    expect(r.err.join("\n")).toContain('-> 400\n{\n  "code": "unknown_variant"');
    expect(r.out).toEqual([]);
  });

  it("reads durations in s, m, h and d", () => {
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("30m")).toBe(1800);
    expect(parseDuration("1h")).toBe(3600);
    expect(parseDuration("1d")).toBe(86_400);
    expect(parseDuration("1.5h")).toBeNull();
    expect(parseDuration("-1h")).toBeNull();
  });
});
