import { describe, expect, it } from "vitest";
import { DEFAULT_PAGE_RULES, matchPage, PageRulesSchema, type PageRule } from "./page-rules.ts";

describe("matchPage with the demo shop's rules", () => {
  it.each([
    ["/", { pageType: "home", productSlug: null, categoryId: null }],
    ["/c/phones", { pageType: "category", productSlug: null, categoryId: "phones" }],
    ["/c/phones/", { pageType: "category", productSlug: null, categoryId: "phones" }],
    ["/c/sch%C3%B6n", { pageType: "category", productSlug: null, categoryId: "schön" }],
    ["/p/corvid-apex-3", { pageType: "product", productSlug: "corvid-apex-3", categoryId: null }],
    ["/search", { pageType: "search", productSlug: null, categoryId: null }],
    ["/cart", { pageType: "cart", productSlug: null, categoryId: null }],
    ["/checkout", { pageType: "checkout", productSlug: null, categoryId: null }],
    ["/order/ord-123", { pageType: "order", productSlug: null, categoryId: null }],
    ["/bestsellers", { pageType: "bestsellers", productSlug: null, categoryId: null }],
    ["/faq", { pageType: "faq", productSlug: null, categoryId: null }],
    ["/p/a/b", { pageType: "other", productSlug: null, categoryId: null }],
    ["/p/", { pageType: "other", productSlug: null, categoryId: null }],
    ["/FAQ", { pageType: "other", productSlug: null, categoryId: null }],
    ["/cartography", { pageType: "other", productSlug: null, categoryId: null }],
    ["/p/%E0%A4%A", { pageType: "product", productSlug: "%E0%A4%A", categoryId: null }],
  ])("%s", (path, expected) => {
    expect(matchPage(path)).toEqual(expected);
  });

  it("the defaults validate against the schema", () => {
    expect(PageRulesSchema.parse(DEFAULT_PAGE_RULES)).toEqual(DEFAULT_PAGE_RULES);
  });
});

describe("matchPage with configured rules", () => {
  const rules: PageRule[] = PageRulesSchema.parse([
    { pattern: "/products/:handle.html", pageType: "product", params: { productSlug: ":handle" } },
    { pattern: "/shop/:cat/:slug", pageType: "product", params: { categoryId: ":cat" } },
    { pattern: "/sale", pageType: "category", params: { categoryId: "sale" } },
    { pattern: "/account/*", pageType: "other" },
    { pattern: "/collections/:category", pageType: "category" },
    { pattern: "/:anything", pageType: "faq" },
  ]);

  it.each([
    [
      "/products/trail-shoe.html",
      { pageType: "product", productSlug: "trail-shoe", categoryId: null },
    ],
    ["/products/trail-shoe", { pageType: "other", productSlug: null, categoryId: null }],
    [
      "/shop/shoes/trail-shoe",
      { pageType: "product", productSlug: "trail-shoe", categoryId: "shoes" },
    ],
    ["/sale", { pageType: "category", productSlug: null, categoryId: "sale" }],
    ["/account", { pageType: "other", productSlug: null, categoryId: null }],
    ["/account/orders/7", { pageType: "other", productSlug: null, categoryId: null }],
    ["/collections/boots", { pageType: "category", productSlug: null, categoryId: "boots" }],
    ["/help", { pageType: "faq", productSlug: null, categoryId: null }],
    ["/", { pageType: "other", productSlug: null, categoryId: null }],
  ])("%s", (path, expected) => {
    expect(matchPage(path, rules)).toEqual(expected);
  });

  it("first matching rule wins", () => {
    const ordered = PageRulesSchema.parse([
      { pattern: "/p/gift-card", pageType: "other" },
      { pattern: "/p/:slug", pageType: "product" },
    ]);
    expect(matchPage("/p/gift-card", ordered).pageType).toBe("other");
    expect(matchPage("/p/shoe", ordered).pageType).toBe("product");
  });

  it("treats regex characters in patterns literally", () => {
    const literal = PageRulesSchema.parse([{ pattern: "/a.b/(x)", pageType: "faq" }]);
    expect(matchPage("/a.b/(x)", literal).pageType).toBe("faq");
    expect(matchPage("/aXb/(x)", literal).pageType).toBe("other");
  });
});

describe("PageRulesSchema", () => {
  it.each([
    [{ pattern: "p/:slug", pageType: "product" }, "pattern"],
    [{ pattern: "/p/:slug?x=1", pageType: "product" }, "pattern"],
    [{ pattern: "/p/*/x", pageType: "product" }, "pattern"],
    [{ pattern: "/p/x*", pageType: "product" }, "pattern"],
    [{ pattern: "/p/:a/:a", pageType: "product" }, "pattern"],
    [{ pattern: "/p/:1", pageType: "product" }, "pattern"],
    [{ pattern: "/p/:slug", pageType: "landing" }, "pageType"],
    [
      { pattern: "/p/:slug", pageType: "product", params: { productSlug: ":handle" } },
      "params.productSlug",
    ],
    [{ pattern: "/p/:slug", pageType: "product", params: { brand: "x" } }, "params"],
    [{ pattern: "/p/:slug", pageType: "product", extra: 1 }, ""],
  ])("rejects %j (at %s)", (rule, path) => {
    const result = PageRulesSchema.safeParse([rule]);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.slice(1).join("."))).toContain(path);
  });
});
