import { describe, expect, it } from "vitest";
import demoJson from "../../../seeds/config/demo-config.json" with { type: "json" };
import { DEFAULT_PAGE_RULES, matchPage } from "../context/page-rules.ts";
import { parseConfig } from "./config-schema.ts";
import { baseConfig } from "./test-fixtures.ts";

/** The errors for a config built from the base with some parts replaced. */
function errorsOf(extra: Record<string, unknown>): string[] {
  const result = parseConfig(baseConfig(extra));
  return result.ok ? [] : result.errors;
}

const variant = (v: Record<string, unknown>) => ({
  variants: { v: { slot: "hero", template: "<p>x</p>", ...v } },
});
const templateErrors = (template: string) => errorsOf(variant({ template }));
const when = (rule: unknown) => errorsOf(variant({ when: rule }));

describe("parseConfig: valid configs", () => {
  it("accepts the demo config", () => {
    const result = parseConfig(demoJson);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && Object.keys(result.config.variants).length).toBeGreaterThan(20);
  });

  it("applies defaults: priority 0 and no experiments", () => {
    const result = parseConfig(baseConfig());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.variants.welcome!.priority).toBe(0);
    expect(result.config.experiments).toEqual({});
  });

  it("accepts safe template positions", () => {
    expect(
      templateErrors(
        '<a href="/search?q={{query.q}}" title="{{data.t}}">{{query.q}}</a>' +
          '{{#items}}<a href="{{url}}"><img src="{{imageUrl}}" alt="{{name}}"></a>{{/items}}' +
          '<a href="mailto:{{data.email}}">mail</a><a href="https://x.example/{{data.p}}">x</a>' +
          "<a href='{{product.url}}'>{{product.name}}</a><!-- a note -->" +
          '{{#items}}<li class="card{{#lowStock}} low{{/lowStock}}">{{name}}</li>{{/items}}',
      ),
    ).toEqual([]);
  });

  it("accepts remove without a template", () => {
    const result = parseConfig(
      baseConfig({
        slots: { ad: { selector: ".ad", action: "remove" } },
        variants: { hide: { slot: "ad" } },
      }),
    );
    expect(result.ok).toBe(true);
  });
});

