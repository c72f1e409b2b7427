import { CookieJar } from "./load.ts";

/** A desktop browser's user agent: bots are never personalized. */
export const BROWSER = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
};
const MODES = ["competitive", "methodical", "spontaneous", "humanistic"] as const;

/** Consenting visitors: the consent endpoint sets their signed consent and visitor cookies. */
export async function consentingJars(workerUrl: string, n: number): Promise<CookieJar[]> {
  const out: CookieJar[] = [];
  for (let i = 0; i < n; i++) {
    const consent = await fetch(`${workerUrl}/__vitrine/v1/consent`, {
      method: "POST",
      headers: { ...BROWSER, "content-type": "application/json" },
      body: JSON.stringify({ personalization: true, analytics: true }),
    });
    await consent.text();
    out.push(new CookieJar(consent.headers.getSetCookie()));
  }
  return out;
}

/**
 * Gives every visitor a profile, a quarter in each buyer mode, the way a shopper gets one:
 * by browsing through the Worker (their Durable Object folds the page views). Then the
 * personalized pages carry the modules a returning visitor sees (badges, product lists,
 * banners), not just the request-only ones. Returns how many visitors got each top mode.
 */
export async function browseByMode(
  workerUrl: string,
  visitors: readonly CookieJar[],
  productUrl: string,
): Promise<Record<string, number>> {
  const paths: Record<(typeof MODES)[number], string[]> = {
    competitive: ["/bestsellers", "/c/phones?sort=popularity", "/c/running-shoes?sort=popularity"],
    methodical: [
      "/c/phones?sort=price_asc&instock=1",
      "/c/running-shoes?sort=price_asc&instock=1",
      "/c/sports-watches?sort=price_desc&instock=1",
    ],
    spontaneous: ["/?promo=flash-1", "/?promo=flash-2", "/?promo=flash-3"],
    humanistic: ["/c/phones?sort=rating", "/c/running-shoes?sort=rating", "/c/home?sort=rating"],
  };
  const tops: Record<string, number> = {};
  await Promise.all(
    visitors.map(async (visitor, i) => {
      const mode = MODES[i % MODES.length]!;
      for (const url of [...paths[mode].map((p) => workerUrl + p), productUrl]) {
        const res = await fetch(url, { headers: { ...BROWSER, cookie: visitor.header() } });
        visitor.update(res.headers.getSetCookie());
        const text = await res.text();
        if (url !== productUrl) continue;
        const top = /profile\.topMode=(\w+)/.exec(text)?.[1] ?? "none";
        tops[top] = (tops[top] ?? 0) + 1;
      }
    }),
  );
  return tops;
}
