import type { DeviceClass } from "../model/context.ts";

// Tablets first: iPad and Android tablet UAs also contain "Mobile"-like tokens ("Mobile/15E148").
const TABLET_UA = /ipad|tablet|playbook|silk\/|kindle|\bkf[a-z]{2,4}\b|android(?!.*mobile)/i;
const MOBILE_UA =
  /mobi|iphone|ipod|android.*mobile|windows phone|iemobile|blackberry|bb10|opera mini/i;

/** `"Android"` -> `android` (structured-header strings are quoted). */
function hint(headers: Headers, name: string): string | null {
  const v = headers.get(name);
  return v === null ? null : v.trim().replace(/^"|"$/g, "").toLowerCase();
}

/**
 * Client Hints first, then the user agent. Chromium sends `Sec-CH-UA-Mobile` and
 * `Sec-CH-UA-Platform` on every request; `?0` on Android means a tablet (phones send `?1`).
 * `Sec-CH-UA-Form-Factors` is used when the shop asked for it (Accept-CH).
 * Known blind spot: iPadOS Safari sends a Mac user agent and no hints, so it reads as desktop.
 */
export function detectDevice(headers: Headers): DeviceClass {
  const formFactors = hint(headers, "sec-ch-ua-form-factors");
  if (formFactors) {
    if (/tablet/.test(formFactors)) return "tablet";
    if (/mobile/.test(formFactors)) return "mobile";
    if (/desktop/.test(formFactors)) return "desktop";
  }
  const mobile = hint(headers, "sec-ch-ua-mobile");
  if (mobile === "?1") return "mobile";
  if (mobile === "?0") {
    const platform = hint(headers, "sec-ch-ua-platform");
    if (platform === "android") return "tablet";
    if (platform) return "desktop";
    // No platform hint: let the user agent tell a tablet from a desktop.
  }
  const ua = headers.get("user-agent") ?? "";
  if (TABLET_UA.test(ua)) return "tablet";
  if (mobile !== "?0" && MOBILE_UA.test(ua)) return "mobile";
  return "desktop";
}