describe("parseConfig: errors name the path", () => {
  it("unknown slot", () => {
    expect(errorsOf(variant({ slot: "nope" }))).toEqual([
      'variants.v.slot: unknown slot "nope" (slots: hero, banner)',
    ]);
  });

  it("unknown operator, operator not valid for the field, unknown field", () => {
    expect(when({ field: "session.pageViews", op: "between", value: 1 })).toEqual([
      'variants.v.when.op: unknown operator "between" (eq, neq, in, nin, gt, gte, lt, lte, contains, exists)',
    ]);
    expect(when({ all: [{ field: "profile.topMode", op: "gt", value: 1 }] })).toEqual([
      'variants.v.when.all[0].op: operator "gt" does not apply to profile.topMode (enum); use one of eq, neq, in, nin, exists',
    ]);
    expect(when({ any: [{ not: { field: "profile.mood", op: "eq", value: "x" } }] })).toEqual([
      'variants.v.when.any[0].not.field: unknown field "profile.mood"',
    ]);
  });

  it("values of the wrong type for the field and operator", () => {
    expect(when({ field: "profile.topMode", op: "eq", value: "curious" })).toEqual([
      'variants.v.when.value: "curious" is not one of competitive, methodical, spontaneous, humanistic',
    ]);
    expect(when({ field: "session.pageViews", op: "gte", value: "3" })).toEqual([
      "variants.v.when.value: expected a number",
    ]);
    expect(when({ field: "context.device", op: "in", value: [] })).toEqual([
      "variants.v.when.value: in needs a non-empty list",
    ]);
    expect(when({ field: "time.date", op: "gte", value: "2026-11-27T00:00" })).toEqual([
      "variants.v.when.value: expected YYYY-MM-DD or an ISO date-time with offset, e.g. 2026-11-27T00:00:00+01:00",
    ]);
    expect(when({ field: "consent.personalization", op: "eq", value: { a: 1 } })).toEqual([
      "variants.v.when.value: value must be a string, number, boolean or a list of strings or of numbers",
    ]);
    expect(when({ all: [{ field: "profile.segments", op: "eq", value: "x" }] })[0]).toMatch(
      /^variants\.v\.when\.all\[0\]\.op: operator "eq" does not apply to profile\.segments/,
    );
  });

  it("rules that are not rules, and rules nested too deep", () => {
    expect(when("profile.topMode = methodical")).toEqual([
      "variants.v.when: expected a rule: { all: [...] }, { any: [...] }, { not: rule } or { field, op, value }",
    ]);
    expect(
      when({ all: [{ field: "context.device", op: "eq", value: "mobile", extra: 1 }] }),
    ).toEqual(['variants.v.when.all[0]: unknown key(s) "extra"']);
    let deep: unknown = { field: "context.device", op: "eq", value: "mobile" };
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect(when(deep)).toEqual(["variants.v.when: rules nest at most 8 levels deep"]);
  });

  it("unescaped output, partials and delimiter changes in templates", () => {
    expect(templateErrors("<p>{{{data.x}}}</p>")).toEqual([
      "variants.v.template: triple mustache {{{...}}} is not allowed: it inserts unescaped HTML",
    ]);
    expect(templateErrors("<p>{{& data.x}}</p>")).toEqual([
      "variants.v.template: {{&...}} is not allowed: it inserts unescaped HTML",
    ]);
    expect(templateErrors("{{> card}}")).toEqual([
      "variants.v.template: partials {{>...}} are not allowed",
    ]);
    expect(templateErrors("{{=<% %>=}}<%{ data.x }%>")).toEqual([
      "variants.v.template: set-delimiter tags {{=...=}} are not allowed",
    ]);
    expect(templateErrors("{{#items}}<p>")).toEqual([
      'variants.v.template: template does not parse: Unclosed section "items" at 13',
    ]);
  });

  it("values where escaping does not protect: handlers, styles, URL starts, tags", () => {
    expect(templateErrors('<img src="/x.png" onerror="alert(1)">')).toEqual([
      "variants.v.template: event handler attribute onerror on <img> is not allowed",
    ]);
    expect(templateErrors('<p style="color:{{data.c}}">x</p>')).toEqual([
      "variants.v.template: {{data.c}} inside a style attribute is not allowed: use classes",
    ]);
    expect(templateErrors('<a href="{{data.link}}">x</a>')).toEqual([
      "variants.v.template: <a href>: {{data.link}} starts the URL: only URLs checked before render (product.url, product.imageUrl, data.*Url, url/imageUrl directly in {{#items}} or {{#product}}) may start a URL",
    ]);
    expect(templateErrors('<a href="java{{data.x}}">x</a>')).toEqual([
      "variants.v.template: <a href>: a value inserted before the URL's path could complete a scheme: start with /, ?, # or http(s)://",
    ]);
    expect(templateErrors('<a href=" javascript:alert(1)">x</a>')).toEqual([
      'variants.v.template: <a href>: " javascript:alert(1)" is not a link to this site or an http(s), mailto: or tel: URL',
    ]);
    expect(templateErrors('<a href="jav&#x61;script:alert(1)">x</a>')).toEqual([
      'variants.v.template: <a href>: "javascript:alert(1)" is not a link to this site or an http(s), mailto: or tel: URL',
    ]);
    expect(templateErrors("<div class={{data.c}}>x</div>")).toEqual([
      "variants.v.template: {{data.c}} in an unquoted attribute value: quote the value",
    ]);
    expect(templateErrors("<div {{data.attr}}>x</div>")).toEqual([
      "variants.v.template: {{data.attr}} inside a tag itself: values go in text or quoted attribute values",
    ]);
    expect(templateErrors("<script>var x = 1</script>")).toEqual([
      "variants.v.template: <script> is not allowed in templates",
    ]);
    expect(templateErrors('<iframe srcdoc="<b>x</b>"></iframe>')).toEqual([
      "variants.v.template: <iframe> is not allowed in templates",
      "variants.v.template: attribute srcdoc on <iframe> is not allowed",
    ]);
  });

  it("names that are not view data", () => {
    expect(templateErrors("{{items.constructor}}")).toEqual([
      'variants.v.template: {{items.constructor}}: "constructor" is a built-in property, not data',
    ]);
    expect(templateErrors("{{#items}}{{map}}{{/items}}")).toEqual([
      'variants.v.template: {{map}}: "map" is a built-in property, not data',
    ]);
    expect(templateErrors("{{visiter.mode}}")).toEqual([
      'variants.v.template: {{visiter.mode}}: unknown name "visiter" (use one of data, product, items, hasItems, cart, visitor, now, endsIn, page, query)',
    ]);
  });

  it("setAttribute: forbidden attributes, and URLs must be relative paths", () => {
    const slot = (attribute: string) => ({
      slots: { cta: { selector: "#cta", action: "setAttribute", attribute } },
    });
    expect(errorsOf({ ...slot("onclick"), variants: {} })).toEqual([
      'slots.cta.attribute: event handler attribute "onclick" is not allowed',
    ]);
    expect(errorsOf({ ...slot("style"), variants: {} })).toEqual([
      'slots.cta.attribute: "style" is not allowed: set "class" instead',
    ]);
    expect(errorsOf({ ...slot("srcdoc"), variants: {} })).toEqual([
      'slots.cta.attribute: "srcdoc" is not allowed: it changes what the element loads or runs',
    ]);
    expect(
      errorsOf({
        ...slot("href"),
        variants: { v: { slot: "cta", template: "https://x.example/" } },
      }),
    ).toEqual([
      'variants.v.template: a URL attribute value must be a relative path starting with "/"',
    ]);
    expect(
      errorsOf({ ...slot("href"), variants: { v: { slot: "cta", template: "//evil.example/" } } }),
    ).toEqual([
      'variants.v.template: a URL attribute value must be a relative path starting with "/"',
    ]);
    expect(
      errorsOf({
        ...slot("href"),
        variants: { v: { slot: "cta", template: "/c/{{page.categoryId}}" } },
      }),
    ).toEqual([]);
    expect(
      errorsOf({ slots: { x: { selector: "#x", action: "setAttribute" } }, variants: {} }),
    ).toEqual(["slots.x.attribute: setAttribute needs an attribute name"]);
  });

  it("slot selectors, data values, template presence", () => {
    expect(errorsOf({ slots: { a: { selector: "  ", action: "replace" } }, variants: {} })).toEqual(
      ["slots.a.selector: selector must not be empty"],
    );
    expect(
      errorsOf({ slots: { a: { selector: "div<script>", action: "replace" } }, variants: {} }),
    ).toEqual(["slots.a.selector: selector must not contain < or line breaks"]);
    expect(errorsOf(variant({ data: { ctaUrl: "javascript:alert(1)" } }))).toEqual([
      "variants.v.data.ctaUrl: a *Url value must be a path (/...) or an http(s) URL",
    ]);
    expect(errorsOf(variant({ data: { endsAt: "friday" } }))).toEqual([
      "variants.v.data.endsAt: endsAt must be an ISO date-time with offset, e.g. 2026-11-30T23:59:00+01:00",
    ]);
    expect(errorsOf(variant({ template: undefined }))).toEqual([
      'variants.v.template: required for the "replace" action of slot "hero"',
    ]);
    expect(errorsOf(variant({ items: { source: "hot", limit: 30 } }))).toEqual([
      'variants.v.items.source: Invalid option: expected one of "bestsellers"|"topRated"|"lowStock"|"trending"|"similar"|"alsoBought"|"recommended"|"accessories"|"completePurchase"|"buyAgain"',
      "variants.v.items.limit: Too big: expected number to be <=24",
    ]);
  });

  it("top level: holdout, defaults, unknown keys, ids", () => {
    expect(errorsOf({ holdout: { percent: 60, salt: "h" } })).toEqual([
      "holdout.percent: Too big: expected number to be <=50",
    ]);
    expect(errorsOf({ enabled: "yes", color: "red" })).toEqual([
      "enabled: Invalid input: expected boolean, received string",
      '(root): unknown key(s) "color"',
    ]);
    expect(
      errorsOf({
        defaults: { currency: "EUR", locale: "not a locale!", freeDeliveryThresholdCents: null },
      }),
    ).toEqual(["defaults.locale: RangeError: Incorrect locale information provided"]);
    expect(errorsOf({ variants: { "bad id!": { slot: "hero", template: "x" } } })).toEqual([
      "variants.bad id!: ids are letters, digits, - and _ (at most 64)",
    ]);
  });
});

