import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { MerchModel } from "../catalog/lists.ts";
import { CONFIG_POINTER, configKey, forgetActiveConfig } from "../config/config-store.ts";
import { createPreviewToken } from "../identity/preview-token.ts";
import { ADMIN, call, consenting } from "../test-support/requests.ts";
import { fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";
import {
  configWith,
  profileOf,
  publishConfig,
  publishModel,
  putModel,
  putProfile,
} from "../test-support/fixtures.ts";
import { findExecutable } from "../test-support/html-oracle.ts";
import {
  INERT_IN_HTML,
  SLOT_BYPASSES,
  TEMPLATE_BYPASSES,
  XSS_CORPUS,
} from "../test-support/xss-corpus.ts";

/**
 * The XSS corpus through every way outside data reaches a page: product names, brands and
 * links in the published model, config values, the query string (printed and in decision
 * reasons), the visitor's profile, the page's own JSON-LD, preview tokens and CSP nonces.
 * The oracle (html-oracle.ts) parses each response and fails on any probe that would run.
 */

const dataKeys = XSS_CORPUS.map((_, i) => `p${i}`);

const CONFIG = configWith(
  {
    banner: { selector: "#promo-banner", action: "replace" },
    recs: { selector: "#recommendations", action: "replace" },
    extras: { selector: "#product-extras", action: "append" },
    badges: { selector: "#product-badges", action: "prepend" },
    "h1-title": { selector: "h1", action: "setAttribute", attribute: "title" },
    "help-link": { selector: "#help-prompt", action: "setAttribute", attribute: "href" },
  },
  {
    // Config values, in text and attribute contexts; shown for campaigns with "xss" in them,
    // so the campaign (a query parameter) lands in the decision reason too.
    "x-data": {
      slot: "banner",
      when: { field: "context.campaign", op: "contains", value: "xss" },
      data: Object.fromEntries(dataKeys.map((k, i) => [k, XSS_CORPUS[i]!])),
      template: `<div class="t-data">${dataKeys.map((k) => `<p title="{{data.${k}}}">{{data.${k}}}</p>`).join("")}</div>`,
    },
    // Product names, brands and links from the model.
    "x-items": {
      slot: "recs",
      items: { source: "bestsellers", limit: 24 },
      template:
        '<ul class="t-items">{{#items}}<li title="{{name}}"><a href="{{url}}">{{name}}</a> <span data-brand="{{brand}}">{{brand}}</span><img src="{{imageUrl}}" alt="{{name}}"></li>{{/items}}</ul>',
    },
    "x-product": {
      slot: "extras",
      template:
        '<div class="t-product"><h3 title="{{product.name}}">{{product.name}}</h3><p data-brand="{{product.brand}}">{{product.brand}}</p><a href="{{product.url}}"><img src="{{product.imageUrl}}" alt="{{product.name}}"></a></div>',
    },
    // The query string, the page's own product id and the visitor's profile.
    "x-query": {
      slot: "badges",
      when: { field: "context.campaign", op: "contains", value: "xss" },
      template:
        '<div class="t-query"><p title="{{query.q}}">{{query.q}}</p><p data-c="{{query.utm_campaign}}">{{query.utm_campaign}}</p><p>{{page.path}}</p><p data-id="{{page.productId}}">{{page.productId}}</p><ul>{{#visitor.segments}}<li title="{{.}}">{{.}}</li>{{/visitor.segments}}</ul></div>',
    },
    "x-title": {
      slot: "h1-title",
      template: "{{query.q}} / {{data.msg}}",
      data: { msg: XSS_CORPUS[1]! },
    },
    "x-link": { slot: "help-link", template: "/search?q={{query.q}}" },
  },
);

let productPath = "";
let hostileModel: MerchModel;
const visitorId = "xss-visitor-0000001";

beforeAll(async () => {
  await publishConfig(CONFIG);
  const model = await publishModel();
  // Every product gets a hostile name and brand; some get hostile links (to be dropped).
  hostileModel = structuredClone(model);
  Object.values(hostileModel.items).forEach((item, i) => {
    item.name = XSS_CORPUS[i % XSS_CORPUS.length]!;
    item.brand = XSS_CORPUS[(i + 7) % XSS_CORPUS.length]!;
    if (i % 5 === 0) item.url = `javascript:xssProbe(${1000 + i})`;
    else if (i % 7 === 0) item.imageUrl = `data:image/svg+xml,<svg onload=xssProbe(${2000 + i})>`;
    // The page under test: a product whose own links stay valid, so its module shows.
    else if (!productPath) productPath = item.url;
  });
  await putModel("hostile", JSON.stringify(hostileModel));
  await putProfile(profileOf(visitorId, { segments: [...XSS_CORPUS], topMode: "spontaneous" }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function expectInert(page: string, where: string, minInert = 1) {
  const report = await findExecutable(page);
  expect(report.findings, where).toEqual([]);
  // The payloads did reach the page (escaped): the check was not vacuous.
  expect(report.inert, where).toBeGreaterThanOrEqual(minInert);
}

describe("the oracle", () => {
  it("finds every raw payload where a browser would run it, and ignores escaped ones", async () => {
    for (const payload of XSS_CORPUS) {
      const contexts = [
        `<div>${payload}</div>`,
        `<p title="${payload}">x</p>`,
        `<p title='${payload}'>x</p>`,
        `<a href="${payload}">x</a>`,
      ];
      let findings = 0;
      for (const page of contexts) findings += (await findExecutable(page)).findings.length;
      expect(findings > 0, payload).toBe(!INERT_IN_HTML.test(payload));
    }
    const escaped = await findExecutable(
      '<p title="&quot;&gt;&lt;img src=x onerror=xssProbe(1)&gt;">&lt;script&gt;xssProbe(2)&lt;/script&gt;</p>',
    );
    expect(escaped).toEqual({ findings: [], inert: 2 });
    const attr = await findExecutable(
      '<a href="&#106;avascript:xssProbe(3)">x</a><p title="" onclick="xssProbe(4)">',
    );
    expect(attr.findings).toHaveLength(2);
  });
});

describe("XSS corpus through every injected field", () => {
  it("escapes hostile config values, model names and brands, and drops hostile product links", async () => {
    const res = await call(`${productPath}?q=plain&utm_campaign=xss-run`, {
      headers: await consenting(visitorId),
    });
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    for (const cls of ["t-data", "t-items", "t-product"])
      expect(res.text).toContain(`class="${cls}"`);
    await expectInert(res.text, "config + model", XSS_CORPUS.length);
    // Products with unsafe links were left out rather than linked.
    expect(res.text).not.toMatch(/xssProbe\(1\d{3}\)|xssProbe\(2\d{3}\)/);
  });

  it.each(XSS_CORPUS.map((p, i) => [i, p] as const))(
    "payload %i in the query string, campaign and profile stays inert",
    async (_i, payload) => {
      const q = encodeURIComponent(payload);
      const res = await call(`${productPath}?q=${q}&utm_campaign=xss${q}&vt_preview=${q}`, {
        headers: await consenting(visitorId),
      });
      expect(res.status).toBe(200);
      expect(res.text).toContain('class="t-query"');
      await expectInert(res.text, payload);
      // The query parameter really was printed (escaped): in the module and in the h1 title.
      expect(res.text).toMatch(/<h1 title="[^"]*xssProbe/);
    },
  );

  it("keeps a hostile product id from the page's JSON-LD and a hostile CSP nonce inert", async () => {
    const id = '"><script>xssProbe(7001)</script>';
    const jsonLd = JSON.stringify({
      "@context": "https://schema.org",
      "@type": "Product",
      productID: id,
      name: id,
    });
    interceptFetch(() =>
      html(
        `<!doctype html><html><head><title>p</title><script type="application/ld+json">${jsonLd.replaceAll("</", "<\\/")}</script></head>` +
          `<body><h1>Product</h1><div id="promo-banner"></div><div id="product-badges"></div><div id="product-extras"></div>` +
          `<section id="recommendations"></section><section id="help-prompt"></section></body></html>`,
        {
          headers: {
            "cache-control": "no-store",
            "content-security-policy": `script-src 'nonce-abc"><script>xssProbe(7002)</script>'`,
          },
        },
      ),
    );
    const res = await call(
      "/p/hostile-json-ld?utm_campaign=xss",
      { headers: await consenting(visitorId) },
      fakeOriginEnv(),
    );
    expect(res.headers.get("x-vitrine")).toBe("personalized");
    // A nonce that is no valid CSP token is never copied into a tag: the policy then allows
    // no script of ours, so the tracker is left out and the response says so.
    expect(res.headers.get("x-vitrine-csp")).toContain("blocked-script");
    expect(res.text).not.toContain("xssProbe(7002)");
    const report = await findExecutable(
      res.text.replace(/<script type="application\/ld\+json">.*?<\/script>/s, ""),
    );
    expect(report.findings).toEqual([]);
    expect(report.inert).toBeGreaterThanOrEqual(2);
  });

  it("ignores unsigned and forged preview tokens, and a signed one only forces its variant", async () => {
    for (const token of [
      "x-data.9999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      '"><script>xssProbe(8001)</script>',
      "x-data",
    ]) {
      const res = await call(`${productPath}?vt_preview=${encodeURIComponent(token)}`);
      expect(res.headers.get("x-vitrine")).not.toBe("preview");
      expect(res.text).not.toContain('class="t-data"');
      expect((await findExecutable(res.text)).findings).toEqual([]);
    }
    const signed = await createPreviewToken(
      "x-data",
      Number(await env.CONFIG.get(CONFIG_POINTER)),
      Date.now() + 60_000,
      env.COOKIE_SECRET,
    );
    const res = await call(`${productPath}?vt_preview=${signed}`);
    expect(res.headers.get("x-vitrine")).toBe("preview");
    expect(res.text).toMatch(/data-vt-variant="x-data" data-vt-reason="preview"/);
    await expectInert(res.text, "preview", XSS_CORPUS.length);
  });
});

describe("configs that would put values where escaping cannot help are refused", () => {
  const base = (variant: Record<string, unknown>, slot: Record<string, unknown> = {}) =>
    configWith(
      { s: { selector: "#promo-banner", action: "replace", ...slot } },
      { v: { slot: "s", ...variant } },
    );
  const cases: [string, unknown, RegExp][] = [
    [
      "triple mustache",
      base({ template: "<p>{{{data.x}}}</p>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "ampersand tag",
      base({ template: "<p>{{&data.x}}</p>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "a script element",
      base({ template: "<script>{{data.x}}</script>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "an event handler",
      base({ template: '<img src="/x.png" onerror="{{data.x}}">', data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "a value starting a URL",
      base({ template: '<a href="{{data.x}}">a</a>', data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "a javascript: URL",
      base({ template: '<a href="javascript:{{data.x}}">a</a>', data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "an unquoted attribute",
      base({ template: "<a title={{data.x}}>a</a>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "a style attribute",
      base({ template: '<p style="color:{{data.x}}">a</p>', data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "srcdoc",
      base({ template: '<iframe srcdoc="{{data.x}}"></iframe>', data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "svg",
      base({ template: "<svg><a>{{data.x}}</a></svg>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "a value inside a tag",
      base({ template: "<p {{data.x}}>a</p>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    [
      "set-delimiter",
      base({ template: "{{=<% %>=}}<p><%data.x%></p>", data: { x: "a" } }),
      /variants\.v\.template/,
    ],
    ["a partial", base({ template: "<p>{{> evil}}</p>" }), /variants\.v\.template/],
    [
      "a prototype name",
      base({ template: "<p>{{data.constructor}}</p>" }),
      /variants\.v\.template/,
    ],
    [
      "a javascript: *Url value",
      base({ template: "<p>x</p>", data: { linkUrl: "javascript:alert(1)" } }),
      /variants\.v\.data\.linkUrl/,
    ],
    [
      "a protocol-relative *Url value",
      base({ template: "<p>x</p>", data: { linkUrl: "//evil.example/" } }),
      /variants\.v\.data\.linkUrl/,
    ],
    [
      "setAttribute onclick",
      base({ template: "x" }, { action: "setAttribute", attribute: "onclick" }),
      /slots\.s\.attribute/,
    ],
    [
      "setAttribute style",
      base({ template: "x" }, { action: "setAttribute", attribute: "style" }),
      /slots\.s\.attribute/,
    ],
    [
      "setAttribute href to another site",
      base(
        { template: "https://evil.example/{{query.q}}" },
        { action: "setAttribute", attribute: "href" },
      ),
      /variants\.v\.template/,
    ],
    [
      "a selector with markup",
      base({ template: "<p>x</p>" }, { selector: "p><script>" }),
      /slots\.s\.selector/,
    ],
    [
      "styles with a script",
      { ...base({ template: "<p>x</p>" }), styles: "</style><script>alert(1)</script>" },
      /styles/,
    ],
    // Issue 21: the classes that once passed this check and ran script, and links a value can
    // send to another host.
    ...TEMPLATE_BYPASSES.map(({ cls, template }): [string, unknown, RegExp] => [
      `${cls}: ${template}`,
      base({ template, data: { on: true } }),
      /variants\.v\.template/,
    ]),
    ...SLOT_BYPASSES.map(({ cls, slot, template }): [string, unknown, RegExp] => [
      `${cls}: ${JSON.stringify(slot)}`,
      base({ template }, slot),
      /slots\.s\.(selector|attribute)/,
    ]),
    [
      "setAttribute href to a path a value can turn into //host",
      base({ template: "/{{query.next}}" }, { action: "setAttribute", attribute: "href" }),
      /variants\.v\.template/,
    ],
    ...[
      "p{width:expression(alert(1))}",
      ".a{background:url(javascript:alert(1))}",
      "@import url(https://evil.example/x.css);",
    ].map((styles): [string, unknown, RegExp] => [
      `styles ${styles}`,
      { ...base({ template: "<p>x</p>" }), styles },
      /styles: /,
    ]),
    [
      "CSS in a style attribute",
      base({ template: '<p style="background:url(&#106;avascript:alert(1))">x</p>' }),
      /variants\.v\.template: <p style>/,
    ],
  ];
  it.each(cases)("refuses %s, naming the field", async (_name, config, field) => {
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify(config),
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { code: string; details: string[] };
    expect(body.code).toBe("invalid_config");
    expect(body.details.join("\n")).toMatch(field);
  });

  it("refuses prototype-polluting keys in a config and pollutes nothing", async () => {
    const raw = `{"version":1,"enabled":true,"holdout":{"percent":0,"salt":"s"},"defaults":{"currency":"EUR","locale":"en-IE","freeDeliveryThresholdCents":null},"slots":{"__proto__":{"selector":"p","action":"remove"}},"variants":{"constructor":{"slot":"__proto__"}},"__proto__":{"polluted":"yes"}}`;
    const res = await call("/__vitrine/v1/admin/config", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: raw,
    });
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(res.text).code).toBe("invalid_config");
  });
});

describe("a config written straight into KV, past the publish check", () => {
  it("still never puts script or off-site links into the page", async () => {
    const bypasses = TEMPLATE_BYPASSES.map((b, i) => ({ ...b, id: `b${i}` }));
    const config = configWith(
      Object.fromEntries(
        bypasses.map(({ id }) => [id, { selector: "#promo-banner", action: "append" }]),
      ),
      Object.fromEntries(
        bypasses.map(({ id, template, view }) => [
          id,
          { slot: id, template, data: { on: true, ...view?.data } },
        ]),
      ),
      { version: 9001 },
    );
    await env.CONFIG.put(configKey(9001), JSON.stringify(config));
    await env.CONFIG.put(CONFIG_POINTER, "9001");
    forgetActiveConfig();
    try {
      const query = Object.assign({}, ...bypasses.map((b) => b.view?.query ?? {}));
      const res = await call(`${productPath}?${new URLSearchParams(query)}`, {
        headers: await consenting(visitorId),
      });
      // The page is served as the shop rendered it, without any of the modules.
      expect(res.status).toBe(200);
      expect(res.text).toContain('id="promo-banner"');
      expect((await findExecutable(res.text)).findings).toEqual([]);
      expect(res.text).not.toMatch(/xssProbe\(1\d\d\)|xssprobe\.example/i);
    } finally {
      await publishConfig(CONFIG);
    }
  });
});
