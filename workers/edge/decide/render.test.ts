import Mustache from "mustache";
import { afterEach, describe, expect, it } from "vitest";
import { inHoldout } from "./bucketing.ts";
import { decide } from "./decide.ts";
import {
  buildView,
  formatDuration,
  formatMoney,
  productCard,
  renderAttribute,
  renderPage,
  renderSlot,
  renderTemplate,
  type ProductSource,
  type RenderInput,
} from "./render.ts";
import {
  baseConfig,
  cartSession,
  context,
  demoConfig,
  findVisitor,
  input,
  modeProfile,
  mustParse,
  NO_CONSENT,
  NOW,
} from "./test-fixtures.ts";

const product = (id: string, extra: Partial<ProductSource> = {}): ProductSource => ({
  id,
  name: `Watch ${id}`,
  url: `/p/${id}`,
  imageUrl: `/img/${id}.svg`,
  priceCents: 129_999,
  currency: "EUR",
  rating: 4.56,
  reviewCount: 321,
  stock: 3,
  categoryId: "sports-watches",
  brand: "Garmin",
  ...extra,
});

const XSS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  "` onmouseover=alert(1) x=`",
  "</textarea><script>alert(1)</script>",
  "javascript:alert(1)",
  "&lt;script&gt;",
];

/** A config with one variant on `banner` (all pages), rendered for a decision on it. */
function setup(variant: Record<string, unknown>, slot: Record<string, unknown> = {}) {
  const config = mustParse(
    baseConfig({
      slots: { banner: { selector: "#banner", action: "replace", ...slot } },
      variants: { v: { slot: "banner", ...variant } },
    }),
  );
  const decision = decide(config, input()).slots[0]!;
  const render = (r: Partial<RenderInput> = {}) =>
    renderSlot(config, decision, { input: input(), product: null, items: [], ...r });
  return { config, decision, render };
}

/** Markup characters an injected value could use to break out; escaping keeps counts fixed. */
function markupCounts(html: string) {
  return ["<", ">", '"', "'", "=", "`"].map((c) => html.split(c).length - 1);
}

describe("escaping: an XSS corpus stays text, in text and attribute contexts", () => {
  const template =
    '<p title="{{product.name}}">{{product.name}} by {{product.brand}}</p>' +
    '{{#items}}<a href="{{url}}" title=\'{{name}}\'><img src="{{imageUrl}}" alt="{{name}}">{{name}}</a>{{/items}}';
  const { render } = setup({ template, items: { source: "similar", limit: 4 } });
  const benign = render({ product: product("p"), items: [product("a")] })!.html;

  it.each(XSS)("product names and brands: %s", (payload) => {
    const html = render({
      product: product("p", { name: payload, brand: payload }),
      items: [product("a", { name: payload })],
    })!.html;
    expect(markupCounts(html)).toEqual(markupCounts(benign));
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/<img src=x|<svg/);
  });

  it("exact output for the classic attribute breakout", () => {
    const { render: r } = setup({ template: '<p title="{{product.name}}">{{product.name}}</p>' });
    const html = r({ product: product("p", { name: '"><img src=x onerror=alert(1)>' }) })!.html;
    const escaped = "&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;";
    expect(html).toBe(`<p title="${escaped}">${escaped}</p>`);
  });

  it.each(XSS)("config data values: %s", (payload) => {
    const t = '<p data-code="{{data.code}}">Use {{data.code}}</p>';
    const { render: r } = setup({ template: t, data: { code: payload } });
    const { render: safe } = setup({ template: t, data: { code: "SAVE10" } });
    const html = r()!.html;
    expect(markupCounts(html)).toEqual(markupCounts(safe()!.html));
    expect(html).not.toContain("<script");
  });

  it.each(XSS)("query values, also inside a URL: %s", (payload) => {
    const t = '<a href="/search?q={{query.q}}">Results for {{query.q}}</a>';
    const { render: r } = setup({ template: t });
    const at = (q: string) => r({ input: input({ context: context({ query: { q } }) }) })!.html;
    const html = at(payload);
    expect(markupCounts(html)).toEqual(markupCounts(at("shoes")));
    expect(html.startsWith('<a href="/search?q=')).toBe(true);
  });

  it("values are never re-rendered as templates", () => {
    const { render: r } = setup({ template: "<p>{{product.name}}</p>", data: { secret: "S3" } });
    expect(r({ product: product("p", { name: "{{data.secret}}" }) })!.html).toBe(
      "<p>{{data.secret}}</p>",
    );
  });

  describe("a global Mustache.escape override cannot weaken rendering", () => {
    const original = Mustache.escape;
    afterEach(() => {
      Mustache.escape = original;
    });
    it("still escapes", () => {
      Mustache.escape = (s: string) => s;
      const { render: r } = setup({ template: "<p>{{product.name}}</p>" });
      expect(r({ product: product("p", { name: "<b>x</b>" }) })!.html).toBe(
        "<p>&lt;b&gt;x&lt;&#x2F;b&gt;</p>",
      );
    });
  });
});

