import { describe, expect, it } from "vitest";
import type { RequestContext } from "../model/context.ts";
import type { CatalogItem } from "../model/catalog.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { trainFromInteractions } from "../recommend/model.ts";
import { resolveList, type MerchModel } from "./lists.ts";
import { context as requestContext } from "../decide/test-fixtures.ts";

const item = (id: string, categoryId: string, extra: Partial<CatalogItem> = {}): CatalogItem => ({
  id,
  name: id,
  url: `/p/${id}`,
  imageUrl: `/img/${id}.svg`,
  priceCents: 1000,
  currency: "EUR",
  rating: 4,
  reviewCount: 10,
  stock: 5,
  categoryId,
  brand: "B",
  accessoryFor: [],
  ...extra,
});

const items = [
  item("w1", "watches"),
  item("w2", "watches"),
  item("w3", "watches", { stock: 0 }),
  item("s1", "straps", { accessoryFor: ["w1"] }),
  item("s2", "straps", { accessoryFor: ["w2"] }),
  item("r1", "running"),
];
const model: MerchModel = {
  version: "1",
  generatedAt: 0,
  items: Object.fromEntries(items.map((i) => [i.id, i])),
  bestsellers: ["w3", "r1", "w1", "s1", "w2", "s2"],
  bestsellersByCategory: { watches: ["w3", "w1", "w2"], straps: ["s1", "s2"], running: ["r1"] },
  topRated: ["w2", "r1", "w1"],
  lowStock: ["w2"],
};

const context = (extra: Partial<RequestContext> = {}): RequestContext =>
  requestContext({ country: null, now: 0, localHour: 12, ...extra });

const session = (cart: string[]): SessionState => ({
  sessionId: "s",
  startedAt: 0,
  pageViews: 1,
  journeyStage: "cart",
  recentProducts: [],
  cart: {
    lines: cart.map((productId) => ({ productId, quantity: 1, unitPriceCents: 1000 })),
    valueCents: 0,
    changedAt: 0,
  },
  impressions: {},
});

const ids = (list: CatalogItem[]) => list.map((i) => i.id);

describe("resolveList", () => {
  it("skips out-of-stock items and honours the limit", () => {
    const out = resolveList("bestsellers", {
      model,
      context: context(),
      profile: null,
      session: null,
      limit: 2,
    });
    expect(ids(out)).toEqual(["r1", "w1"]);
  });

  it("lists the current category's bestsellers without the product on the page", () => {
    const out = resolveList("bestsellers", {
      model,
      context: context({ pageType: "product", productId: "w1" }),
      profile: null,
      session: null,
      limit: 5,
      category: "current",
    });
    expect(ids(out)).toEqual(["w2"]);
  });

  it("completes a purchase with accessories for what is in the cart, not what is already there", () => {
    const out = resolveList("completePurchase", {
      model,
      context: context(),
      profile: null,
      session: session(["w1", "s2"]),
      limit: 5,
    });
    expect(ids(out)).toEqual(["s1"]);
  });

  it("recommends from the visitor's strongest category and never what they bought", () => {
    const profile = {
      categoryAffinity: { running: 0.2, straps: 0.9 },
      purchasedProducts: ["s1"],
    } as unknown as Profile;
    const out = resolveList("recommended", {
      model,
      context: context(),
      profile,
      session: null,
      limit: 3,
    });
    expect(ids(out)).toEqual(["s2", "r1", "w1"]);
  });

  it("returns nothing for product-bound lists off a product page", () => {
    expect(
      resolveList("similar", { model, context: context(), profile: null, session: null, limit: 3 }),
    ).toEqual([]);
  });
});

describe("resolveList with a trained model", () => {
  // Visitors who look at w1 go on to w2 and r1; one bought w1 with strap s1.
  const log = [
    ...["a", "b", "c"].flatMap((v, i) => [
      { visitor: v, item: "w1", at: i * 10 + 1, level: 0 as const },
      { visitor: v, item: "w2", at: i * 10 + 2, level: 0 as const },
    ]),
    { visitor: "d", item: "w1", at: 40, level: 0 as const },
    { visitor: "d", item: "r1", at: 41, level: 0 as const },
    { visitor: "e", item: "w1", at: 50, level: 2 as const },
    { visitor: "e", item: "s1", at: 51, level: 2 as const },
  ];
  const reco = trainFromInteractions(
    log,
    items.map((i) => ({ id: i.id, priceCents: i.priceCents, accessoryFor: i.accessoryFor })),
  );
  const withReco: MerchModel = { ...model, reco };

  it("recommends from the session with a reason, skipping what was seen and sold out", () => {
    const s = { ...session([]), recentProducts: ["w1"] };
    const out = resolveList("recommended", {
      model: withReco,
      context: context(),
      profile: null,
      session: s,
      limit: 3,
    });
    expect(out.map((i) => i.id)).not.toContain("w1");
    expect(out.map((i) => i.id)).not.toContain("w3");
    expect(out[0]).toMatchObject({ reason: expect.stringMatching(/^Because you viewed w1$/) });
  });

  it("lists what was bought with the page's product first", () => {
    const out = resolveList("alsoBought", {
      model: withReco,
      context: context({ pageType: "product", productId: "w1" }),
      profile: null,
      session: null,
      limit: 2,
    });
    expect(out[0]).toMatchObject({ id: "s1", reason: "Often bought with w1" });
  });

  it("still returns nothing for product-bound lists off a product page", () => {
    expect(
      resolveList("similar", {
        model: withReco,
        context: context(),
        profile: null,
        session: null,
        limit: 3,
      }),
    ).toEqual([]);
  });
});
