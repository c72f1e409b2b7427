import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { MerchModel } from "../catalog/lists.ts";
import * as clock from "../clock.ts";
import worker from "../index.ts";
import { BROWSER_UA, call, consenting, SHOP } from "../test-support/requests.ts";
import {
  compressedHtml,
  FAKE_ORIGIN,
  fakeOriginEnv,
  html,
  interceptFetch,
  type Outbound,
} from "../test-support/fake-origin.ts";
import { configWith, publishConfig, publishModel } from "../test-support/fixtures.ts";

/**
 * What real shops send and the demo shop does not: compressed pages, validators and ranges,
 * their own cookies, product ids late in the page or only in microdata, strict CSPs, redirects
 * to their own host and legacy charsets. The visitor gets the shop's page exactly where Vitrine
 * changes nothing, and a correct one where it does.
 */

const CONFIG = configWith(
  {
    banner: { selector: "#promo-banner", action: "replace" },
    product: { selector: "#product-slot", action: "replace", pageTypes: ["product"] },
  },
  {
    // Only for a visitor who said yes: an anonymous visitor's page has nothing to change.
    "consent-banner": {
      slot: "banner",
      priority: 1,
      when: { field: "consent.personalization", op: "eq", value: true },
      template: '<p class="t-pers">Zł ó → for you</p>',
    },
    "product-id": {
      slot: "product",
      priority: 1,
      when: { field: "consent.personalization", op: "eq", value: true },
      template: '<p class="t-product">product {{page.productId}}</p>',
    },
  },
  {
    styles: ".vt-module { margin: 0; }",
    // A shop whose product URLs capture no slug: only the catalog's URLs say which product.
    pageRules: [
      { pattern: "/p/:id", pageType: "product" },
      { pattern: "/c/:categoryId", pageType: "category" },
    ],
  },
);

let model: MerchModel;

beforeAll(async () => {
  await publishConfig(CONFIG);
  model = await publishModel();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A unique path per test, so shared-cache entries never cross tests. */
const pathFor = (name: string) => `/real/${name}-${crypto.randomUUID().slice(0, 8)}`;

const PUBLIC = "public, max-age=300";

const page = (marker: string, extraBody = "") =>
  `<!doctype html><html><head><title>${marker}</title></head><body>` +
  `<header id="promo-banner">${marker} banner</header><main><h1>${marker} heading</h1>` +
  `${extraBody}</main><footer>${marker} footer</footer></body></html>`;

/** One request through the real entry point, body kept as bytes. */
async function raw(path: string, init: RequestInit = {}, bindings: Env = fakeOriginEnv()) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(SHOP + path, init), bindings, ctx);
  const bytes = new Uint8Array(await res.arrayBuffer());
  await waitOnExecutionContext(ctx);
  return { res, bytes, headers: res.headers, status: res.status };
}

const cacheOutcome = (headers: Headers) =>
  /origin;dur=\d+;desc="([a-z-]+)"/.exec(headers.get("server-timing") ?? "")?.[1];

const toOrigin = (outbound: Outbound[]) =>
  outbound.filter((r) => new URL(r.url).origin === FAKE_ORIGIN);

const anonymous = { "user-agent": BROWSER_UA, accept: "text/html" };
const consentingVisitor = async () => ({ ...(await consenting()), accept: "text/html" });

