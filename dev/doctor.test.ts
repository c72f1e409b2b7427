import { describe, expect, it } from "vitest";
import type { DoctorReport } from "../workers/edge/doctor/report.ts";
import type { CliIo } from "./config-cli.ts";
import { runDoctorCli } from "./doctor.ts";

/** A report as the Worker sends it for a product page (the shapes of doctor/report.ts). */
function productReport(over: Partial<DoctorReport> = {}): DoctorReport {
  return {
    url: "http://127.0.0.1:8787/p/linen-shirt",
    config: { version: 7, enabled: true },
    page: { pageType: "product", productSlug: "linen-shirt", categoryId: null },
    origin: {
      status: 200,
      contentType: "text/html; charset=utf-8",
      contentEncoding: "gzip",
      location: null,
      chars: 18_000,
    },
    product: {
      jsonLd: { productId: "P-42", sku: "P-42", name: "Linen shirt" },
      microdata: null,
    },
    slots: [
      { slotId: "product-badges", selector: "#product-badges", forPageType: true, matches: 1 },
      { slotId: "help-prompt", selector: "#help-prompt", forPageType: true, matches: 0 },
      { slotId: "hero", selector: "#hero", forPageType: false, matches: 0 },
      { slotId: "odd", selector: "div[", forPageType: true, matches: null },
    ],
    charset: { value: "utf-8", source: "header" },
    compression: { ok: true, detail: "gzip (the runtime decodes it)" },
    csp: {
      header: "script-src 'strict-dynamic' 'sha256-x'",
      nonce: false,
      style: { allowed: true, directive: null, why: "no style-src/default-src directive" },
      script: { allowed: false, directive: "script-src", why: "script-src: 'strict-dynamic'" },
    },
    cache: {
      request: { ok: true, detail: "may use the shared copy" },
      response: { ok: true, detail: "shared for 60s" },
    },
    consent: { source: "default", personalization: false, analytics: false, note: "no cookie" },
    injected: {
      visitor: "consenting-test-visitor",
      status: 200,
      mode: "personalized",
      cspBlocked: "blocked-script",
      stylesheet: true,
      tracker: false,
      variants: [{ slotId: "product-badges", variantId: "competitive-badge", reason: "mode" }],
    },
    error: null,
    ...over,
  };
}

