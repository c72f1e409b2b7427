/**
 * Bots get the same page logic but are never identified, never write profiles and never count
 * in metrics. Cloudflare's signals come first (verified against IPs, not spoofable); the user
 * agent catches the rest.
 */

/** The parts of `request.cf` this reads; all optional (absent locally and without Bot Management). */
export type CfBotSignals = {
  verifiedBotCategory?: string;
  botManagement?: { verifiedBot?: boolean; score?: number };
};

export type BotVerdict = { isBot: boolean; reason: string | null };

/**
 * Bot Management scores run 1 (certainly automated) to 99 (certainly human); below 30 is
 * Cloudflare's "likely automated". 0 means "not scored" and is ignored.
 */
export const BOT_SCORE_BELOW = 30;

/**
 * Crawler, link-preview, AI-fetcher, monitoring and HTTP-library user agents. A reduced take on
 * the community list maintained in the `isbot` package, which would be the better source.
 */
const CRAWLER_PATTERNS = [
  // Generic: "...bot", "crawler", "spider", not the Cubot phone brand.
  String.raw`(?<!cu)bot\b`,
  "crawl",
  "spider",
  "slurp",
  // Search engines and their helpers whose tokens lack "bot".
  "mediapartners-google",
  "adsbot-google",
  "apis-google",
  "feedfetcher-google",
  "google-inspectiontool",
  "googleother",
  "bingpreview",
  "yandex(?:images|metrika|direct)",
  // Social link previews.
  "facebookexternalhit",
  "facebookcatalog",
  "meta-external(?:agent|fetcher)",
  "whatsapp",
  "slack-imgproxy",
  "skypeuripreview",
  "embedly",
  "quora link preview",
  "vkshare",
  // AI fetchers acting for a user (their crawlers end in "bot").
  "chatgpt-user",
  "claude-(?:user|web)",
  "anthropic-ai",
  "perplexity-user",
  "cohere-ai",
  // Headless browsers, audits, uptime monitors.
  "headlesschrome",
  "phantomjs",
  "lighthouse",
  "pingdom",
  "statuscake",
  "gtmetrix",
  "site24x7",
  "prerender",
  "ia_archiver",
  // HTTP clients and libraries.
  "curl/",
  "wget/",
  "python-requests",
  "python-urllib",
  "python-httpx",
  "aiohttp",
  "go-http-client",
  "okhttp",
  "java/",
  "apache-httpclient",
  "libwww-perl",
  "node-fetch",
  "undici",
  "axios/",
  "scrapy",
  "postmanruntime",
];
const CRAWLER_UA = new RegExp(CRAWLER_PATTERNS.join("|"), "i");

function matchCrawler(userAgent: string): string | null {
  return CRAWLER_UA.exec(userAgent)?.[0] ?? null;
}

/** The one line to change for `isbot`: `import { isbotMatch } from "isbot"` and use it here. */
const uaBotMatch: (userAgent: string) => string | null = matchCrawler;

/** Whether this request comes from a bot, and why (for logs and tests). */
export function detectBot(headers: Headers, cf?: CfBotSignals | null): BotVerdict {
  if (cf?.verifiedBotCategory) return { isBot: true, reason: `cf:${cf.verifiedBotCategory}` };
  if (cf?.botManagement?.verifiedBot) return { isBot: true, reason: "cf:verified-bot" };
  const score = cf?.botManagement?.score;
  if (typeof score === "number" && score >= 1 && score < BOT_SCORE_BELOW) {
    return { isBot: true, reason: `cf:score-${score}` };
  }
  const ua = headers.get("user-agent")?.trim() ?? "";
  // Every browser sends a user agent; only scripts omit it.
  if (!ua) return { isBot: true, reason: "ua:empty" };
  const match = uaBotMatch(ua);
  return match
    ? { isBot: true, reason: `ua:${productToken(ua, match)}` }
    : { isBot: false, reason: null };
}

/** The whole product token around a match ("bot" in "GPTBot/1.2" -> "gptbot"). */
function productToken(ua: string, rawMatch: string): string {
  const match = rawMatch.replace(/\/$/, "");
  const at = ua.indexOf(match);
  if (at < 0) return match.toLowerCase();
  let start = at;
  let end = at + match.length;
  while (start > 0 && /[\w-]/.test(ua[start - 1]!)) start--;
  while (end < ua.length && /[\w-]/.test(ua[end]!)) end++;
  return ua.slice(start, end).toLowerCase();
}