describe("compressed origins", () => {
  for (const encoding of ["gzip", "br"] as const) {
    it(`serves a ${encoding} origin's page as its exact HTML, on a miss and on a hit, anonymous or personalized`, async () => {
      const body = page(`M-${encoding}`);
      const { outbound } = interceptFetch(() =>
        compressedHtml(body, encoding, { headers: { "cache-control": PUBLIC } }),
      );
      const visitors = {
        anonymous: { ...anonymous, "accept-encoding": "zstd" },
        personalized: await consentingVisitor(),
      };
      for (const [who, headers] of Object.entries(visitors)) {
        const path = pathFor(`${encoding}-${who}`);
        for (const expected of ["miss", "hit"]) {
          const res = await call(path, { headers }, fakeOriginEnv());
          const what = `${encoding} ${who} ${expected}`;
          expect(cacheOutcome(res.headers), what).toBe(expected);
          expect(res.headers.get("content-encoding"), what).toBeNull();
          if (who === "anonymous") {
            expect(res.text, what).toBe(body);
          } else {
            expect(res.headers.get("x-vitrine"), what).toBe("personalized");
            expect(res.text, what).toContain('<p class="t-pers">Zł ó → for you</p>');
            expect(res.text, what).toMatch(/M-\w+ footer<\/footer><\/body><\/html>$/);
          }
        }
      }
      // The origin is asked for what the runtime decodes, whatever the visitor accepts.
      for (const sent of toOrigin(outbound))
        expect(sent.headers.get("accept-encoding")).toBe("gzip, br");
    });
  }

  it("replaces a copy stored encoded, never serving its bytes", async () => {
    const path = pathFor("stored-encoded");
    const body = page("M-stored");
    // A copy as a Worker that stored the origin's Content-Encoding left it: the Cache API
    // then hands back gzip bytes.
    const cache = await caches.open("vitrine-origin");
    await cache.put(
      new Request(SHOP + path),
      html(body, {
        headers: {
          "content-encoding": "gzip",
          "cache-control": "max-age=3600",
          "x-vitrine-stored-at": String(clock.now()),
          "x-vitrine-freshness": JSON.stringify({
            ttl: 300,
            staleWhileRevalidate: 60,
            staleIfError: 86400,
          }),
          "x-vitrine-origin-cache-control": PUBLIC,
        },
      }),
    );
    interceptFetch(() => compressedHtml(body, "gzip", { headers: { "cache-control": PUBLIC } }));
    for (const expected of ["miss", "hit"]) {
      const res = await call(path, { headers: anonymous }, fakeOriginEnv());
      expect(cacheOutcome(res.headers)).toBe(expected);
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(res.text).toBe(body);
    }
  });

  it("passes an encoding the runtime does not decode through as it came, never stored", async () => {
    let calls = 0;
    interceptFetch(() => {
      calls++;
      return html("zstd bytes", {
        headers: { "content-encoding": "zstd", "cache-control": PUBLIC },
      });
    });
    const path = pathFor("zstd");
    for (const headers of [anonymous, await consentingVisitor()]) {
      const res = await call(path, { headers }, fakeOriginEnv());
      expect(res.headers.get("content-encoding")).toBe("zstd");
      expect(res.text).toBe("zstd bytes");
      expect(res.headers.get("x-vitrine")).toBe("pass");
    }
    expect(calls).toBe(2);
  });
});

describe("pages Vitrine has nothing to change", () => {
  const ORIGIN_HEADERS = {
    "cache-control": PUBLIC,
    etag: '"v1"',
    "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT",
    vary: "Accept-Encoding",
  };

  it("stay byte-identical with their caching headers and validators, on a miss and a hit", async () => {
    const bodies: Record<string, string> = {
      // A page whose only slot has no variant for this visitor.
      "/real/untouched-page": page("M-untouched"),
      // A CSV the shop labels text/html.
      "/real/export.csv": "id,name,price\n1,Zł boots,12\n2,ó shirt,7\n",
    };
    interceptFetch((req) => {
      const body = bodies[new URL(req.url).pathname]!;
      const bytes = new TextEncoder().encode(body);
      return html(body, {
        headers: { ...ORIGIN_HEADERS, "content-length": String(bytes.byteLength) },
      });
    });
    for (const [path, body] of Object.entries(bodies)) {
      const expected = new TextEncoder().encode(body);
      for (const outcome of ["miss", "hit"]) {
        const res = await raw(path, { headers: anonymous });
        const what = `${path} ${outcome}`;
        expect(cacheOutcome(res.headers), what).toBe(outcome);
        expect(res.bytes, what).toEqual(expected);
        for (const [name, value] of Object.entries(ORIGIN_HEADERS))
          expect(res.headers.get(name), `${what} ${name}`).toBe(value);
        expect(res.headers.get("content-length"), what).toBe(String(expected.byteLength));
        expect(res.headers.getSetCookie(), what).toEqual([]);
      }
    }
    // The same page for a visitor with a slot is rewritten, and then private.
    const personalized = await raw("/real/untouched-page", { headers: await consentingVisitor() });
    expect(new TextDecoder().decode(personalized.bytes)).toContain("t-pers");
    expect(personalized.headers.get("cache-control")).toBe("private, no-store");
  });

  it("are answered 304 by Vitrine when the visitor's validator matches", async () => {
    const { outbound } = interceptFetch(() => html(page("M-304"), { headers: ORIGIN_HEADERS }));
    const path = pathFor("anon-304");
    for (const outcome of ["miss", "hit"]) {
      const res = await raw(path, { headers: { ...anonymous, "if-none-match": '"v1"' } });
      expect(res.status, outcome).toBe(304);
      expect(res.bytes.byteLength).toBe(0);
      expect(res.headers.get("etag")).toBe('"v1"');
      expect(res.headers.get("cache-control")).toBe(PUBLIC);
    }
    const changed = await raw(path, { headers: { ...anonymous, "if-none-match": '"v0"' } });
    expect(changed.status).toBe(200);
    expect(new TextDecoder().decode(changed.bytes)).toBe(page("M-304"));
    for (const sent of toOrigin(outbound)) expect(sent.headers.get("if-none-match")).toBeNull();
  });
});

