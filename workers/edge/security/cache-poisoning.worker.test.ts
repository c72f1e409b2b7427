import { afterEach, describe, expect, it, vi } from "vitest";
import { normalizedCacheUrl } from "../proxy/cache-policy.ts";
import { BROWSER_UA, SHOP, call } from "../test-support/requests.ts";
import { fakeOriginEnv, html, interceptFetch } from "../test-support/fake-origin.ts";

/**
 * Web cache poisoning: an attacker sends a request whose unkeyed parts (headers, ignored query
 * parameters) change what the origin renders, hoping the shared copy keeps it for everyone.
 * The fake origin below behaves like common frameworks do: it trusts forwarding and override
 * headers, reflects a tracking parameter and varies on request headers it declares in Vary.
 * Whatever it reflects, the next ordinary visitor must get the ordinary page.
 */

const EVIL = "evil-9f2c.example";

/** Headers frameworks trust (behind a proxy) to tell them the public URL, host or method. */
const TRUSTED_BY_FRAMEWORKS = [
  "x-forwarded-host",
  "x-forwarded-proto",
  "forwarded",
  "x-host",
  "x-original-host",
  "x-forwarded-server",
  "x-forwarded-port",
  "x-forwarded-scheme",
  "x-forwarded-ssl",
  "x-forwarded-prefix",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
];

/** A shop origin that renders from every such header and declares what it varies on. */
function reflectingOrigin(request: Request): Response {
  const url = new URL(request.url);
  const h = request.headers;
  const path = h.get("x-original-url") ?? h.get("x-rewrite-url") ?? url.pathname;
  const reflected = [
    `<p id="page">page ${path}</p>`,
    `<p id="host">host ${h.get("host") ?? url.host}</p>`,
    ...TRUSTED_BY_FRAMEWORKS.filter((name) => h.has(name)).map(
      (name) => `<a data-from="${name}" href="https://${h.get(name)}/">link</a>`,
    ),
    // Tracking pixels and share links often echo campaign parameters into the page.
    url.searchParams.has("utm_content")
      ? `<p>campaign ${url.searchParams.get("utm_content")}</p>`
      : "",
  ];
  const headers: Record<string, string> = { "cache-control": "public, max-age=300" };
  if (url.pathname.startsWith("/lang/")) {
    headers.vary = "Accept-Language";
    reflected.push(`<p id="lang">language ${h.get("accept-language") ?? "default"}</p>`);
  }
  if (url.pathname.startsWith("/ua/")) {
    headers.vary = "User-Agent";
    reflected.push(`<p id="ua">agent ${h.get("user-agent") ?? ""}</p>`);
  }
  return html(`<html><head></head><body>${reflected.join("")}</body></html>`, { headers });
}

type Attack = [name: string, path: string, init: RequestInit];