describe("URLs in product cards", () => {
  const { render } = setup({
    template: '{{#items}}<a href="{{url}}"><img src="{{imageUrl}}" alt=""></a>{{/items}}',
    items: { source: "bestsellers", limit: 5 },
  });

  it.each([
    ["javascript:alert(1)", "/img/x.svg"],
    [" javascript:alert(1)", "/img/x.svg"],
    ["JaVaScRiPt:alert(1)", "/img/x.svg"],
    ["java\tscript:alert(1)", "/img/x.svg"],
    ["data:text/html,<script>alert(1)</script>", "/img/x.svg"],
    ["//evil.example/p", "/img/x.svg"],
    ["/\\evil.example/p", "/img/x.svg"],
    ["/p/ok", "javascript:alert(1)"],
    ["/p/ok", "data:image/svg+xml,<svg onload=alert(1)>"],
  ])("drops a card with url %j / imageUrl %j", (url, imageUrl) => {
    const html = render({ items: [product("bad", { url, imageUrl }), product("good")] })!.html;
    expect(html).toBe('<a href="&#x2F;p&#x2F;good"><img src="&#x2F;img&#x2F;good.svg" alt=""></a>');
  });

  it("keeps paths and http(s) URLs", () => {
    const html = render({
      items: [
        product("a", { url: "https://shop.example/p/a", imageUrl: "http://cdn.example/a.png" }),
      ],
    })!.html;
    expect(html).toBe(
      '<a href="https:&#x2F;&#x2F;shop.example&#x2F;p&#x2F;a"><img src="http:&#x2F;&#x2F;cdn.example&#x2F;a.png" alt=""></a>',
    );
  });

  it("an items module whose every card is unsafe, or whose list is empty, is not rendered", () => {
    expect(render({ items: [product("x", { url: "javascript:alert(1)" })] })).toBeNull();
    expect(render({ items: [] })).toBeNull();
  });
});

