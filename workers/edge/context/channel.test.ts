import { describe, expect, it } from "vitest";
import { channelOf, type ChannelInfo } from "./channel.ts";

const SHOP = "https://shop.example";

type Row = [string, string | null, Partial<ChannelInfo>];

describe("channelOf", () => {
  const rows: Row[] = [
    // utm_medium decides first.
    [
      "/?utm_medium=cpc&utm_source=google&utm_campaign=spring",
      null,
      { channel: "paid", campaign: "spring", source: "google" },
    ],
    ["/?utm_medium=ppc", null, { channel: "paid" }],
    ["/?utm_medium=paid", null, { channel: "paid" }],
    ["/?utm_medium=paidsearch", null, { channel: "paid" }],
    ["/?utm_medium=display", null, { channel: "paid" }],
    ["/?utm_medium=CPM", null, { channel: "paid" }],
    ["/?utm_medium=social-paid&utm_source=facebook", null, { channel: "paid", source: "facebook" }],
    ["/?utm_medium=paid_social", null, { channel: "paid" }],
    ["/?utm_medium=email&utm_campaign=nl-12", null, { channel: "email", campaign: "nl-12" }],
    ["/?utm_medium=e-mail", null, { channel: "email" }],
    ["/?utm_medium=newsletter", null, { channel: "email" }],
    ["/?utm_medium=social&utm_source=instagram", null, { channel: "social", source: "instagram" }],
    ["/?utm_medium=social-media", null, { channel: "social" }],
    ["/?utm_medium=organic&utm_source=google", null, { channel: "search" }],
    [
      "/?utm_medium=referral&utm_source=partner-blog",
      null,
      { channel: "referral", source: "partner-blog" },
    ],
    // The shop's tag beats the referrer.
    [
      "/?utm_medium=email",
      "https://www.google.com/",
      { channel: "email", referrerHost: "google.com" },
    ],
    // Ad click ids.
    ["/?gclid=abc", null, { channel: "paid" }],
    ["/?msclkid=abc", "https://www.bing.com/", { channel: "paid", referrerHost: "bing.com" }],
    ["/?dclid=abc", null, { channel: "paid" }],
    ["/?ttclid=abc", null, { channel: "paid" }],
    // fbclid rides on every Facebook link, organic ones too.
    ["/?fbclid=abc", "https://l.facebook.com/", { channel: "social" }],
    // In-app browsers often send no referrer.
    ["/?fbclid=abc", null, { channel: "social" }],
    ["/?fbclid=abc&utm_medium=cpc", "https://l.facebook.com/", { channel: "paid" }],
    // utm_source alone.
    ["/?utm_source=newsletter", null, { channel: "email", source: "newsletter" }],
    ["/?utm_source=klaviyo&utm_campaign=winback", null, { channel: "email", campaign: "winback" }],
    ["/?utm_source=facebook", null, { channel: "social" }],
    ["/?utm_source=bing", null, { channel: "search" }],
    ["/?utm_source=partner-blog", null, { channel: "referral", source: "partner-blog" }],
    // Unknown medium: the other signals decide.
    ["/?utm_medium=qr", null, { channel: "direct" }],
    ["/?utm_medium=qr", "https://duckduckgo.com/", { channel: "search" }],
    // Referrers.
    [
      "/",
      "https://www.google.com/",
      { channel: "search", referrerHost: "google.com", source: "google.com" },
    ],
    ["/", "https://www.google.co.uk/", { channel: "search", referrerHost: "google.co.uk" }],
    ["/", "https://www.bing.com/search?q=shoes", { channel: "search" }],
    ["/", "https://duckduckgo.com/", { channel: "search" }],
    ["/", "https://search.yahoo.com/", { channel: "search" }],
    ["/", "https://yandex.ru/", { channel: "search" }],
    ["/", "https://www.baidu.com/", { channel: "search" }],
    ["/", "https://www.ecosia.org/", { channel: "search" }],
    ["/", "android-app://com.google.android.googlequicksearchbox/", { channel: "search" }],
    ["/", "https://l.facebook.com/l.php", { channel: "social", referrerHost: "l.facebook.com" }],
    ["/", "https://www.instagram.com/", { channel: "social" }],
    ["/", "https://t.co/abc", { channel: "social", referrerHost: "t.co" }],
    ["/", "https://twitter.com/", { channel: "social" }],
    ["/", "https://x.com/", { channel: "social" }],
    ["/", "https://www.linkedin.com/", { channel: "social" }],
    ["/", "https://www.pinterest.de/", { channel: "social" }],
    ["/", "https://www.reddit.com/r/x", { channel: "social" }],
    ["/", "https://www.tiktok.com/", { channel: "social" }],
    ["/", "https://m.youtube.com/", { channel: "social" }],
    [
      "/",
      "https://mail.google.com/mail/u/0/",
      { channel: "email", referrerHost: "mail.google.com" },
    ],
    ["/", "https://outlook.live.com/", { channel: "email" }],
    ["/", "https://mail.yahoo.com/", { channel: "email" }],
    [
      "/",
      "https://blog.example.org/post",
      { channel: "referral", referrerHost: "blog.example.org" },
    ],
    // Look-alikes are not the real thing.
    ["/", "https://notgoogle.com/", { channel: "referral" }],
    ["/", "https://index.com/", { channel: "referral" }],
    // Internal navigation.
    [
      "/",
      `${SHOP}/c/phones`,
      { channel: "direct", internal: true, referrerHost: null, source: null },
    ],
    ["/", "https://www.shop.example/c/phones", { channel: "direct", internal: true }],
    ["/", "https://blog.shop.example/", { channel: "direct", internal: true }],
    // Nothing at all.
    [
      "/",
      null,
      { channel: "direct", campaign: null, source: null, referrerHost: null, internal: false },
    ],
    ["/", "not a url", { channel: "direct", referrerHost: null }],
  ];

  it.each(rows)("%s from %s", (path, referer, expected) => {
    expect(channelOf(new URL(path, SHOP), referer)).toMatchObject(expected);
  });

  it("returns every field", () => {
    expect(
      channelOf(
        new URL("/?utm_medium=cpc&utm_campaign=%20Spring%20Sale%20", SHOP),
        "https://www.google.com/",
      ),
    ).toEqual({
      channel: "paid",
      campaign: "Spring Sale",
      source: "google.com",
      referrerHost: "google.com",
      internal: false,
    });
  });

  it("caps the campaign name", () => {
    const info = channelOf(new URL(`/?utm_campaign=${"x".repeat(500)}`, SHOP), null);
    expect(info.campaign).toHaveLength(100);
  });

  it("counts configured hosts (payment provider) as internal", () => {
    const back = channelOf(new URL("/order/1", SHOP), "https://www.paypal.com/checkoutnow", {
      internalHosts: ["paypal.com"],
    });
    expect(back).toMatchObject({ channel: "direct", internal: true, referrerHost: null });
    expect(channelOf(new URL("/order/1", SHOP), "https://www.paypal.com/").channel).toBe(
      "referral",
    );
  });
});
