import { describe, expect, it } from "vitest";
import { baseConfig } from "../decide/test-fixtures.ts";
import { context } from "../decide/test-fixtures.ts";
import { parseConfig } from "../decide/config-schema.ts";
import type { CatalogItem } from "../model/catalog.ts";
import type { Profile, SessionState } from "../model/profile.ts";
import { resolveList, type MerchModel } from "./lists.ts";

const item = (id: string, categoryId: string, stock = 5): CatalogItem => ({
  id,
  name: id,
  url: `/p/${id}`,
  imageUrl: `/img/${id}.svg`,
  priceCents: 1000,
  currency: "EUR",
  rating: 4,
  reviewCount: 10,
  stock,
  categoryId,
  brand: "B",
  accessoryFor: [],
});

const items = [
  item("coffee", "food"),
  item("filters", "food"),
  item("mug", "home"),
  item("gone", "food", 0),
];
const model: MerchModel = {
  version: "1",
  generatedAt: 0,
  items: Object.fromEntries(items.map((i) => [i.id, i])),
  bestsellers: ["mug", "coffee"],
  bestsellersByCategory: {},
  topRated: [],
  lowStock: [],
};
const profile = { purchasedProducts: ["gone", "filters", "coffee", "mug"] } as Profile;
const cart = (ids: string[]) =>
  ({
    cart: { lines: ids.map((productId) => ({ productId, quantity: 1, unitPriceCents: 100 })) },
  }) as SessionState;

describe('the "buyAgain" list source', () => {
  it("shows what the visitor bought, most recent first, in stock, not in the cart or on the page", () => {
    const list = resolveList("buyAgain", {
      model,
      context: context({ productId: "mug" }),
      profile,
      session: cart(["filters"]),
      limit: 5,
    });
    expect(list.map((i) => i.id)).toEqual(["coffee"]);
    expect(list[0]!.reason).toBe("Bought before");
    const all = resolveList("buyAgain", {
      model,
      context: context(),
      profile,
      session: null,
      limit: 2,
    });
    expect(all.map((i) => i.id)).toEqual(["filters", "coffee"]);
    const food = resolveList("buyAgain", {
      model,
      context: context(),
      profile,
      session: null,
      limit: 5,
      category: "home",
    });
    expect(food.map((i) => i.id)).toEqual(["mug"]);
  });

  it("is empty for a visitor who bought nothing (the variant is then dropped)", () => {
    expect(
      resolveList("buyAgain", {
        model,
        context: context(),
        profile: null,
        session: null,
        limit: 5,
      }),
    ).toEqual([]);
  });

  it("is a source a config may name", () => {
    const variants = {
      again: {
        slot: "banner",
        template: "{{#items}}{{name}}{{/items}}",
        items: { source: "buyAgain", limit: 4 },
      },
    };
    const result = parseConfig(baseConfig({ variants }));
    expect(result.ok).toBe(true);
    const wrong = parseConfig(
      baseConfig({
        variants: { again: { ...variants.again, items: { source: "buyagain", limit: 4 } } },
      }),
    );
    expect(wrong.ok).toBe(false);
  });
});