const attacks: Attack[] = [
  ["X-Forwarded-Host", "/p/xfh", { headers: { "x-forwarded-host": EVIL } }],
  ["X-Forwarded-Proto", "/p/xfp", { headers: { "x-forwarded-proto": `javascript://${EVIL}/` } }],
  ["Forwarded", "/p/fwd", { headers: { forwarded: `host=${EVIL};proto=http` } }],
  ["Host", "/p/host", { headers: { host: EVIL } }],
  ["X-Host", "/p/xhost", { headers: { "x-host": EVIL } }],
  ["X-Original-Host", "/p/xoh", { headers: { "x-original-host": EVIL } }],
  ["X-Forwarded-Server", "/p/xfs", { headers: { "x-forwarded-server": EVIL } }],
  ["X-Forwarded-Port", "/p/xfport", { headers: { "x-forwarded-port": `1337/${EVIL}` } }],
  ["X-Forwarded-Scheme", "/p/xfscheme", { headers: { "x-forwarded-scheme": `//${EVIL}` } }],
  ["X-Forwarded-Ssl", "/p/xfssl", { headers: { "x-forwarded-ssl": EVIL } }],
  ["X-Forwarded-Prefix", "/p/xfprefix", { headers: { "x-forwarded-prefix": `//${EVIL}` } }],
  ["X-Original-URL", "/p/xou", { headers: { "x-original-url": `/${EVIL}/admin` } }],
  ["X-Rewrite-URL", "/p/xru", { headers: { "x-rewrite-url": `/${EVIL}/admin` } }],
  [
    "X-HTTP-Method-Override",
    "/p/xhmo",
    { headers: { "x-http-method-override": `DELETE ${EVIL}` } },
  ],
  ["X-HTTP-Method", "/p/xhm", { headers: { "x-http-method": `DELETE ${EVIL}` } }],
  ["X-Method-Override", "/p/xmo", { headers: { "x-method-override": `DELETE ${EVIL}` } }],
  ["an ignored tracking parameter", `/p/utm?utm_content=${EVIL}`, {}],
  ["Accept-Language (declared in Vary)", "/lang/home", { headers: { "accept-language": EVIL } }],
  [
    "User-Agent (declared in Vary)",
    "/ua/home",
    { headers: { "user-agent": `${BROWSER_UA} ${EVIL}` } },
  ],
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cache poisoning through unkeyed request parts", () => {
  it.each(attacks)("%s cannot change the page others get", async (_name, attackPath, init) => {
    interceptFetch(reflectingOrigin);
    const run = crypto.randomUUID().slice(0, 8);
    const path = attackPath.replace(/^(\/[a-z]+\/[a-z]+)/, `$1-${run}`);
    const attacker = await call(path, init, fakeOriginEnv());
    expect(attacker.status).toBe(200);
    const victimPath = path.replace(/\?.*$/, "");
    const victim = await call(
      victimPath,
      { headers: { "user-agent": BROWSER_UA } },
      fakeOriginEnv(),
    );
    expect(victim.status).toBe(200);
    expect(victim.text).toContain(`page ${victimPath}`);
    expect(victim.text).not.toContain(EVIL);
    const stored = await (
      await caches.open("vitrine-origin")
    ).match(normalizedCacheUrl(new URL(SHOP + victimPath)).toString());
    expect((await stored?.text()) ?? "").not.toContain(EVIL);
  });

  it("still shares one copy of an ordinary page (the defences do not switch caching off)", async () => {
    const { outbound } = interceptFetch(reflectingOrigin);
    const path = `/p/plain-${crypto.randomUUID().slice(0, 8)}`;
    await call(
      `${path}?utm_source=news&utm_content=spring`,
      { headers: { "user-agent": BROWSER_UA } },
      fakeOriginEnv(),
    );
    const second = await call(path, { headers: { "user-agent": BROWSER_UA } }, fakeOriginEnv());
    expect(second.headers.get("server-timing")).toContain('desc="hit"');
    expect(outbound.filter((r) => r.url.startsWith("http://origin.test"))).toHaveLength(1);
  });

  it("reports the public host and scheme to the origin itself, whatever the client claims", async () => {
    const { outbound } = interceptFetch(reflectingOrigin);
    await call(
      `/p/claims-${crypto.randomUUID().slice(0, 8)}`,
      {
        headers: {
          "x-forwarded-host": EVIL,
          "x-forwarded-proto": "http",
          forwarded: `host=${EVIL}`,
          "x-forwarded-for": "10.0.0.1",
          "cf-connecting-ip": "203.0.113.9",
        },
      },
      fakeOriginEnv(),
    );
    const sent = outbound.find((r) => r.url.startsWith("http://origin.test"))!;
    expect(sent.headers.get("x-forwarded-host")).toBe("shop.example");
    expect(sent.headers.get("x-forwarded-proto")).toBe("https");
    expect(sent.headers.get("forwarded")).toBe('for=203.0.113.9;host="shop.example";proto=https');
    // The client's own chain is kept, the address Cloudflare saw is appended.
    expect(sent.headers.get("x-forwarded-for")).toBe("10.0.0.1, 203.0.113.9");
    expect(sent.headers.get("cf-connecting-ip")).toBeNull();
  });
});
