import type { DeviceClass } from "../model/context.ts";

/** Client Hints first (`Sec-CH-UA-Mobile`), then the user agent. */
export function deviceClass(headers: Headers): DeviceClass {
  const mobileHint = headers.get("sec-ch-ua-mobile");
  const ua = headers.get("user-agent") ?? "";
  const tablet = /ipad|tablet|playbook|silk|kindle|(android(?!.*mobile))/i.test(ua);
  if (mobileHint === "?1") return "mobile";
  if (mobileHint === "?0") return tablet ? "tablet" : "desktop";
  if (tablet) return "tablet";
  if (/mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini/i.test(ua))
    return "mobile";
  return "desktop";
}
