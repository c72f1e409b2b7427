import { describe, expect, it } from "vitest";
import { cspAllowance, cspReport } from "./csp.ts";

const SHOP = new URL("https://shop.example/p/1");

describe("cspAllowance", () => {
  it("allows everything without a policy", () => {
    expect(cspAllowance(null, SHOP)).toEqual({ nonce: null, style: true, script: true });
  });

  it("takes the nonce of script-src or style-src, falling back to default-src", () => {
    expect(cspAllowance("script-src 'nonce-abc'; style-src 'nonce-abc'", SHOP)).toEqual({
      nonce: "abc",
      style: true,
      script: true,
    });
    expect(cspAllowance("default-src 'nonce-xyz'", SHOP)).toEqual({
      nonce: "xyz",
      style: true,
      script: true,
    });
  });

  it("blocks what a hash-only, 'none' or strict-dynamic policy without a nonce would block", () => {
    const hashOnly = cspAllowance("script-src 'sha256-a='; style-src 'sha256-b='", SHOP);
    expect(hashOnly).toEqual({ nonce: null, style: false, script: false });
    expect(cspAllowance("default-src 'none'", SHOP)).toMatchObject({ style: false, script: false });
    expect(cspAllowance("script-src 'self' 'strict-dynamic'", SHOP).script).toBe(false);
  });

  it("allows same-origin tags by 'self', the public origin or host, or *", () => {
    for (const source of ["'self'", "https://shop.example", "shop.example", "*"])
      expect(cspAllowance(`default-src ${source}`, SHOP), source).toMatchObject({
        style: true,
        script: true,
      });
    expect(cspAllowance("default-src https://cdn.example", SHOP).style).toBe(false);
  });

  it("needs every policy of a combined header to allow a tag", () => {
    const csp = "default-src 'self', style-src 'sha256-x='";
    expect(cspAllowance(csp, SHOP)).toMatchObject({ style: false, script: true });
  });
});

describe("cspReport", () => {
  it("names only what was wanted and blocked", () => {
    const blocked = { nonce: null, style: false, script: false };
    expect(cspReport(blocked, { style: true, script: true })).toBe("blocked-style, blocked-script");
    expect(cspReport(blocked, { style: false, script: true })).toBe("blocked-script");
    expect(
      cspReport({ ...blocked, style: true, script: true }, { style: true, script: true }),
    ).toBeNull();
  });
});
