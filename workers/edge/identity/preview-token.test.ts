import { describe, expect, it } from "vitest";
import {
  createPreviewToken,
  PREVIEW_MAX_LIFETIME_MS,
  verifyPreviewToken,
} from "./preview-token.ts";

const SECRET = "unit-test-secret-0123456789";

describe("preview tokens", () => {
  it("verify only when signed with the secret and not expired, naming the config version", async () => {
    const token = await createPreviewToken("spontaneous-offer", 7, 2_000, SECRET);
    expect(await verifyPreviewToken(token, 1_000, SECRET)).toEqual({
      ok: true,
      variantId: "spontaneous-offer",
      configVersion: 7,
    });
    expect(await verifyPreviewToken(token, 3_000, SECRET)).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await verifyPreviewToken(token, 1_000, "another-secret-0000")).toMatchObject({
      reason: "forged",
    });
    expect(
      await verifyPreviewToken(token.replace("spontaneous", "methodical"), 1_000, SECRET),
    ).toMatchObject({ reason: "forged" });
    // The version is signed too: a token cannot be moved to another config.
    expect(await verifyPreviewToken(token.replace(".7.", ".8."), 1_000, SECRET)).toMatchObject({
      reason: "forged",
    });
    expect(await verifyPreviewToken("garbage", 1_000, SECRET)).toMatchObject({
      reason: "malformed",
    });
    expect(await verifyPreviewToken(null, 1_000, SECRET)).toMatchObject({ reason: "malformed" });
  });

  it("refuses a token valid for longer than the maximum lifetime", async () => {
    const now = 1_000_000;
    const atLimit = await createPreviewToken("v", 1, now + PREVIEW_MAX_LIFETIME_MS, SECRET);
    expect(await verifyPreviewToken(atLimit, now, SECRET)).toMatchObject({ ok: true });
    const tooLong = await createPreviewToken("v", 1, now + PREVIEW_MAX_LIFETIME_MS + 1, SECRET);
    expect(await verifyPreviewToken(tooLong, now, SECRET)).toEqual({
      ok: false,
      reason: "too-long",
    });
  });
});
