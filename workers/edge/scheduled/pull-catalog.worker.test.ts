import { env } from "cloudflare:test";
import { eq, inArray, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { products, trainingRuns } from "../../../schema/index.ts";
import { createDb } from "../db/client.ts";
import { settingsOf } from "../settings.ts";
import { pullCatalogFeed } from "./pull-catalog.ts";

const settings = settingsOf(env);
const db = createDb(settings);
// Long past, so these runs never show as the latest in operations views shared by the suite.
const AT = Date.UTC(2020, 0, 6, 4);

const feed = `<?xml version="1.0"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>
<item><g:id>pull-1</g:id><title>Pulled one</title><link>https://shop.example/p/pulled-one</link>
<g:price>10.00 EUR</g:price><g:availability>out_of_stock</g:availability></item>
</channel></rss>`;

const serving = (text: string, status = 200) =>
  (async () => new Response(text, { status })) as unknown as typeof fetch;
const withUrl = { ...env, CATALOG_FEED_URL: "https://shop.example/feed.xml" } as Env;

describe("pullCatalogFeed", () => {
  it("does nothing without CATALOG_FEED_URL", async () => {
    expect(await pullCatalogFeed(env, settings, AT, serving(feed))).toEqual({
      skipped: true,
      reason: "CATALOG_FEED_URL is not set",
    });
  });

  it("imports the feed but hides nothing when it would take most of the catalog away", async () => {
    const visible = async () =>
      Number(
        (
          await db
            .select({ n: sql<number>`count(*)` })
            .from(products)
            .where(isNull(products.hiddenAt))
        )[0]!.n,
      );
    const before = await visible();
    const result = await pullCatalogFeed(withUrl, settings, AT, serving(feed));
    expect(result).toMatchObject({ skipped: false, added: 1, hidden: 0 });
    expect(result.skipped || result.removalsSkipped).toMatch(
      /would hide \d+ of \d+ visible products/,
    );
    expect(await visible()).toBe(before + 1);
    const [run] = await db
      .select()
      .from(trainingRuns)
      .where(eq(trainingRuns.id, `catalog-${AT}`));
    expect(run).toMatchObject({
      job: "catalog",
      status: "degraded",
      metrics: { added: 1, hidden: 0 },
    });
    const [row] = await db
      .select()
      .from(products)
      .where(inArray(products.id, ["pull-1"]));
    expect(row).toMatchObject({
      url: "https://shop.example/p/pulled-one",
      availability: "out_of_stock",
      stock: 0,
    });
  });

  it("records a failed run when the feed URL answers with an error", async () => {
    await expect(pullCatalogFeed(withUrl, settings, AT + 1, serving("down", 503))).rejects.toThrow(
      /HTTP 503/,
    );
    const [run] = await db
      .select()
      .from(trainingRuns)
      .where(eq(trainingRuns.id, `catalog-${AT + 1}`));
    expect(run).toMatchObject({ status: "failed", error: expect.stringMatching(/HTTP 503/) });
  });
});
