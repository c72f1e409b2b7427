import { describe, expect, it } from "vitest";
import { createPreviewToken, verifyPreviewToken } from "./preview-token.ts";

const SECRET = "unit-test-secret-0123456789";

describe("preview tokens", () => {
  it("verify only when signed with the secret and not expired", async () => {
    const token = await createPreviewToken("spontaneous-offer", 2_000, SECRET);
    expect(await verifyPreviewToken(token, 1_000, SECRET)).toBe("spontaneous-offer");
    expect(await verifyPreviewToken(token, 3_000, SECRET)).toBeNull();
    expect(await verifyPreviewToken(token, 1_000, "another-secret-0000")).toBeNull();
    expect(
      await verifyPreviewToken(token.replace("spontaneous", "methodical"), 1_000, SECRET),
    ).toBeNull();
    expect(await verifyPreviewToken("garbage", 1_000, SECRET)).toBeNull();
    expect(await verifyPreviewToken(null, 1_000, SECRET)).toBeNull();
  });
});
