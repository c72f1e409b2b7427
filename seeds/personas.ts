import type { Channel, Device } from "./traffic.ts";
import type { SortKey } from "./shop/urls.ts";

/** Bryan Eisenberg's buyer modes: how a visitor decides. */
export type BuyerMode = "methodical" | "competitive" | "humanistic" | "spontaneous";
/** Gift buyers browse in one of the modes but buy for someone else, in unusual categories. */
export type Persona = BuyerMode | "gift";
export const PERSONAS: readonly Persona[] = [
  "methodical",
  "competitive",
  "humanistic",
  "spontaneous",
  "gift",
];

/** Where a visitor goes next within a session. */
export type Step = "category" | "product" | "search" | "bestsellers" | "home" | "promo" | "faq";

export type Traits = {
  /** Share of the visitor population. */
  share: number;
  /** Pages per session, inclusive range. */
  pages: [number, number];
  /** Seconds spent on a page before the next one. */
  dwell: [number, number];
  channels: [Channel, number][];
  devices: [Device, number][];
  steps: [Step, number][];
  /** Chance a category visit is refined with filters, and how many. */
  filterRate: number;
  filters: [number, number];
  sortRate: number;
  sorts: [SortKey, number][];
  reviewRate: number;
  compareRate: number;
  /** Exponent on popularity when picking products: >1 follows the crowd, <1 explores. */
  crowd: number;
  /** Exponent on rating when picking products. */
  ratingPull: number;
  /** Chance a visitor of this persona ever buys (before the returning/customer boosts). */
  buyRate: number;
  /** Chance a non-buying session still adds to cart (abandoned carts). */
  cartRate: number;
  /** Chance a bought base product comes with one of its accessories. */
  accessoryRate: number;
  returningRate: number;
};

export const TRAITS: Record<Persona, Traits> = {
  methodical: {
    share: 0.22,
    pages: [8, 20],
    dwell: [35, 150],
    channels: [
      ["search", 45],
      ["direct", 20],
      ["referral", 15],
      ["email", 10],
      ["paid", 5],
      ["social", 5],
    ],
    devices: [
      ["desktop", 55],
      ["mobile", 35],
      ["tablet", 10],
    ],
    steps: [
      ["category", 3],
      ["product", 5],
      ["search", 2],
      ["faq", 0.5],
      ["bestsellers", 0.2],
      ["home", 0.3],
      ["promo", 0.1],
    ],
    filterRate: 0.75,
    filters: [1, 3],
    sortRate: 0.5,
    sorts: [
      ["price_asc", 5],
      ["price_desc", 2],
      ["rating", 1],
      ["popularity", 1],
    ],
    reviewRate: 0.3,
    compareRate: 0.45,
    crowd: 0.6,
    ratingPull: 1,
    buyRate: 0.021,
    cartRate: 0.12,
    accessoryRate: 0.6,
    returningRate: 0.4,
  },
  competitive: {
    share: 0.22,
    pages: [3, 8],
    dwell: [8, 40],
    channels: [
      ["search", 35],
      ["direct", 20],
      ["paid", 20],
      ["email", 10],
      ["social", 10],
      ["referral", 5],
    ],
    devices: [
      ["mobile", 55],
      ["desktop", 40],
      ["tablet", 5],
    ],
    steps: [
      ["bestsellers", 3],
      ["category", 2],
      ["product", 4],
      ["search", 0.7],
      ["home", 0.5],
      ["promo", 0.3],
      ["faq", 0.1],
    ],
    filterRate: 0.1,
    filters: [1, 1],
    sortRate: 0.7,
    sorts: [
      ["popularity", 6],
      ["rating", 3],
      ["price_desc", 1],
    ],
    reviewRate: 0.1,
    compareRate: 0.05,
    crowd: 1.6,
    ratingPull: 1.5,
    buyRate: 0.03,
    cartRate: 0.2,
    accessoryRate: 0.45,
    returningRate: 0.25,
  },
  humanistic: {
    share: 0.22,
    pages: [5, 12],
    dwell: [25, 120],
    channels: [
      ["social", 40],
      ["referral", 20],
      ["search", 20],
      ["email", 10],
      ["direct", 5],
      ["paid", 5],
    ],
    devices: [
      ["mobile", 55],
      ["desktop", 30],
      ["tablet", 15],
    ],
    steps: [
      ["category", 2],
      ["product", 5],
      ["search", 1],
      ["faq", 0.6],
      ["bestsellers", 0.5],
      ["home", 0.5],
      ["promo", 0.2],
    ],
    filterRate: 0.15,
    filters: [1, 1],
    sortRate: 0.65,
    sorts: [
      ["rating", 8],
      ["popularity", 1],
    ],
    reviewRate: 0.85,
    compareRate: 0.08,
    crowd: 0.8,
    ratingPull: 4,
    buyRate: 0.025,
    cartRate: 0.15,
    accessoryRate: 0.5,
    returningRate: 0.3,
  },
  spontaneous: {
    share: 0.26,
    pages: [2, 5],
    dwell: [5, 25],
    channels: [
      ["paid", 35],
      ["social", 25],
      ["email", 20],
      ["search", 10],
      ["direct", 10],
    ],
    devices: [
      ["mobile", 75],
      ["desktop", 17],
      ["tablet", 8],
    ],
    steps: [
      ["promo", 2.5],
      ["product", 4],
      ["category", 1],
      ["home", 1],
      ["search", 0.3],
      ["bestsellers", 0.5],
      ["faq", 0.05],
    ],
    filterRate: 0.03,
    filters: [1, 1],
    sortRate: 0.05,
    sorts: [["popularity", 1]],
    reviewRate: 0.05,
    compareRate: 0,
    crowd: 1,
    ratingPull: 0.5,
    buyRate: 0.028,
    cartRate: 0.35,
    accessoryRate: 0.35,
    returningRate: 0.15,
  },
  // Shopping for someone else: bestsellers and ratings reassure, a little of every mode.
  gift: {
    share: 0.08,
    pages: [4, 10],
    dwell: [15, 80],
    channels: [
      ["search", 35],
      ["paid", 20],
      ["email", 15],
      ["direct", 15],
      ["social", 10],
      ["referral", 5],
    ],
    devices: [
      ["mobile", 50],
      ["desktop", 42],
      ["tablet", 8],
    ],
    steps: [
      ["bestsellers", 2],
      ["category", 2],
      ["product", 4],
      ["search", 1],
      ["faq", 0.5],
      ["home", 0.3],
      ["promo", 0.3],
    ],
    filterRate: 0.3,
    filters: [1, 2],
    sortRate: 0.5,
    sorts: [
      ["popularity", 3],
      ["rating", 3],
      ["price_asc", 1],
    ],
    reviewRate: 0.4,
    compareRate: 0.1,
    crowd: 1.3,
    ratingPull: 2,
    buyRate: 0.07,
    cartRate: 0.2,
    accessoryRate: 0.2,
    returningRate: 0.2,
  },
};
