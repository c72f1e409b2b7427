import { env } from "cloudflare:test";
import { inArray } from "drizzle-orm";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { products } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { errorResponse } from "../errors.ts";
import { settingsOf } from "../settings.ts";
import { adminCatalog } from "./admin-catalog.ts";
import * as clock from "../clock.ts";
import { publishRankings } from "../scheduled/publish-rankings.ts";
import { ADMIN, call } from "../test-support/requests.ts";

// Mounted as the Worker mounts it (behind adminAuth, which has its own tests).
const app = new Hono<{ Bindings: Env }>()
  .route("/admin/catalog", adminCatalog)
  .onError(errorResponse);
const db = createDb(settingsOf(env));

const post = async (query: string, body: string) => {
  const res = await app.request(
    `http://x/admin/catalog/import${query}`,
    { method: "POST", body },
    env,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

// Out of stock on purpose: the suite shares its database, and no module lists such products.
const line = (id: string, priceCents: number) =>
  JSON.stringify({
    id,
    name: `Import test ${id}`,
    priceCents,
    currency: "EUR",
    availability: "out_of_stock",
    category: "Import tests",
  });

describe("POST /admin/catalog/import", () => {
  it("applies the readable rows and lists the others by line and field", async () => {
    const ndjson = [
      line("imp-t1", 1000),
      line("imp-t2", 2000),
      '{"id":"imp-t3","name":"x","priceCents":"ten"}',
    ].join("\n");
    const first = await post("", ndjson);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      format: "ndjson",
      mode: "upsert",
      added: 2,
      hidden: 0,
      categoriesAdded: 1,
    });
    expect(first.body.errors).toEqual([
      {
        line: 3,
        item: 3,
        field: "priceCents",
        message: expect.stringMatching(/number/),
        id: "imp-t3",
      },
    ]);

    const second = await post(
      "?format=ndjson",
      [line("imp-t1", 900), line("imp-t2", 2000)].join("\n"),
    );
    expect(second.body).toMatchObject({ added: 0, changed: 1, unchanged: 1, errors: [] });
    const rows = await db
      .select({
        id: products.id,
        priceCents: products.priceCents,
        categoryId: products.categoryId,
        stock: products.stock,
      })
      .from(products)
      .where(inArray(products.id, ["imp-t1", "imp-t2", "imp-t3"]))
      .orderBy(products.id);
    expect(rows).toEqual([
      { id: "imp-t1", priceCents: 900, categoryId: "import-tests", stock: 0 },
      { id: "imp-t2", priceCents: 2000, categoryId: "import-tests", stock: 0 },
    ]);
  });

  it("answers 400 with a JSON reason for an unknown format, an unreadable feed or a bad query", async () => {
    expect(await post("", "hello")).toMatchObject({
      status: 400,
      body: { code: "unknown_format" },
    });
    const unreadable = await post("?format=gmc-xml", "<rss><channel><item><g:id>1</g:id></item>");
    expect(unreadable).toMatchObject({ status: 400, body: { code: "unreadable_feed" } });
    expect(await post("?format=csv", line("imp-t9", 1))).toMatchObject({
      status: 400,
      body: { code: "invalid_query", message: expect.stringMatching(/^format: /) },
    });
    const none = await db
      .select()
      .from(products)
      .where(inArray(products.id, ["imp-t9", "1"]));
    expect(none).toEqual([]);
  });
});

describe("an imported catalog in the modules", () => {
  const feedUrl = "https://shop.example/products/linen-shirt-blue";

  it("links cards to the shop's own URL from the feed, and drops hidden products", async () => {
    const imported = await call("/__vitrine/v1/admin/catalog/import?format=ndjson", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({
        id: "imp-url-1",
        name: "Linen shirt",
        priceCents: 4900,
        url: feedUrl,
        availability: "in_stock",
        category: "Import tests",
      }),
    });
    expect(imported.status, imported.text).toBe(200);
    const model = await publishRankings(env, settingsOf(env), clock.now());
    expect(model.items["imp-url-1"]?.url).toBe(feedUrl);
    // Seeded products carry no feed URL and keep the demo shop's rule.
    expect(Object.values(model.items).some((i) => i.url.startsWith("/p/"))).toBe(true);

    await db
      .update(products)
      .set({ hiddenAt: clock.now() })
      .where(inArray(products.id, ["imp-url-1"]));
    const after = await publishRankings(env, settingsOf(env), clock.now() + 1);
    expect(after.items["imp-url-1"]).toBeUndefined();
  });
});
