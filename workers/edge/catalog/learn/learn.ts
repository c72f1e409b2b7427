import { learnedMarkerKey } from "../../kv-keys.ts";
import { eq } from "drizzle-orm";
import { products } from "../../../../schema/index.ts";
import { applyImport, type CatalogDb } from "../feed/apply.ts";
import type { FeedProduct } from "../feed/types.ts";
import { collectPageFacts } from "./collect.ts";
import { readProductPage } from "./read-product.ts";

/** How long a page's facts stand before the page is read for the catalog again. */
export const LEARN_INTERVAL_MS = 10 * 60_000;
/**
 * How long the KV marker of a page's facts lives: until then an unchanged page costs no Turso
 * read at all; past it, the row is checked against the page again (someone may have edited it).
 */
export const MARKER_TTL_S = 24 * 3600;

export type LearnOutcome =
  | { status: "learned"; id: string; added: boolean }
  | { status: "unchanged"; id: string }
  | { status: "recent"; id: string }
  | { status: "skipped"; reason: string };

/** What the marker of a page remembers: when it was last learned, and a hash of what it said. */
type Marker = { at: number; facts: string };

/** The KV key of a product URL's marker: `learned:` and a hash of the URL. */
export const markerKey = async (url: string) => learnedMarkerKey(await sha256(url));

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 16)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** A hash of the facts a row is written from, to compare with the marker's. */
const factsOf = (p: FeedProduct) => sha256(JSON.stringify(p));

/**
 * Reads one product page (its own copy of the body) and writes its product to the catalog
 * through the feed importer's upsert path. Skipped when another isolate learned the page
 * within LEARN_INTERVAL_MS, when the page says what it said last time, and when the catalog
 * already has the product's id at another URL: a page only teaches its own product.
 */
export async function learnFromPage(
  body: ReadableStream<Uint8Array>,
  page: { url: string; currency: string },
  deps: { kv: KVNamespace; db: CatalogDb; now: number },
): Promise<LearnOutcome> {
  const facts = await collectPageFacts(body);
  const read = readProductPage(facts, { pageUrl: page.url, currency: page.currency });
  if ("skipped" in read) return { status: "skipped", reason: read.skipped };
  const product = read.product;
  const key = await markerKey(product.url!);
  const marker = await deps.kv.get<Marker>(key, "json");
  if (marker && deps.now >= marker.at && deps.now - marker.at < LEARN_INTERVAL_MS)
    return { status: "recent", id: product.id };
  const said = await factsOf(product);
  if (marker?.facts === said) return { status: "unchanged", id: product.id };

  const [stored] = await deps.db
    .select({ url: products.url })
    .from(products)
    .where(eq(products.id, product.id));
  if (stored?.url && new URL(stored.url, product.url!).pathname !== new URL(product.url!).pathname)
    return {
      status: "skipped",
      reason: `the catalog lists product "${product.id}" at another URL (${stored.url})`,
    };
  const result = await applyImport(
    deps.db,
    { products: [product], errors: [], rows: 1 },
    { mode: "upsert", now: deps.now, relatedOnly: true },
  );
  const value: Marker = { at: deps.now, facts: said };
  await deps.kv.put(key, JSON.stringify(value), { expirationTtl: MARKER_TTL_S });
  return result.added || result.changed
    ? { status: "learned", id: product.id, added: result.added > 0 }
    : { status: "unchanged", id: product.id };
}
