import type { Channel } from "../model/context.ts";

export type ChannelInfo = {
  channel: Channel;
  /** `utm_campaign`, trimmed and capped. */
  campaign: string | null;
  /** `utm_source`, else the referrer's host; null for direct and internal navigation. */
  source: string | null;
  /** The external referrer's host (lowercase, without `www.`); null if none or internal. */
  referrerHost: string | null;
  /**
   * The referrer is the shop itself (or a host listed as internal, e.g. the payment provider
   * returning from checkout): navigation within a visit, not a new source. The caller keeps
   * the session's channel; `channel` is then "direct".
   */
  internal: boolean;
};

export type ChannelOptions = {
  /** Extra hosts that count as the shop (checkout domain, payment providers, SSO). */
  internalHosts?: readonly string[];
};

const MAX_LABEL = 100;

// Ad-platform click ids that only ad clicks carry. fbclid is deliberately absent: Facebook and
// Instagram append it to every outbound link, organic shares included.
const PAID_CLICK_IDS = [
  "gclid",
  "gbraid",
  "wbraid",
  "dclid",
  "msclkid",
  "ttclid",
  "twclid",
  "li_fat_id",
];
const SOCIAL_CLICK_IDS = ["fbclid", "igshid"];

// utm_medium vocabularies, after GA4's default channel grouping.
const PAID_MEDIUM =
  /^(.*cp.*|ppc|paid.*|.*[-_ ]paid|retargeting|display|banner|expandable|interstitial|affiliate)$/;
const EMAIL_MEDIUM = /^(e[-_ ]?mail|newsletter|mailing)$/;
const SOCIAL_MEDIUM = /^(social|social[-_ ]?(network|media)|sm|social[-_ ]?organic)$/;
const SEARCH_MEDIUM = /^(organic|seo)$/;
const REFERRAL_MEDIUM = /^(referral|link|partner)$/;

/** `domain` itself or any subdomain of it. */
function under(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

// Checked in this order: webmail before search (mail.google.com, mail.yahoo.com).
const WEBMAIL_HOSTS = [
  "mail.google.com",
  "com.google.android.gm",
  "outlook.live.com",
  "outlook.office.com",
  "outlook.office365.com",
  "mail.yahoo.com",
  "mail.aol.com",
  "mail.proton.me",
  "mail.yandex.ru",
  "mail.ru",
  "gmx.net",
  "gmx.de",
  "gmx.com",
  "web.de",
  "poczta.onet.pl",
  "poczta.wp.pl",
];
const isWebmail = (host: string) => WEBMAIL_HOSTS.some((d) => under(host, d));

// Search engines under any country TLD (google.de, google.co.uk, yandex.ru, search.yahoo.co.jp).
const SEARCH_HOST =
  /(^|\.)(google|bing|yahoo|yandex|baidu|duckduckgo|ecosia|qwant|startpage|seznam|naver|sogou)\.[a-z]{2,3}(\.[a-z]{2})?$/;
const SEARCH_HOSTS = ["search.brave.com", "com.google.android.googlequicksearchbox"];
const isSearch = (host: string) =>
  SEARCH_HOST.test(host) || SEARCH_HOSTS.some((d) => under(host, d));

const SOCIAL_HOSTS = [
  "facebook.com",
  "fb.com",
  "fb.me",
  "messenger.com",
  "instagram.com",
  "threads.net",
  "t.co",
  "twitter.com",
  "x.com",
  "linkedin.com",
  "lnkd.in",
  "reddit.com",
  "tiktok.com",
  "youtube.com",
  "youtu.be",
  "snapchat.com",
  "tumblr.com",
  "vk.com",
  "bsky.app",
  "wykop.pl",
];
// Pinterest runs many country domains (pinterest.de, pinterest.co.uk).
const isSocial = (host: string) =>
  SOCIAL_HOSTS.some((d) => under(host, d)) ||
  /(^|\.)pinterest\.[a-z]{2,3}(\.[a-z]{2})?$/.test(host);

/** A `utm_source` or host name, mapped with the same lists as referrers. */
function channelOfName(name: string): Channel | null {
  if (/^(e-?mail|newsletter)|mailchimp|klaviyo|brevo|sendinblue|mailjet|hubspot.?email/.test(name))
    return "email";
  if (isWebmail(name)) return "email";
  const host = name.includes(".") ? name : `${name}.com`;
  if (isSearch(host)) return "search";
  if (isSocial(host) || /^(ig|fb|twitter|meta)$/.test(name)) return "social";
  return null;
}

function hostOf(referer: string | null): string | null {
  if (!referer) return null;
  try {
    const host = new URL(referer).hostname.toLowerCase();
    return host ? host.replace(/^www\./, "") : null;
  } catch {
    return null;
  }
}

function label(value: string | null): string | null {
  const v = value?.trim();
  return v ? v.slice(0, MAX_LABEL) : null;
}

/**
 * Where this visit came from. In order: `utm_medium` (the shop tagged the link), ad click ids,
 * `utm_source`, the referrer's host, else direct. A referrer on the shop's own host (or a
 * subdomain, or `internalHosts`) is navigation, flagged `internal`.
 */
export function channelOf(
  url: URL,
  referer: string | null,
  options: ChannelOptions = {},
): ChannelInfo {
  const q = url.searchParams;
  const campaign = label(q.get("utm_campaign"));
  const utmSource = label(q.get("utm_source"));
  const medium = (q.get("utm_medium") ?? "").trim().toLowerCase();
  const sourceName = (utmSource ?? "").toLowerCase();

  const shopHost = url.hostname.toLowerCase().replace(/^www\./, "");
  const refHost = hostOf(referer);
  const internal =
    refHost !== null &&
    (under(refHost, shopHost) ||
      (options.internalHosts ?? []).some((h) =>
        under(refHost, h.toLowerCase().replace(/^www\./, "")),
      ));
  const referrerHost = internal ? null : refHost;
  const info = (channel: Channel): ChannelInfo => ({
    channel,
    campaign,
    source: utmSource ?? referrerHost,
    referrerHost,
    internal: false,
  });

  if (medium) {
    if (PAID_MEDIUM.test(medium)) return info("paid");
    if (EMAIL_MEDIUM.test(medium)) return info("email");
    if (SOCIAL_MEDIUM.test(medium)) return info("social");
    if (SEARCH_MEDIUM.test(medium)) return info("search");
    if (REFERRAL_MEDIUM.test(medium)) return info("referral");
    // Unknown media ("qr", "print") fall through to the other signals.
  }
  if (PAID_CLICK_IDS.some((id) => q.has(id))) return info("paid");
  if (SOCIAL_CLICK_IDS.some((id) => q.has(id))) return info("social");
  if (sourceName) {
    const bySource = channelOfName(sourceName);
    if (bySource) return info(bySource);
  }
  if (internal)
    return { channel: "direct", campaign, source: utmSource, referrerHost: null, internal: true };
  if (!refHost) return info(utmSource ? "referral" : "direct");
  if (isWebmail(refHost)) return info("email");
  if (isSearch(refHost)) return info("search");
  if (isSocial(refHost)) return info("social");
  return info("referral");
}
