import {
  CookiebotSettings,
  GoogleConsentModeSettings,
  OneTrustSettings,
  TcfSettings,
  type ConsentConfig,
} from "../../decide/config-schema.ts";
import type { ConsentChoice } from "../consent.ts";
import { cookieRuleChoice } from "./cookie-rule.ts";
import { cookiebotChoice } from "./cookiebot.ts";
import { gcmChoice } from "./google-consent-mode.ts";
import { oneTrustChoice } from "./onetrust.ts";
import { rawCookie } from "./raw-cookie.ts";
import { tcfChoice } from "./tcf.ts";

/** Each source's settings when its block is omitted from the config. */
const DEFAULTS = {
  tcf: TcfSettings.parse({}),
  googleConsentMode: GoogleConsentModeSettings.parse({}),
  cookiebot: CookiebotSettings.parse({}),
  onetrust: OneTrustSettings.parse({}),
};

/**
 * The visitor's answer to the shop's consent manager, read from its cookie as the config says
 * (docs/consent-managers.md). Null when there is no answer Vitrine recognises: no cookie, or
 * one that is malformed. Never throws: a page must not fail over a consent cookie.
 */
export function readShopConsent(
  config: ConsentConfig,
  cookieHeader: string | null,
): ConsentChoice | null {
  try {
    switch (config.from) {
      case "vitrine":
        return null;
      case "tcf": {
        const s = config.tcf ?? DEFAULTS.tcf;
        return tcfChoice(rawCookie(cookieHeader, s.cookie), s);
      }
      case "google-consent-mode": {
        const s = config.googleConsentMode ?? DEFAULTS.googleConsentMode;
        return gcmChoice(rawCookie(cookieHeader, s.cookie), s);
      }
      case "cookiebot": {
        const s = config.cookiebot ?? DEFAULTS.cookiebot;
        return cookiebotChoice(rawCookie(cookieHeader, s.cookie), s);
      }
      case "onetrust": {
        const s = config.onetrust ?? DEFAULTS.onetrust;
        return oneTrustChoice(rawCookie(cookieHeader, s.cookie), s);
      }
      case "cookie":
        return config.cookie
          ? cookieRuleChoice(rawCookie(cookieHeader, config.cookie.name), config.cookie)
          : null;
    }
  } catch (err) {
    console.warn(JSON.stringify({ msg: "consent cookie unreadable", error: String(err) }));
    return null;
  }
}
