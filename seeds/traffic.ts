import type { CategoryId } from "./catalog-specs.ts";
import type { Rng } from "./random.ts";

/** Where visits come from and when: the entry context of seeded sessions. */
export type Channel = "search" | "social" | "email" | "paid" | "direct" | "referral";
export type Device = "mobile" | "desktop" | "tablet";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A Central European shop: mostly Poland and Germany, then neighbours. */
export const COUNTRIES: [string, number][] = [
  ["PL", 34],
  ["DE", 28],
  ["CZ", 11],
  ["AT", 6],
  ["SK", 5],
  ["NL", 4],
  ["FR", 3],
  ["HU", 3],
  ["IT", 2],
  ["LT", 2],
  ["DK", 2],
];

/** Share of all visitors' interest per category (phones and shoes sell most). */
export const CATEGORY_INTEREST: [CategoryId, number][] = [
  ["phones", 22],
  ["running-shoes", 20],
  ["phone-accessories", 17],
  ["sports-watches", 16],
  ["running-apparel", 14],
  ["home", 11],
];

/** Categories people give as presents, with their appeal as gifts. */
export const GIFT_CATEGORIES: [CategoryId, number][] = [
  ["sports-watches", 30],
  ["phone-accessories", 30],
  ["home", 25],
  ["running-apparel", 15],
];

export type Campaign = {
  id: string;
  channel: "paid" | "email";
  source: string;
  medium: string;
  categoryId: CategoryId | null;
};

const PAID_CAMPAIGNS: Omit<Campaign, "channel">[] = [
  { id: "autumn-running-2026", source: "google", medium: "cpc", categoryId: "running-shoes" },
  { id: "trail-season", source: "meta", medium: "paid_social", categoryId: "running-shoes" },
  { id: "smartwatch-week", source: "google", medium: "cpc", categoryId: "sports-watches" },
  { id: "phones-pmax-q4", source: "google", medium: "cpc", categoryId: "phones" },
  {
    id: "accessories-retarget",
    source: "meta",
    medium: "paid_social",
    categoryId: "phone-accessories",
  },
  { id: "layer-up", source: "meta", medium: "paid_social", categoryId: "running-apparel" },
  { id: "coffee-days", source: "google", medium: "shopping", categoryId: "home" },
];
const PAID: Campaign[] = PAID_CAMPAIGNS.map((c) => ({ ...c, channel: "paid" }));

/** Paid campaigns, the weekly newsletter (named by its send date) and CRM mails. */
export function pickCampaign(
  rng: Rng,
  channel: "paid" | "email",
  at: number,
  focus: CategoryId,
): Campaign {
  if (channel === "paid") return rng.pickBy(PAID, (c) => (c.categoryId === focus ? 6 : 1));
  if (rng.chance(0.75)) {
    // Newsletters go out on Thursdays; a visit comes from the latest one.
    const d = new Date(at);
    const back = (d.getUTCDay() + 7 - 4) % 7;
    const sent = new Date(at - back * DAY).toISOString().slice(0, 10);
    return {
      id: `newsletter-${sent}`,
      channel,
      source: "newsletter",
      medium: "email",
      categoryId: null,
    };
  }
  return {
    id: rng.pick(["back-in-stock", "price-drop", "cart-reminder"]),
    channel,
    source: "crm",
    medium: "email",
    categoryId: focus,
  };
}

/** Banners the shop runs (hero, promo-banner); each lands on a category. */
export const PROMOS: { id: string; categoryId: CategoryId }[] = [
  { id: "autumn-sale", categoryId: "running-shoes" },
  { id: "phone-bundle", categoryId: "phone-accessories" },
  { id: "watch-trade-in", categoryId: "sports-watches" },
  { id: "coffee-week", categoryId: "home" },
  { id: "layer-up", categoryId: "running-apparel" },
  { id: "flagship-deals", categoryId: "phones" },
];

export function referrerFor(rng: Rng, channel: Channel, country: string, source: string | null) {
  switch (channel) {
    case "search":
      if (country === "CZ" && rng.chance(0.4)) return "https://www.seznam.cz/";
      return rng.weighted([
        ["https://www.google.com/", 78],
        ["https://www.bing.com/", 10],
        ["https://duckduckgo.com/", 8],
        ["https://www.ecosia.org/", 4],
      ]);
    case "social":
      return rng.weighted([
        ["https://www.instagram.com/", 35],
        ["https://www.facebook.com/", 28],
        ["https://www.tiktok.com/", 20],
        ["https://www.youtube.com/", 10],
        ["https://www.reddit.com/", 7],
      ]);
    case "paid":
      return source === "meta"
        ? rng.pick(["https://www.facebook.com/", "https://www.instagram.com/"])
        : "https://www.google.com/";
    case "referral":
      return rng.pick([
        "https://www.biegajznami.pl/recenzje/",
        "https://www.laufzeit-magazin.de/test/",
        "https://www.mobilnitest.cz/",
        "https://www.gadgetblatt.de/vergleich/",
        "https://www.kawa-w-domu.pl/ekspresy/",
        "https://forum.trailrunners.eu/",
      ]);
    default:
      // Direct visits and most mail clients send no referrer.
      return null;
  }
}

// Relative traffic per UTC hour: quiet nights, a lunch bump, an evening peak.
const HOUR_WEIGHTS = [
  1, 0.5, 0.3, 0.2, 0.2, 0.4, 0.9, 1.6, 2.1, 2.5, 2.8, 3, 3.5, 3.2, 3, 3, 3.2, 3.6, 4.2, 4.9, 5.2,
  4.7, 3.4, 2,
];
const HOURS = HOUR_WEIGHTS.map((w, h) => [h, w] as const);

/** A visit start on the day containing `dayAt`, at a realistic hour. */
export function timeOnDay(rng: Rng, dayAt: number): number {
  const midnight = Math.floor(dayAt / DAY) * DAY;
  return midnight + rng.weighted(HOURS) * HOUR + rng.int(0, HOUR - 1);
}

/** Gift occasions (Polish and German shoppers); Black Friday is computed per year. */
function occasions(year: number): { name: string; at: number }[] {
  const day = (m: number, d: number) => Date.UTC(year, m - 1, d);
  const nov1 = new Date(day(11, 1)).getUTCDay();
  const blackFriday = day(11, 1 + ((5 - nov1 + 7) % 7) + 21);
  return [
    { name: "valentines-day", at: day(2, 14) },
    { name: "womens-day", at: day(3, 8) },
    { name: "mothers-day", at: day(5, 26) },
    { name: "fathers-day", at: day(6, 23) },
    { name: "boys-day", at: day(9, 30) },
    { name: "teachers-day", at: day(10, 14) },
    { name: "black-friday", at: blackFriday },
    { name: "st-nicholas", at: day(12, 6) },
    { name: "christmas", at: day(12, 24) },
  ];
}

/** Occasions inside [from, to], so gift buying can cluster before them. */
export function occasionsBetween(from: number, to: number): { name: string; at: number }[] {
  const years = new Set([new Date(from).getUTCFullYear(), new Date(to).getUTCFullYear()]);
  return [...years]
    .flatMap(occasions)
    .filter((o) => o.at >= from && o.at <= to)
    .sort((a, b) => a.at - b.at);
}
