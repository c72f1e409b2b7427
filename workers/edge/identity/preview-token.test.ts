import { describe, expect, it } from "vitest";
import type { Persona } from "../decide/persona.ts";
import {
  createPersonaToken,
  createPreviewToken,
  isPersonaToken,
  PREVIEW_MAX_LIFETIME_MS,
  verifyPersonaToken,
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

describe("persona preview tokens", () => {
  const persona = {
    buyerMode: "methodical",
    segments: ["returning"],
    device: "mobile",
    channel: "email",
    cartItems: 2,
    campaign: "black friday",
  } satisfies Persona;

  it("carry the persona and the config version, signed, until they expire", async () => {
    const token = await createPersonaToken(persona, 12, 2_000, SECRET);
    expect(isPersonaToken(token)).toBe(true);
    expect(await verifyPersonaToken(token, 1_000, SECRET)).toEqual({
      ok: true,
      persona,
      configVersion: 12,
    });
    const active = await createPersonaToken({}, null, 2_000, SECRET);
    expect(await verifyPersonaToken(active, 1_000, SECRET)).toEqual({
      ok: true,
      persona: {},
      configVersion: null,
    });
    expect(await verifyPersonaToken(token, 3_000, SECRET)).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(await verifyPersonaToken(token, 1_000, "another-secret-0000")).toMatchObject({
      reason: "forged",
    });
    // The persona is signed: changing it (here, the device) breaks the signature.
    const [head, version, expires, body, sig] = token.split(".");
    const edited = JSON.stringify({ ...persona, device: "desktop" });
    const editedBody = btoa(edited).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(body).not.toBe(editedBody);
    expect(
      await verifyPersonaToken([head, version, expires, editedBody, sig].join("."), 1_000, SECRET),
    ).toMatchObject({ reason: "forged" });
    expect(
      await verifyPersonaToken(token, 2_000 - PREVIEW_MAX_LIFETIME_MS - 1, SECRET),
    ).toMatchObject({ reason: "too-long" });
  });

  it("are not variant tokens, and variant tokens are not persona tokens", async () => {
    const personaToken = await createPersonaToken(persona, 3, 2_000, SECRET);
    const variantToken = await createPreviewToken("spontaneous-offer", 3, 2_000, SECRET);
    expect(await verifyPreviewToken(personaToken, 1_000, SECRET)).toMatchObject({
      reason: "malformed",
    });
    expect(isPersonaToken(variantToken)).toBe(false);
    expect(await verifyPersonaToken(variantToken, 1_000, SECRET)).toMatchObject({
      reason: "malformed",
    });
    // A variant id that happens to be `persona` still makes a variant token.
    const named = await createPreviewToken("persona", 3, 2_000, SECRET);
    expect(await verifyPreviewToken(named, 1_000, SECRET)).toMatchObject({ ok: true });
  });

  it("refuse a signed persona that is not a valid persona", async () => {
    const bad = await createPersonaToken(
      { device: "fridge" } as unknown as Parameters<typeof createPersonaToken>[0],
      null,
      2_000,
      SECRET,
    );
    expect(await verifyPersonaToken(bad, 1_000, SECRET)).toEqual({
      ok: false,
      reason: "malformed",
    });
  });
});
