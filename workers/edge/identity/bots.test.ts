import { describe, expect, it } from "vitest";
import { detectBot } from "./bots.ts";

const ua = (userAgent: string | null) =>
  new Headers(userAgent === null ? {} : { "user-agent": userAgent });

// Real user agents as sent in 2024-2025.
const BROWSERS = {
  "Chrome, Windows":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Chrome, macOS":
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Edge, Windows":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Safari, macOS":
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Firefox, Windows":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Firefox, Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Chrome, Android":
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
  "Samsung Internet":
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  "Firefox, Android": "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  "Safari, iPhone":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Chrome, iPhone":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
  "Firefox, iPhone":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
  "Safari, iPad":
    "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
  "Facebook in-app browser":
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBLC/en_US]",
  "Instagram in-app browser":
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 Instagram 344.0.0.34.101 Android (34/14; 420dpi; 1080x2400; Google/google; Pixel 8; shiba; shiba; en_US; 634108168)",
  // The phone brand ends in "bot".
  "Cubot phone":
    "Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
};

const BOTS: [string, string][] = [
  ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "ua:googlebot"],
  [
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "ua:googlebot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/131.0.0.0 Safari/537.36",
    "ua:bingbot",
  ],
  ["DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", "ua:duckduckbot"],
  [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "ua:baiduspider",
  ],
  ["Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "ua:yandexbot"],
  [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "ua:applebot",
  ],
  [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "ua:facebookexternalhit",
  ],
  ["Twitterbot/1.0", "ua:twitterbot"],
  [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "ua:linkedinbot",
  ],
  ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "ua:slackbot-linkexpanding"],
  ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "ua:ahrefsbot"],
  ["Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "ua:semrushbot"],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "ua:gptbot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ChatGPT-User/1.0; +https://openai.com/bot",
    "ua:chatgpt-user",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
    "ua:claudebot",
  ],
  [
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
    "ua:perplexitybot",
  ],
  [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "ua:headlesschrome",
  ],
  ["curl/8.7.1", "ua:curl"],
  ["Wget/1.21.4", "ua:wget"],
  ["python-requests/2.32.3", "ua:python-requests"],
  ["Go-http-client/2.0", "ua:go-http-client"],
  ["Scrapy/2.11.2 (+https://scrapy.org)", "ua:scrapy"],
  ["MyShopCrawler/0.3", "ua:myshopcrawler"],
  [
    "Mozilla/5.0 (compatible; SeznamBot/4.0; +https://o-seznam.cz/napoveda/vyhledavani/en/seznambot-crawler/)",
    "ua:seznambot",
  ],
];

describe("detectBot by user agent", () => {
  it.each(Object.entries(BROWSERS))("%s is a person", (_name, userAgent) => {
    expect(detectBot(ua(userAgent))).toEqual({ isBot: false, reason: null });
  });

  it.each(BOTS)("%s -> %s", (userAgent, reason) => {
    expect(detectBot(ua(userAgent))).toEqual({ isBot: true, reason });
  });

  it("treats a missing or blank user agent as a bot", () => {
    expect(detectBot(ua(null))).toEqual({ isBot: true, reason: "ua:empty" });
    expect(detectBot(ua("   "))).toEqual({ isBot: true, reason: "ua:empty" });
  });
});

describe("detectBot by Cloudflare signals", () => {
  const chrome = ua(BROWSERS["Chrome, Windows"]);
  it.each([
    [
      { verifiedBotCategory: "Search Engine Crawler" },
      { isBot: true, reason: "cf:Search Engine Crawler" },
    ],
    [{ verifiedBotCategory: "" }, { isBot: false, reason: null }],
    [
      { botManagement: { verifiedBot: true, score: 90 } },
      { isBot: true, reason: "cf:verified-bot" },
    ],
    [{ botManagement: { verifiedBot: false, score: 1 } }, { isBot: true, reason: "cf:score-1" }],
    [{ botManagement: { verifiedBot: false, score: 29 } }, { isBot: true, reason: "cf:score-29" }],
    [{ botManagement: { verifiedBot: false, score: 30 } }, { isBot: false, reason: null }],
    // 0 = not scored (e.g. no Bot Management on the zone).
    [{ botManagement: { verifiedBot: false, score: 0 } }, { isBot: false, reason: null }],
    [{}, { isBot: false, reason: null }],
    [null, { isBot: false, reason: null }],
  ])("%j over a browser user agent -> %j", (cf, verdict) => {
    expect(detectBot(chrome, cf)).toEqual(verdict);
  });

  it("a high score does not clear a crawler user agent", () => {
    expect(detectBot(ua("curl/8.7.1"), { botManagement: { score: 95 } })).toEqual({
      isBot: true,
      reason: "ua:curl",
    });
  });
});
