/**
 * Crawlers, link unfurlers, AI fetchers, monitoring and HTTP libraries. Bots get the same page
 * logic but never write profiles or count in metrics.
 */
const BOT_UA =
  /bot\b|crawl|spider|slurp|bingpreview|mediapartners|facebookexternalhit|embedly|quora link preview|whatsapp|telegrambot|discordbot|skypeuripreview|headlesschrome|phantomjs|lighthouse|pingdom|uptimerobot|statuscake|gtmetrix|curl\/|wget\/|python-requests|python-urllib|aiohttp|httpx|go-http-client|okhttp|java\/|libwww|node-fetch|undici|axios\/|scrapy|gptbot|chatgpt-user|oai-searchbot|claudebot|claude-web|anthropic-ai|perplexitybot|ccbot|bytespider|petalbot|applebot|yandex|baiduspider|duckduckbot|ahrefs|semrush|mj12bot|dotbot|seznambot/i;

type CfBotSignals = {
  verifiedBotCategory?: string;
  botManagement?: { verifiedBot?: boolean; score?: number };
};

export type BotVerdict = { isBot: boolean; reason: string | null };

/** Cloudflare's verified-bot signals first (they cannot be spoofed), then the user agent. */
export function detectBot(headers: Headers, cf?: CfBotSignals | null): BotVerdict {
  if (cf?.verifiedBotCategory) return { isBot: true, reason: `cf:${cf.verifiedBotCategory}` };
  if (cf?.botManagement?.verifiedBot) return { isBot: true, reason: "cf:verified-bot" };
  const ua = headers.get("user-agent") ?? "";
  if (!ua.trim()) return { isBot: true, reason: "ua:empty" };
  const match = BOT_UA.exec(ua);
  return match
    ? { isBot: true, reason: `ua:${match[0].toLowerCase()}` }
    : { isBot: false, reason: null };
}