describe("the view", () => {
  const view = (r: Partial<RenderInput>, variant: Record<string, unknown> = {}) => {
    const config = mustParse(
      baseConfig({ variants: { v: { slot: "banner", template: "<p>x</p>", ...variant } } }),
    );
    return buildView(config, config.variants.v!, {
      input: input(),
      product: null,
      items: [],
      ...r,
    });
  };

  it("product cards carry formatted prices and display fields", () => {
    expect(productCard(product("a"), "en-IE", 2)).toEqual({
      ...product("a"),
      price: "€1,299.99",
      rank: 2,
      stars: "★★★★★",
      ratingText: "4.6",
      inStock: true,
      lowStock: true,
    });
    expect(productCard(product("b", { priceCents: 4999, rating: 3.2 }), "de-DE", 1)).toMatchObject({
      price: "49,99\u00a0€",
      stars: "★★★☆☆",
    });
  });

  it("remembered cards and amounts come back the same, with each list's own rank", () => {
    const p = product("c", { priceCents: 1999 });
    const first = productCard(p, "en-IE", 1)!;
    const third = productCard(p, "en-IE", 3)!;
    expect([first.rank, third.rank, productCard(p, "en-IE", 1)!.rank]).toEqual([1, 3, 1]);
    expect(third).toEqual({ ...first, rank: 3 });
    // Another locale is another card.
    expect(productCard(p, "de-DE", 1)!.price).toBe("19,99\u00a0€");
    expect(productCard({ ...p, url: "javascript:alert(1)" }, "en-IE", 1)).toBeNull();
    // Past the remembered-amount cap the formatter starts over and stays correct.
    for (let cents = 0; cents < 5000; cents++) {
      expect(formatMoney(cents, "EUR", "en-IE")).toBe(
        new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" }).format(cents / 100),
      );
    }
  });

  it("cart: value, count and the free-delivery gap", () => {
    const below = view({ input: input({ session: cartSession(3000) }) })!;
    expect(below.cart).toEqual({
      valueCents: 3000,
      value: "€30.00",
      count: 1,
      lines: 1,
      empty: false,
      freeDeliveryThreshold: "€50.00",
      missingForFreeDeliveryCents: 2000,
      missingForFreeDelivery: "€20.00",
      qualifiesForFreeDelivery: false,
      freeDeliveryProgress: 60,
    });
    const above = view({ input: input({ session: cartSession(7250) }) })!;
    expect(above.cart).toMatchObject({
      missingForFreeDelivery: "€0.00",
      qualifiesForFreeDelivery: true,
      freeDeliveryProgress: 100,
    });
  });

  it("visitor, time and page", () => {
    const v = view({
      input: input({
        context: context({ pageType: "category", categoryId: "phones", path: "/c/phones" }),
        profile: modeProfile("humanistic", { visitCount: 3, segments: ["gift_buyer"] }),
        session: cartSession(1000, { journeyStage: "cart" }),
      }),
    })!;
    expect(v.visitor).toEqual({
      mode: "humanistic",
      stage: "cart",
      segments: ["gift_buyer"],
      visitCount: 3,
      orderCount: 0,
      returning: true,
    });
    // NOW is 10:30 UTC, 11:30 for the visitor: 12 h 30 min to their midnight.
    expect(v.now).toEqual({
      iso: "2026-11-23T10:30:00.000Z",
      date: "2026-11-23",
      hour: 11,
      dayOfWeek: 1,
      leftToday: "12 h 30 min",
    });
    expect(v.page).toEqual({
      type: "category",
      path: "/c/phones",
      categoryId: "phones",
      productId: null,
    });
  });

  it("without consent the profile and the session are not used, even if passed", () => {
    const v = view({
      input: input({
        consent: NO_CONSENT,
        profile: modeProfile("competitive"),
        session: cartSession(3000),
      }),
    })!;
    expect(v.visitor.mode).toBeNull();
    expect(v.visitor.stage).toBeNull();
    expect(v.cart.valueCents).toBe(0);
  });

  it("time-limited offers: time left until endsAt, and nothing once it has passed", () => {
    const endsAt = new Date(NOW + 2.5 * 3_600_000).toISOString();
    expect(view({}, { data: { endsAt } })!.endsIn).toBe("2 h 30 min");
    const past = new Date(NOW - 1000).toISOString();
    expect(view({}, { data: { endsAt: past } })).toBeNull();
    expect(formatDuration(3 * 86_400_000 + 5)).toBe("3 days");
    expect(formatDuration(20_000)).toBe("1 min");
  });

  it("query keys such as __proto__ stay plain data", () => {
    const v = view({
      input: input({ context: context({ query: JSON.parse('{"__proto__":"x","q":"a"}') }) }),
    })!;
    expect(Object.getPrototypeOf(v.query)).toBe(Object.prototype);
    expect(Object.keys(v.query).sort()).toEqual(["__proto__", "q"]);
  });
});