describe("conditional and partial requests for a personalized page", () => {
  /** An origin that honours validators and ranges, as real ones do. */
  function conformingOrigin(body: string, extra: Record<string, string> = {}) {
    return interceptFetch((req) => {
      const headers = {
        "cache-control": PUBLIC,
        etag: '"shared-v1"',
        "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT",
        "accept-ranges": "bytes",
        vary: "Accept-Encoding",
        ...extra,
      };
      if (
        req.headers.get("if-none-match") === '"shared-v1"' ||
        req.headers.has("if-modified-since")
      )
        return new Response(null, { status: 304, headers });
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.get("range") ?? "");
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        return html(body.slice(from, to + 1), {
          status: 206,
          headers: { ...headers, "content-range": `bytes ${from}-${to}/${body.length}` },
        });
      }
      return html(body, { headers });
    });
  }

  it("never gets a 304 or the shared copy's validators, on a miss or a hit", async () => {
    const body = page("M-cond");
    const { outbound } = conformingOrigin(body);
    const path = pathFor("cond");
    const headers = {
      ...(await consentingVisitor()),
      "if-none-match": '"shared-v1"',
      "if-modified-since": "Wed, 02 Dec 2026 10:00:00 GMT",
    };
    for (const outcome of ["miss", "hit"]) {
      const res = await call(path, { headers }, fakeOriginEnv());
      expect(res.status, outcome).toBe(200);
      expect(cacheOutcome(res.headers)).toBe(outcome);
      expect(res.text).toContain("t-pers");
      expect(res.text).toContain("M-cond footer");
      expect(res.headers.get("etag")).toBeNull();
      expect(res.headers.get("last-modified")).toBeNull();
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      // Vary is the origin's own statement about the page: kept.
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
    }
    for (const sent of toOrigin(outbound)) {
      expect(sent.headers.get("if-none-match")).toBeNull();
      expect(sent.headers.get("if-modified-since")).toBeNull();
    }
  });

  it("ignores Range: the whole page, 200", async () => {
    const body = page("M-range");
    conformingOrigin(body);
    // A visitor with a session cookie of the shop's goes around the shared copy.
    const consent = await consentingVisitor();
    for (const cookie of [consent.cookie, `${consent.cookie}; shop_session=s1`]) {
      const res = await call(
        pathFor("range"),
        { headers: { ...consent, cookie, range: "bytes=0-40" } },
        fakeOriginEnv(),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-range")).toBeNull();
      expect(res.headers.get("accept-ranges")).toBeNull();
      expect(res.text).toContain("t-pers");
      expect(res.text).toMatch(/M-range footer<\/footer><\/body><\/html>$/);
    }
  });

  it("passes the origin's Set-Cookie to the visitor and never stores that response", async () => {
    let calls = 0;
    interceptFetch(() => {
      calls++;
      return html(page("M-cookie"), {
        headers: { "cache-control": PUBLIC, "set-cookie": "shop_cart=c1; Path=/; HttpOnly" },
      });
    });
    const path = pathFor("set-cookie");
    for (const headers of [anonymous, anonymous, await consentingVisitor()]) {
      const res = await call(path, { headers }, fakeOriginEnv());
      expect(cacheOutcome(res.headers)).toBe("miss");
      expect(res.headers.getSetCookie()).toContain("shop_cart=c1; Path=/; HttpOnly");
    }
    expect(calls).toBe(3);
  });
});