describe("parseConfig: every error in one report", () => {
  it("reports unknown slots, slot targets and unsafe templates together with shape errors", () => {
    const errors = errorsOf({
      enabled: "yes",
      slots: {
        hero: { selector: "#hero", action: "replace", colour: "red" },
        code: { selector: "script", action: "setAttribute", attribute: "type" },
      },
      variants: {
        v: { slot: "nope", template: '<a href="/{{query.next}}">x</a>', priority: "high" },
        w: { slot: "hero", template: "<xmp>{{data.x}}</xmp>", items: { source: "hot", limit: 1 } },
        x: {
          slot: "hero",
          template: "<p>x</p>",
          data: { ctaUrl: "javascript:alert(1)" },
          extra: 1,
        },
      },
    });
    expect(errors).toEqual([
      "enabled: Invalid input: expected boolean, received string",
      'slots.hero: unknown key(s) "colour"',
      "variants.v.priority: Invalid input: expected number, received string",
      expect.stringMatching(/^variants\.w\.items\.source: Invalid option/),
      'variants.x: unknown key(s) "extra"',
      "slots.code.selector: a slot may not target <script>: its content is code, raw text or another document",
      'slots.code.attribute: "type" is not allowed: it changes what the element loads or runs',
      'variants.v.slot: unknown slot "nope" (slots: hero, code)',
      'variants.v.template: <a href>: {{query.next}} right after "/" could make a link to another host (//host): start with a path such as /p/',
      "variants.w.template: <xmp> is not allowed in templates",
      "variants.w.template: {{data.x}} inside a raw-text element is not allowed",
      "variants.x.data.ctaUrl: a *Url value must be a path (/...) or an http(s) URL",
    ]);
  });
});