describe("renderSlot outcomes", () => {
  it("a product module on a page without a product is not rendered", () => {
    const { render } = setup({ template: "<p>{{product.name}}</p>" });
    expect(render()).toBeNull();
    expect(render({ product: product("p") })!.html).toBe("<p>Watch p</p>");
  });

  it("a module that renders to nothing is not injected", () => {
    const { render } = setup({
      template:
        "{{#product.lowStock}}<span>Only {{product.stock}} left</span>{{/product.lowStock}}",
    });
    expect(render({ product: product("p", { stock: 50 }) })).toBeNull();
    expect(render({ product: product("p", { stock: 2 }) })!.html).toBe("<span>Only 2 left</span>");
  });

  it("returns what the page rewriter applies", () => {
    const { render } = setup({ template: "<p>Hi</p>" });
    expect(render()).toEqual({
      slotId: "banner",
      action: "replace",
      html: "<p>Hi</p>",
      variantId: "v",
      reason: "always",
    });
  });

  it("names the hosts its absolute links may go to: written out, or of checked URLs", () => {
    const { render } = setup({
      template:
        '<a href="https://Help.example/faq?q={{query.q}}">?</a><p title="https://{{query.h}}/">x</p>' +
        '<a href="{{data.ctaUrl}}">c</a>' +
        '{{#items}}<a href="{{url}}"><img src="{{imageUrl}}" alt=""></a>{{/items}}',
      data: { ctaUrl: "https://promo.example/x" },
    });
    const out = render({
      input: input({ context: context({ query: { q: "a", h: "evil.example" } }) }),
      items: [product("a", { imageUrl: "https://cdn.example/a.png" })],
    });
    expect(out?.hosts?.sort()).toEqual(["cdn.example", "help.example", "promo.example"]);
  });

  it("remove needs no template", () => {
    const { render } = setup({}, { action: "remove" });
    expect(render()).toEqual({
      slotId: "banner",
      action: "remove",
      html: "",
      variantId: "v",
      reason: "always",
    });
  });

  it("setAttribute: plain text values; URL attributes must stay same-site paths", () => {
    const title = setup(
      { template: "{{query.q}} ({{cart.count}})" },
      { action: "setAttribute", attribute: "title" },
    );
    // Plain text: HTMLRewriter encodes attribute values itself (" -> &quot;).
    expect(
      title.render({ input: input({ context: context({ query: { q: '"x" & <b>' } }) }) }),
    ).toMatchObject({ html: "", attribute: { name: "title", value: '"x" & <b> (0)' } });

    const href = setup(
      { template: "/search?q={{query.next}}" },
      { action: "setAttribute", attribute: "href" },
    );
    const at = (next: string) =>
      href.render({ input: input({ context: context({ query: { next } }) }) })?.attribute ?? null;
    expect(at("/evil.example")).toEqual({ name: "href", value: "/search?q=/evil.example" });
    // `/{{query.next}}` is refused at publish; at render a value that makes it leave the
    // site is refused again, whatever the template.
    const raw = (next: string) =>
      renderAttribute("/{{query.next}}", { ...buildViewFor(), query: { next } }, "href");
    expect(raw("bestsellers")).toBe("/bestsellers");
    expect(raw("/evil.example")).toBeNull();
    expect(raw("\\evil.example")).toBeNull();
    expect(raw("x onclick=alert(1)")).toBeNull();
    expect(renderAttribute("/a\n/b", buildViewFor(), "href")).toBe("/a/b");
  });

  it("renderTemplate escapes numbers and booleans as text", () => {
    expect(renderTemplate("{{cart.count}} {{cart.empty}}", buildViewFor())).toBe("0 true");
  });
});

describe("renderPage with the demo config", () => {
  it("renders a methodical product page, dropping modules whose list is empty", () => {
    const demo = demoConfig();
    const i = input({
      visitorId: findVisitor((id) => !inHoldout(id, demo.holdout)),
      context: context({ pageType: "product", productId: "p", categoryId: "sports-watches" }),
      profile: modeProfile("methodical"),
    });
    const decision = decide(demo, i);
    const page = renderPage(
      demo,
      decision,
      i,
      product("p", { name: "Forerunner <965>" }),
      (spec) => (spec.source === "similar" ? [product("s1"), product("s2", { stock: 40 })] : []),
    );
    expect([...page.keys()].sort()).toEqual(["help-prompt", "product-extras", "recommendations"]);
    const compare = page.get("recommendations")!.html;
    expect(compare).toContain('<th scope="row">Forerunner &lt;965&gt; <small');
    expect(compare).toContain('<a href="&#x2F;p&#x2F;s1">Watch s1</a>');
    expect(compare).toContain("<td>€1,299.99</td>");
    expect(compare).toContain("<td>Only 3 left</td>");
    expect(compare).toContain("<td>In stock</td>");
    expect(page.get("help-prompt")!.html).toContain(
      'href="mailto:service@shop.example">service@shop.example</a> (reply within 2 hours)',
    );

    const none = renderPage(demo, decision, i, product("p"), () => []);
    expect([...none.keys()].sort()).toEqual(["help-prompt", "product-extras"]);
  });
});

function buildViewFor() {
  const config = mustParse(baseConfig());
  return buildView(config, config.variants.welcome!, { input: input(), product: null, items: [] })!;
}