describe("the product a page shows", () => {
  const FILLER = `<div class="reviews">${"<p>A long review of the product.</p>".repeat(8500)}</div>`;

  it("comes from the catalog's URL when the URL rules capture no slug, however late its JSON-LD", async () => {
    const item = Object.values(model.items)[0]!;
    const late = `<script type="application/ld+json">{"@type":"Product","productID":"p-late"}</script>`;
    interceptFetch(() =>
      html(page("M-url", `<div id="product-slot"></div>${FILLER}${late}`), {
        headers: { "cache-control": "no-store" },
      }),
    );
    const res = await call(item.url, { headers: await consentingVisitor() }, fakeOriginEnv());
    expect(res.text.length).toBeGreaterThan(300_000);
    expect(res.text).toContain(`<p class="t-product">product ${item.id}</p>`);
  });

  it("comes from the page's microdata before the slot, with its JSON-LD 300 KB after it", async () => {
    const microdata =
      '<div itemscope itemtype="https://schema.org/Product"><h2 itemprop="name">Boot</h2>' +
      '<span itemprop="sku"> md-sku-7 </span></div>';
    const late = `<script type="application/ld+json">{"@type":"Product","productID":"md-sku-7"}</script>`;
    interceptFetch(() =>
      html(page("M-md", `${microdata}<div id="product-slot"></div>${FILLER}${late}`), {
        headers: { "cache-control": "no-store" },
      }),
    );
    const res = await call(
      "/p/not-in-the-catalog",
      { headers: await consentingVisitor() },
      fakeOriginEnv(),
    );
    expect(res.text.length).toBeGreaterThan(300_000);
    expect(res.text).toContain('<p class="t-product">product md-sku-7</p>');
    expect(trackedProduct(res.text)).toBe("md-sku-7");
  });

  it("is named to the tracker from JSON-LD late in <body> on a page nothing else names", async () => {
    const late = `<script type="application/ld+json">{"@type":"Product","sku":"ld-late-3"}</script>`;
    interceptFetch(() =>
      html(page("M-ld", `<div id="product-slot"></div>${FILLER}${late}`), {
        headers: { "cache-control": "no-store" },
      }),
    );
    const res = await call(
      "/p/unknown-late",
      { headers: await consentingVisitor() },
      fakeOriginEnv(),
    );
    expect(trackedProduct(res.text)).toBe("ld-late-3");
    expect(res.text).toMatch(/<script src="[^"]*tracker\.js"[^>]*><\/script><\/body><\/html>$/);
  });
});

