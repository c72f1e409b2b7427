import { parse, serializeSigned } from "hono/utils/cookie";
import { describe, expect, it } from "vitest";
import { signValue, timingSafeEqual, verifySignedValue } from "./signed-value.ts";

const SECRET = "unit-test-secret-0123456789";

describe("signValue / verifySignedValue", () => {
  it("signs as value.base64url and verifies back", async () => {
    const signed = await signValue("visitor-aaaa-0001", SECRET);
    expect(signed).toMatch(/^visitor-aaaa-0001\.[A-Za-z0-9_-]{43}$/);
    expect(await verifySignedValue(signed, SECRET)).toBe("visitor-aaaa-0001");
    // Values may contain dots: the signature is after the last one.
    const consent = await signValue("p1.a0.1732300000000", SECRET);
    expect(await verifySignedValue(consent, SECRET)).toBe("p1.a0.1732300000000");
    expect(await verifySignedValue(await signValue("", SECRET), SECRET)).toBe("");
  });

  it("computes HMAC-SHA256 (RFC 4231 test case 2)", async () => {
    const expected = Buffer.from(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      "hex",
    ).toString("base64url");
    expect(await signValue("what do ya want for nothing?", "Jefe")).toBe(
      `what do ya want for nothing?.${expected}`,
    );
  });

  it("rejects a tampered value, a tampered signature and another secret", async () => {
    const signed = await signValue("visitor-aaaa-0001", SECRET);
    const [value, sig] = [signed.slice(0, signed.lastIndexOf(".")), signed.slice(-43)];
    expect(await verifySignedValue(`${value.replace("aaaa", "bbbb")}.${sig}`, SECRET)).toBeNull();
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    expect(await verifySignedValue(`${value}.${flipped}`, SECRET)).toBeNull();
    expect(await verifySignedValue(signed, "another-secret-0123456789")).toBeNull();
    expect(
      await verifySignedValue(await signValue(value, "another-secret-0123456789"), SECRET),
    ).toBeNull();
  });

  it("remembers verified strings per secret without letting anything else through", async () => {
    const signed = await signValue("visitor-cccc-0003", SECRET);
    // Verified twice: the second answer comes from memory and must be the same.
    expect(await verifySignedValue(signed, SECRET)).toBe("visitor-cccc-0003");
    expect(await verifySignedValue(signed, SECRET)).toBe("visitor-cccc-0003");
    // Near-copies of a remembered string still go through the HMAC and fail.
    expect(await verifySignedValue(signed.replace("cccc", "dddd"), SECRET)).toBeNull();
    expect(await verifySignedValue(`${signed}A`, SECRET)).toBeNull();
    expect(await verifySignedValue(` ${signed}`, SECRET)).toBeNull();
    // A string remembered under one secret is not valid under another.
    expect(await verifySignedValue(signed, "another-secret-0123456789")).toBeNull();
  });

  it("rejects a non-canonical signature that decodes to the same bytes", async () => {
    const signed = await signValue("visitor-aaaa-0001", SECRET);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // The last of 43 characters carries 4 bits and 2 zero padding bits; setting one changes nothing else.
    const last = alphabet.indexOf(signed.at(-1)!);
    expect(last % 4).toBe(0);
    const variant = signed.slice(0, -1) + alphabet[last + 1];
    expect(await verifySignedValue(variant, SECRET)).toBeNull();
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["no dot", "visitor-aaaa-0001"],
    ["empty signature", "visitor-aaaa-0001."],
    ["short signature", "visitor-aaaa-0001.abc"],
    ["signature too long", `v.${"A".repeat(44)}`],
    ["not base64", `v.${"!".repeat(43)}`],
    ["non-ASCII in signature", `v.${"é".repeat(43)}`],
    ["non-canonical last char", `v.${"A".repeat(42)}B`],
    ["oversize", `${"x".repeat(5000)}.${"A".repeat(43)}`],
  ])("malformed input (%s) verifies as null", async (_name, input) => {
    await expect(verifySignedValue(input, SECRET)).resolves.toBeNull();
  });

  it("never throws on an empty secret when verifying, refuses to sign with one", async () => {
    const signed = await signValue("v", SECRET);
    await expect(verifySignedValue(signed, "")).resolves.toBeNull();
    await expect(signValue("v", "")).rejects.toThrow(/secret is empty/);
  });

  it("verifies cookies signed by hono's serializeSigned (standard base64 with padding)", async () => {
    const header = (await serializeSigned("vt_id", "visitor-aaaa-0001", SECRET)).split(";")[0]!;
    const raw = parse(header, "vt_id").vt_id!;
    expect(raw).toMatch(/\.[A-Za-z0-9+/]{43}=$/);
    expect(await verifySignedValue(raw, SECRET)).toBe("visitor-aaaa-0001");
  });
});

describe("timingSafeEqual", () => {
  it("compares bytes and lengths", () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2]))).toBe(false);
  });
});
