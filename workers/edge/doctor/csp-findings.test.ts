import { describe, expect, it } from "vitest";
import { cspFindings } from "./csp-findings.ts";

const page = new URL("https://shop.example/p/x");

describe("cspFindings", () => {
  it("allows both tags without a policy", () => {
    const f = cspFindings(null, page);
    expect(f).toMatchObject({ header: null, nonce: false });
    expect(f.style).toEqual({ allowed: true, directive: null, why: "no CSP" });
    expect(f.script.allowed).toBe(true);
  });

  it("names the nonce, 'self' and the governing directive", () => {
    const f = cspFindings("default-src 'self'; script-src 'nonce-abc123' 'strict-dynamic'", page);
    expect(f.nonce).toBe(true);
    expect(f.script).toMatchObject({ allowed: true, directive: "script-src" });
    expect(f.script.why).toMatch(/nonce/);
    expect(f.style).toMatchObject({ allowed: true, directive: "default-src" });
    expect(f.style.why).toBe("default-src: allows 'self'");
  });

  it("says what blocks a tag: strict-dynamic, hash-only, 'none', another host", () => {
    const strict = cspFindings("script-src 'strict-dynamic' 'self'", page).script;
    expect(strict).toMatchObject({ allowed: false });
    expect(strict.why).toMatch(/'strict-dynamic' without a nonce/);
    const hashes = cspFindings("style-src 'sha256-AAAA' 'unsafe-hashes'", page).style;
    expect(hashes).toMatchObject({ allowed: false });
    expect(hashes.why).toMatch(/hash-only/);
    expect(cspFindings("default-src 'none'", page).script.why).toBe("default-src: 'none': blocked");
    const cdn = cspFindings("script-src https://cdn.example", page).script;
    expect(cdn).toMatchObject({ allowed: false });
    expect(cdn.why).toMatch(/shop\.example is listed/);
    // The shop's own host by name counts like 'self'.
    expect(cspFindings("script-src https://shop.example", page).script.allowed).toBe(true);
  });

  it("needs every policy of a multi-policy header to allow a tag", () => {
    const f = cspFindings("script-src 'self', script-src https://cdn.example", page);
    expect(f.script.allowed).toBe(false);
    expect(f.script.why).toMatch(/^script-src: allows 'self'; script-src: neither/);
  });
});
