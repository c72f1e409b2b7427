import type { Product } from "../catalog-index.ts";
import { createRng, hashString } from "../random.ts";

export type Review = {
  author: string;
  country: string;
  rating: number;
  title: string;
  body: string;
  daysAgo: number;
};

const AUTHORS = [
  ["Anna K.", "PL"],
  ["Jonas M.", "DE"],
  ["Petra S.", "CZ"],
  ["Marek W.", "PL"],
  ["Lena B.", "DE"],
  ["Tomáš H.", "CZ"],
  ["Julia R.", "AT"],
  ["Piotr Z.", "PL"],
  ["Sophie V.", "NL"],
  ["Lukas F.", "DE"],
] as const;

const PRAISE: Record<string, string[]> = {
  "sports-watches": [
    "GPS locks on in seconds and the battery easily lasts a week of training.",
    "Heart rate matches my chest strap on steady runs. The training load page is addictive.",
    "Light on the wrist, readable in full sun, syncs quickly with the app.",
  ],
  "running-shoes": [
    "Comfortable straight out of the box, no blisters on my first half marathon.",
    "Bouncy but stable. True to size; I wear the same size as in my old pair.",
    "Great grip on wet roots and the upper drains fast after stream crossings.",
  ],
  "running-apparel": [
    "Breathes well and dries quickly, no chafing on long runs.",
    "Nice fit, the reflective details are actually visible at night.",
    "Washed it ten times and it still looks new.",
  ],
  phones: [
    "Screen is bright and smooth, battery gets me through a full day with ease.",
    "Camera is excellent in daylight and decent at night. Fast and snappy.",
    "Great value for the price, updates arrive quickly.",
  ],
  "phone-accessories": [
    "Fits perfectly, buttons are clicky and the camera ring protects the lenses.",
    "Charges my phone noticeably faster than the old charger.",
    "Sound is clear and the connection never drops on my commute.",
  ],
  home: [
    "Makes excellent coffee and cleaning takes two minutes.",
    "Strong suction, picks up pet hair from carpets easily.",
    "Beautiful warm light, exactly as in the photos.",
  ],
};
const COMPLAINTS = [
  "Delivery took a day longer than promised.",
  "The instructions could be clearer.",
  "A bit pricey, but worth it in the end.",
  "Stopped working properly after a month; the exchange was quick though.",
];
const TITLES = [
  "Very happy",
  "Does the job",
  "Excellent",
  "Recommended",
  "Good, not perfect",
  "Disappointed",
];

/** A few reviews per product, the same on every request (seeded by the product id). */
export function reviewsFor(p: Product, count = 3): Review[] {
  if (p.reviewCount === 0) return [];
  const rng = createRng(hashString(p.id));
  const praise = PRAISE[p.categoryId] ?? PRAISE.home!;
  return Array.from({ length: Math.min(count, p.reviewCount) }, (_, i) => {
    const rating = Math.max(1, Math.min(5, Math.round(p.rating + rng.float(-1.2, 0.8))));
    const [author, country] = AUTHORS[(hashString(p.id) + i * 3) % AUTHORS.length]!;
    const body = rating >= 4 ? rng.pick(praise) : `${rng.pick(praise)} ${rng.pick(COMPLAINTS)}`;
    return {
      author,
      country,
      rating,
      title:
        rating >= 5
          ? "Excellent"
          : rating === 4
            ? rng.pick(TITLES.slice(0, 4))
            : rating === 3
              ? "Good, not perfect"
              : "Disappointed",
      body,
      daysAgo: rng.int(2, 300),
    };
  });
}
