import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../catalog.ts";
import { productPath } from "../urls.ts";
import { startShop, type ShopServer } from "../server.ts";

let shop: ShopServer;
const path = productPath(generateCatalog().products[0]!.slug);

beforeAll(async () => {
  shop = await startShop({ port: 0 });
});
afterAll(async () => {
  await shop.close();
});

describe("product page padded with ?kb= (the bench's real-world-sized page)", () => {
  it("grows the page to the size asked for, keeping the page and its slots intact", async () => {
    const plain = await (await fetch(shop.url + path)).text();
    const res = await fetch(`${shop.url}${path}?kb=100`);
    expect(res.status).toBe(200);
    const padded = await res.text();
    const bytes = Buffer.byteLength(padded);
    expect(bytes).toBeGreaterThan(99 * 1024);
    expect(bytes).toBeLessThan(101 * 1024);
    expect(padded.trimEnd().endsWith("</html>")).toBe(true);
    expect(padded.match(/<li class="review"/g)?.length).toBeGreaterThan(50);
    // The page's own markup comes first, unchanged.
    const head = plain.slice(0, plain.lastIndexOf("</body>"));
    expect(padded.startsWith(head)).toBe(true);
  });

  it("serves the page unchanged without a usable size", async () => {
    const plain = await (await fetch(shop.url + path)).text();
    for (const kb of ["", "abc", "1"]) {
      expect(await (await fetch(`${shop.url}${path}?kb=${kb}`)).text()).toBe(plain);
    }
  });
});
