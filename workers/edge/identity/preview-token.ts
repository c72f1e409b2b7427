import { Persona } from "../decide/persona.ts";
import { signValue, verifySignedValue } from "./signed-value.ts";

/** The longest a preview token may be valid for: a leaked link stops working within a day. */
export const PREVIEW_MAX_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * `?vt_preview=<variant>.<config version>.<expires>.<signature>`: lets QA force a variant of
 * one config version until it expires (at most PREVIEW_MAX_LIFETIME_MS ahead).
 */
export async function createPreviewToken(
  variantId: string,
  configVersion: number,
  expiresAt: number,
  secret: string,
): Promise<string> {
  const payload = `${variantId}.${configVersion}.${expiresAt}`;
  return (await signValue(signed(payload), secret)).slice(signed("").length);
}

/** What a preview token allows, or why it allows nothing. */
export type PreviewCheck =
  | { ok: true; variantId: string; configVersion: number }
  | { ok: false; reason: "malformed" | "forged" | "expired" | "too-long" };

// The MAC covers a preview-only prefix: no other signed value can pass as a token.
const signed = (payload: string) => `preview:v2:${payload}`;

/**
 * Checks a token's shape, signature and expiry; a token valid for longer than
 * PREVIEW_MAX_LIFETIME_MS from `now` is refused. The config version is the caller's to compare
 * with the active one.
 */
export async function verifyPreviewToken(
  token: string | null,
  now: number,
  secret: string,
): Promise<PreviewCheck> {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{20,100})$/.exec(
    token ?? "",
  );
  if (!m) return { ok: false, reason: "malformed" };
  const [, variantId, version, expires, sig] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const payload = signed(`${variantId}.${version}.${expires}`);
  if ((await verifySignedValue(`${payload}.${sig}`, secret)) !== payload)
    return { ok: false, reason: "forged" };
  if (Number(expires) < now) return { ok: false, reason: "expired" };
  if (Number(expires) - now > PREVIEW_MAX_LIFETIME_MS) return { ok: false, reason: "too-long" };
  return { ok: true, variantId, configVersion: Number(version) };
}

/**
 * `?vt_preview=persona.<config version, 0 = active>.<expires>.<persona>.<signature>`: shows
 * the page as the decision engine would for a made-up visitor (decide/persona.ts), from the
 * active config or a recorded draft version, recording nothing (personalize/persona-preview.ts).
 * The persona is base64url JSON; the signature covers all of it.
 */
export async function createPersonaToken(
  persona: Persona,
  configVersion: number | null,
  expiresAt: number,
  secret: string,
): Promise<string> {
  const payload = `${PERSONA}.${configVersion ?? 0}.${expiresAt}.${toBase64url(JSON.stringify(persona))}`;
  return (await signValue(personaSigned(payload), secret)).slice(personaSigned("").length);
}

export type PersonaCheck =
  | { ok: true; persona: Persona; configVersion: number | null }
  | { ok: false; reason: "malformed" | "forged" | "expired" | "too-long" };

const PERSONA = "persona";
// Its own MAC prefix: a variant token cannot pass as a persona token, nor the reverse.
const personaSigned = (payload: string) => `preview:persona:v1:${payload}`;
/** A signed value holds at most 4096 characters (see signed-value.ts). */
const MAX_PERSONA_CHARS = 3000;

/** Whether a `vt_preview` value is a persona token (checked or not): the page path's switch. */
export const isPersonaToken = (token: string | null): boolean =>
  token?.startsWith(`${PERSONA}.`) ?? false;

/** Checks a persona token like verifyPreviewToken, and that its persona is well formed. */
export async function verifyPersonaToken(
  token: string | null,
  now: number,
  secret: string,
): Promise<PersonaCheck> {
  const m = new RegExp(
    `^${PERSONA}\\.(\\d{1,9})\\.(\\d{1,15})\\.([A-Za-z0-9_-]{1,${MAX_PERSONA_CHARS}})\\.([A-Za-z0-9_-]{20,100})$`,
  ).exec(token ?? "");
  if (!m) return { ok: false, reason: "malformed" };
  const [, version, expires, body, sig] = m as unknown as [string, string, string, string, string];
  const payload = personaSigned(`${PERSONA}.${version}.${expires}.${body}`);
  if ((await verifySignedValue(`${payload}.${sig}`, secret)) !== payload)
    return { ok: false, reason: "forged" };
  if (Number(expires) < now) return { ok: false, reason: "expired" };
  if (Number(expires) - now > PREVIEW_MAX_LIFETIME_MS) return { ok: false, reason: "too-long" };
  let json: unknown;
  try {
    json = JSON.parse(fromBase64url(body));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const persona = Persona.safeParse(json);
  if (!persona.success) return { ok: false, reason: "malformed" };
  return { ok: true, persona: persona.data, configVersion: Number(version) || null };
}

function toBase64url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
