import type { Channel } from "../model/context.ts";

const SEARCH =
  /(^|\.)(google|bing|duckduckgo|yahoo|yandex|baidu|ecosia|qwant|startpage|seznam|naver|brave)\./i;
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|t\.co|twitter|x\.com|linkedin|lnkd\.in|pinterest|reddit|tiktok|youtube|youtu\.be|threads|snapchat|wykop|vk)\b/i;
const WEBMAIL = /(^|\.)(mail\.google|outlook\.live|mail\.yahoo|poczta\.|mail\.proton|gmx|web\.de)/i;
const CLICK_IDS = [
  "gclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "fbclid",
  "dclid",
  "ttclid",
  "twclid",
  "li_fat_id",
];

export type ChannelInfo = {
  channel: Channel;
  campaign: string | null;
  referrerHost: string | null;
};

/**
 * Where this visit came from: UTM tags win (the shop set them), then ad click ids, then the
 * referrer's host. A referrer on the shop's own host is navigation, not a source.
 */
export function channelOf(url: URL, referer: string | null): ChannelInfo {
  const q = url.searchParams;
  const campaign = q.get("utm_campaign")?.slice(0, 100) || null;
  let referrerHost: string | null = null;
  try {
    referrerHost = referer ? new URL(referer).hostname.toLowerCase() : null;
  } catch {
    referrerHost = null;
  }
  const medium = (q.get("utm_medium") ?? "").toLowerCase();
  const source = (q.get("utm_source") ?? "").toLowerCase();
  if (medium) {
    if (
      /^(cpc|ppc|paid|paidsearch|paid[-_ ]?social|display|cpm|banner|retargeting|affiliate)/.test(
        medium,
      )
    ) {
      return { channel: "paid", campaign, referrerHost };
    }
    if (/e-?mail|newsletter/.test(medium)) return { channel: "email", campaign, referrerHost };
    if (/social/.test(medium)) return { channel: "social", campaign, referrerHost };
    if (/organic|seo/.test(medium)) return { channel: "search", campaign, referrerHost };
    if (/referral/.test(medium)) return { channel: "referral", campaign, referrerHost };
  }
  if (CLICK_IDS.some((id) => q.has(id))) return { channel: "paid", campaign, referrerHost };
  if (source && /newsletter|mailchimp|klaviyo|email/.test(source))
    return { channel: "email", campaign, referrerHost };
  if (!referrerHost || referrerHost === url.hostname.toLowerCase())
    return { channel: "direct", campaign, referrerHost: null };
  if (WEBMAIL.test(referrerHost)) return { channel: "email", campaign, referrerHost };
  if (SEARCH.test(referrerHost)) return { channel: "search", campaign, referrerHost };
  if (SOCIAL.test(referrerHost)) return { channel: "social", campaign, referrerHost };
  return { channel: "referral", campaign, referrerHost };
}