const trackedProduct = (text: string) =>
  /<script src="[^"]*tracker\.js"[^>]*data-product-id="([^"]+)"/.exec(text)?.[1];

describe("a strict Content-Security-Policy", () => {
  const injected = (text: string) => ({
    style: /<link rel="stylesheet"[^>]*modules\.css[^>]*>/.exec(text)?.[0] ?? null,
    script: /<script src="[^"]*tracker\.js"[^>]*>/.exec(text)?.[0] ?? null,
  });

  it("gives the origin's nonce to everything injected", async () => {
    const csp = "default-src 'self'; script-src 'nonce-r4nd0m'; style-src 'nonce-r4nd0m'";
    interceptFetch(() =>
      html(page("M-nonce"), {
        headers: { "content-security-policy": csp, "cache-control": "no-store" },
      }),
    );
    const res = await call(
      pathFor("nonce"),
      { headers: await consentingVisitor() },
      fakeOriginEnv(),
    );
    const tags = injected(res.text);
    expect(tags.style).toContain('nonce="r4nd0m"');
    expect(tags.script).toContain('nonce="r4nd0m"');
    expect(res.headers.get("x-vitrine-csp")).toBeNull();
    expect(res.headers.get("content-security-policy")).toBe(csp);
  });

  it("injects nothing a hash-only policy would block, says so, and still fills the slots", async () => {
    const csp = "default-src 'none'; script-src 'sha256-abc='; style-src 'sha256-def='";
    interceptFetch(() =>
      html(page("M-hash"), {
        headers: { "content-security-policy": csp, "cache-control": "no-store" },
      }),
    );
    const res = await call(
      pathFor("hash"),
      { headers: await consentingVisitor() },
      fakeOriginEnv(),
    );
    expect(injected(res.text)).toEqual({ style: null, script: null });
    expect(res.headers.get("x-vitrine-csp")).toBe("blocked-style, blocked-script");
    expect(res.text).toContain("t-pers");
  });

  it("keeps what the policy allows: a same-origin stylesheet beside a nonce-only, strict-dynamic script", async () => {
    const csp = "style-src 'self'; script-src 'nonce-n1' 'strict-dynamic'";
    interceptFetch(() =>
      html(page("M-mixed"), {
        headers: { "content-security-policy": csp, "cache-control": "no-store" },
      }),
    );
    const res = await call(
      pathFor("mixed"),
      { headers: await consentingVisitor() },
      fakeOriginEnv(),
    );
    const tags = injected(res.text);
    expect(tags.style).not.toBeNull();
    expect(tags.script).toContain('nonce="n1"');
    expect(res.headers.get("x-vitrine-csp")).toBeNull();
  });
});

describe("an origin reached by its own host name", () => {
  const ORIGIN = "https://origin.shop.example";

  it("keeps the visitor on the public host in Location and Content-Location, and sends the origin its own Host", async () => {
    const { outbound } = interceptFetch((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/old")
        return new Response(null, { status: 301, headers: { location: `${ORIGIN}/new?a=1` } });
      return html(page("M-host"), {
        headers: { "content-location": `${ORIGIN}/new`, "cache-control": "no-store" },
      });
    }, ORIGIN);
    const bindings = { ...env, ORIGIN_URL: ORIGIN };
    const moved = await call("/old", { headers: anonymous }, bindings);
    expect(moved.status).toBe(301);
    // On the host the visitor used: as an absolute URL or a path on it.
    const onPublicHost = (value: string | null) => new URL(value!, SHOP).href;
    expect(onPublicHost(moved.headers.get("location"))).toBe(`${SHOP}/new?a=1`);
    const res = await call("/new", { headers: anonymous }, bindings);
    expect(onPublicHost(res.headers.get("content-location"))).toBe(`${SHOP}/new`);
    const sent = outbound.filter((r) => r.url.startsWith(ORIGIN));
    expect(sent.map((r) => new URL(r.url).host)).toEqual([
      "origin.shop.example",
      "origin.shop.example",
    ]);
    for (const r of sent) {
      expect(r.headers.get("host")).toBeNull();
      expect(r.headers.get("x-forwarded-host")).toBe("shop.example");
    }
  });
});

describe("legacy charsets", () => {
  // "Zł ó" in windows-1250 and ISO-8859-2: ł is 0xB3 in both, ó 0xF3.
  const legacy = (text: string) =>
    new Uint8Array(
      Array.from(text, (ch) => ({ ł: 0xb3, ó: 0xf3 })[ch as "ł" | "ó"] ?? ch.charCodeAt(0)),
    );
  const indexOf = (haystack: Uint8Array, needle: Uint8Array) => {
    outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
      for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  };
  /** Text as a browser reads it: the page's charset, then character references. */
  const asRead = (bytes: Uint8Array, charset: string) =>
    new TextDecoder(charset)
      .decode(bytes)
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
      .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)));

  for (const charset of ["windows-1250", "iso-8859-2"]) {
    it(`keeps a ${charset} page's bytes outside the slots and injects text it displays right`, async () => {
      const head = "<!doctype html><html><head><title>Zł sklep</title></head><body>";
      const tail = "<main><h1>Buty zł ó</h1></main><footer>Zł ó stopka</footer></body></html>";
      const origin = legacy(`${head}<header id="promo-banner">baner</header>${tail}`);
      interceptFetch(
        () =>
          new Response(origin, {
            headers: {
              "content-type": `text/html; charset=${charset}`,
              "cache-control": "no-store",
            },
          }),
      );
      const res = await raw(pathFor(charset), { headers: await consentingVisitor() });
      expect(res.headers.get("content-type")).toBe(`text/html; charset=${charset}`);
      expect(indexOf(res.bytes, legacy(tail))).toBeGreaterThan(0);
      expect(indexOf(res.bytes, legacy("<title>Zł sklep</title>"))).toBeGreaterThan(0);
      expect(asRead(res.bytes, charset)).toContain('<p class="t-pers">Zł ó → for you</p>');
    });
  }
});

// Last: it turns personalization off for the rest of the file.
describe("with the kill switch on", () => {
  it("serves a compressed origin's page as its exact HTML, on a miss and a hit", async () => {
    await publishConfig({ ...CONFIG, enabled: false });
    for (const encoding of ["gzip", "br"] as const) {
      const body = page(`M-off-${encoding}`);
      interceptFetch(() =>
        compressedHtml(body, encoding, { headers: { "cache-control": PUBLIC } }),
      );
      for (const headers of [anonymous, await consentingVisitor()]) {
        const path = pathFor(`off-${encoding}`);
        for (const expected of ["miss", "hit"]) {
          const res = await call(path, { headers }, fakeOriginEnv());
          expect(res.headers.get("x-vitrine")).toBe("off");
          expect(cacheOutcome(res.headers)).toBe(expected);
          expect(res.headers.get("content-encoding")).toBeNull();
          expect(res.text).toBe(body);
          // The visitor's own cookies (a consenting visitor's id) make a response private.
          if (headers === anonymous) expect(res.headers.get("cache-control")).toBe(PUBLIC);
        }
      }
      vi.restoreAllMocks();
    }
  });
});