function fakeIo(reply: Response | Error) {
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
      if (reply instanceof Error) throw reply;
      return reply;
    },
    env: {},
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io, out, err, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("npm run doctor", () => {
  it("prints each section with ✓/✗ lines saying what Vitrine sees", async () => {
    const t = fakeIo(json(productReport()));
    expect(await runDoctorCli(["/p/linen-shirt", "--token", "T"], t.io)).toBe(0);
    const text = t.out.join("\n");
    const lines = text.split("\n");
    expect(lines[0]).toBe("Vitrine doctor: http://127.0.0.1:8787/p/linen-shirt");
    for (const expected of [
      "  ✓ version 7",
      "  ✓ page type: product",
      "  – product slug: linen-shirt",
      "  ✓ status 200",
      "  ✓ charset: utf-8 (from the Content-Type header)",
      "  ✓ compression: gzip (the runtime decodes it)",
      "  ✓ JSON-LD: P-42 (Linen shirt)",
      "  – microdata: no Product id",
      "  ✓ product-badges (#product-badges): 1 element",
      "  ✗ help-prompt (#help-prompt): no element matches",
      "  – hero (#hero): not configured for product pages",
      "  ✗ odd (div[): invalid selector",
      "  ✓ stylesheet: allowed (no style-src/default-src directive)",
      "  ✗ tracker: blocked (script-src: 'strict-dynamic')",
      "  ✓ cacheable: yes",
      "  – no choice yet: personalization no, analytics no",
      "  – no cookie",
      "  ✓ mode as a consenting test visitor: personalized (status 200)",
      "  ✗ tracker not injected",
      "  ✗ left out for the CSP: blocked-script",
      "  ✓ product-badges: competitive-badge (mode)",
    ]) {
      expect(lines, expected).toContain(expected);
    }
    // Section titles in order, each preceded by a blank line.
    const titles = ["Config", "Page", "Origin", "Product", "Slots", "Content-Security-Policy"];
    const at = titles.map((title) => lines.indexOf(title));
    expect(at.every((i, k) => i > 0 && lines[i - 1] === "" && (k === 0 || i > at[k - 1]!))).toBe(
      true,
    );
  });

  it("says why a page is not cacheable, and that nothing is shown without consent", async () => {
    const report = productReport({
      cache: {
        request: { ok: false, detail: "cookie: the request carries a cookie" },
        response: { ok: false, detail: "private: Cache-Control: private" },
      },
      consent: { source: "cookie", personalization: false, analytics: false, note: null },
      injected: { ...productReport().injected!, visitor: "cookie", mode: "pass", variants: [] },
      charset: { value: null, source: null },
    });
    const t = fakeIo(json(report));
    expect(await runDoctorCli(["/cart", "--token", "T", "--cookie", "a=1"], t.io)).toBe(0);
    const lines = t.out.join("\n").split("\n");
    expect(lines).toContain("  ✗ cacheable: no");
    expect(lines).toContain("  ✗ request: cookie: the request carries a cookie");
    expect(lines).toContain("  ✗ response: private: Cache-Control: private");
    expect(lines).toContain("  ✗ from the vt_consent cookie: personalization no, analytics no");
    expect(lines).toContain("  ✗ mode with your cookie: pass (status 200)");
    expect(lines).toContain("  ✗ no variant shown");
    expect(lines).toContain("  ✗ charset: not declared (browsers guess)");
    expect(JSON.parse(String(t.calls[0]!.init.body))).toEqual({ url: "/cart", cookie: "a=1" });
  });

  it("asks the Worker behind a full URL, with the admin token, and prints --json", async () => {
    const report = productReport();
    const t = fakeIo(json(report));
    const code = await runDoctorCli(
      ["https://shop.example/p/linen-shirt?x=1", "--json", "--token=secret"],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.calls[0]!.url).toBe("https://shop.example/__vitrine/v1/admin/doctor");
    expect(new Headers(t.calls[0]!.init.headers).get("authorization")).toBe("Bearer secret");
    expect(JSON.parse(t.out.join("\n"))).toEqual(report);
  });

  it("reports an origin the Worker could not reach, and exits 1", async () => {
    const t = fakeIo(json(productReport({ error: "the origin did not answer: refused" })));
    expect(await runDoctorCli(["/", "--worker", "http://w.test/", "--token", "T"], t.io)).toBe(1);
    expect(t.calls[0]!.url).toBe("http://w.test/__vitrine/v1/admin/doctor");
    expect(t.out.join("\n")).toContain("  ✗ the origin did not answer: refused");
  });

  it("explains API refusals, an unreachable Worker and bad usage", async () => {
    const refused = fakeIo(json({ code: "unauthorized", message: "Wrong admin token" }, 401));
    expect(await runDoctorCli(["/", "--token", "bad"], refused.io)).toBe(1);
    expect(refused.err.join("\n")).toBe(
      "POST http://127.0.0.1:8787/__vitrine/v1/admin/doctor -> 401: Wrong admin token",
    );
    const down = fakeIo(new Error("connect ECONNREFUSED"));
    expect(await runDoctorCli(["/", "--token", "T"], down.io)).toBe(1);
    expect(down.err.join("\n")).toMatch(/could not reach the Worker .*ECONNREFUSED.*npm start/);
    const usage = fakeIo(json({}));
    expect(await runDoctorCli([], usage.io)).toBe(2);
    expect(usage.err.join("\n")).toMatch(/^doctor: give one URL/);
    expect(await runDoctorCli(["/", "--colour"], usage.io)).toBe(2);
    expect(usage.err.join("\n")).toContain("unknown option --colour");
    expect(await runDoctorCli(["/", "--cookie"], usage.io)).toBe(2);
    expect(usage.err.join("\n")).toContain("--cookie: needs a value");
    expect(usage.calls).toEqual([]);
  });
});