describe("parseConfig: URL rules", () => {
  it("defaults to the demo shop's rules, and the demo config spells them out", () => {
    const result = parseConfig(baseConfig());
    expect(result.ok && result.config.pageRules).toEqual(DEFAULT_PAGE_RULES);
    const demo = parseConfig(demoJson);
    expect(demo.ok && demo.config.pageRules).toEqual(DEFAULT_PAGE_RULES);
    // Each parse gets its own copy: a config never shares (or mutates) the defaults.
    const again = parseConfig(baseConfig());
    expect(result.ok && again.ok && result.config.pageRules !== again.config.pageRules).toBe(true);
  });

  it("takes a shop's own URL layout", () => {
    const result = parseConfig(
      baseConfig({
        pageRules: [
          {
            pattern: "/products/:handle.html",
            pageType: "product",
            params: { productSlug: ":handle" },
          },
          { pattern: "/collections/:category", pageType: "category" },
          { pattern: "/", pageType: "home" },
        ],
      }),
    );
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(matchPage("/products/trail-runner.html", result.config.pageRules)).toEqual({
      pageType: "product",
      productSlug: "trail-runner",
      categoryId: null,
    });
    expect(matchPage("/collections/shoes", result.config.pageRules).categoryId).toBe("shoes");
    // The demo shop's URLs mean nothing to this shop.
    expect(matchPage("/p/trail-runner", result.config.pageRules).pageType).toBe("other");
  });

  it("names the rule and field that is wrong", () => {
    expect(
      errorsOf({
        pageRules: [
          { pattern: "/p/:slug", pageType: "product" },
          { pattern: "p/:slug", pageType: "product" },
          { pattern: "/a/*/b", pageType: "landing" },
          { pattern: "/c/:id", pageType: "category", params: { categoryId: ":cat" } },
        ],
      }),
    ).toEqual([
      "pageRules[1].pattern: must start with / and hold only URL path characters",
      'pageRules[2].pageType: Invalid option: expected one of "home"|"category"|"product"|"search"|"cart"|"checkout"|"order"|"bestsellers"|"faq"|"other"',
      "pageRules[3].params.categoryId: the pattern has no parameter :cat",
    ]);
  });
});

describe("parseConfig: experiments", () => {
  const experiment = (arms: unknown, extra: Record<string, unknown> = {}) => ({
    variants: {
      a: { slot: "hero", template: "<p>a</p>", experiment: "exp" },
      b: { slot: "hero", template: "<p>b</p>", experiment: "exp" },
      other: { slot: "banner", template: "<p>o</p>" },
      ...extra,
    },
    experiments: { exp: { status: "running", allocation: 1, arms } },
  });
  const arms = [
    { id: "control", weight: 0.5, variant: null },
    { id: "a", weight: 0.25, variant: "a" },
    { id: "b", weight: 0.25, variant: "b" },
  ];

  it("accepts a well-formed experiment", () => {
    expect(errorsOf(experiment(arms))).toEqual([]);
  });

  it("weights that do not sum to 1, negative weights, duplicate arms", () => {
    expect(errorsOf(experiment([{ ...arms[0], weight: 0.4 }, arms[1], arms[2]]))).toEqual([
      "experiments.exp.arms: arm weights must sum to 1 (they sum to 0.9)",
    ]);
    expect(errorsOf(experiment([{ ...arms[0], weight: -0.5 }, arms[1], arms[2]]))).toEqual([
      "experiments.exp.arms[0].weight: Too small: expected number to be >=0",
      "experiments.exp.arms: arm weights must sum to 1 (they sum to 0)",
    ]);
    expect(errorsOf(experiment([arms[0], arms[1], { ...arms[2], id: "a" }]))).toEqual([
      'experiments.exp.arms[2].id: duplicate arm "a"',
    ]);
  });

  it("arms and variants must point at each other, in one slot", () => {
    expect(errorsOf(experiment([arms[0], arms[1], { ...arms[2], variant: "zzz" }]))).toEqual([
      'variants.b.experiment: experiment "exp" has no arm showing "b"',
      'experiments.exp.arms[2].variant: unknown variant "zzz"',
    ]);
    expect(errorsOf(experiment([arms[0], arms[1], { ...arms[2], variant: "other" }]))).toEqual([
      'variants.b.experiment: experiment "exp" has no arm showing "b"',
      'experiments.exp.arms[2].variant: variant "other" must declare "experiment": "exp"',
      'experiments.exp.arms[2].variant: variant "other" is in slot "banner", other arms in "hero"',
    ]);
    expect(
      errorsOf({
        variants: { a: { slot: "hero", template: "x", experiment: "missing" } },
      }),
    ).toEqual(['variants.a.experiment: unknown experiment "missing"']);
  });
});
