import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, connect } from "./database.ts";
import { startLibsqlServer } from "./libsql-server/server.ts";
import * as schema from "../schema/index.ts";
import { UNCOUNTED_STOCK } from "../workers/edge/catalog/feed/plan.ts";
import { importCatalog, runCatalogCli } from "./catalog-cli.ts";

// Fixed instants: imports stamp rows with the time they are given.
const T1 = Date.UTC(2031, 2, 3, 9);
const T2 = T1 + 86_400_000;
let server: Awaited<ReturnType<typeof startLibsqlServer>>;
let dir = "";

type Item = {
  id: string;
  title: string;
  price: string;
  availability: string;
  group?: string;
  type?: string;
};
const rss = (items: Item[]) =>
  `<?xml version="1.0"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n` +
  items
    .map(
      (i) =>
        `<item>\n<g:id>${i.id}</g:id>\n<title>${i.title}</title>\n<link>https://shop.example/p/${i.id.toLowerCase()}</link>\n` +
        `<g:price>${i.price}</g:price>\n<g:availability>${i.availability}</g:availability>\n` +
        `<g:image_link>https://cdn.shop.example/${i.id}.jpg</g:image_link>\n<g:brand>Northwind</g:brand>\n` +
        (i.group ? `<g:item_group_id>${i.group}</g:item_group_id>\n` : "") +
        `<g:product_type>${i.type ?? "Outdoor &gt; Tents"}</g:product_type>\n</item>\n`,
    )
    .join("") +
  `</channel></rss>\n`;

const FIRST: Item[] = [
  { id: "A", title: "Tent A", price: "199.00 EUR", availability: "in_stock" },
  {
    id: "B",
    title: "Stove B",
    price: "49.50 EUR",
    availability: "in_stock",
    type: "Outdoor &gt; Cooking",
  },
  { id: "C", title: "Lamp C", price: "19.00 EUR", availability: "in_stock" },
  { id: "G-S", title: "Fleece S", price: "60.00 EUR", availability: "in_stock", group: "G" },
  { id: "G-M", title: "Fleece M", price: "60.00 EUR", availability: "out_of_stock", group: "G" },
];
// A price change (A), a stock change (B), C removed, the group unchanged.
const SECOND: Item[] = [
  { ...FIRST[0]!, price: "179.00 EUR" },
  { ...FIRST[1]!, availability: "out_of_stock" },
  FIRST[3]!,
  FIRST[4]!,
];

async function write(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function rows() {
  const { client, db } = connect({ url: server.url });
  try {
    const list = await db.select().from(schema.products);
    return Object.fromEntries(list.map((p) => [p.id, p]));
  } finally {
    client.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vitrine-catalog-"));
  server = await startLibsqlServer({ file: join(dir, "catalog.db"), port: 0 });
  await applyMigrations({ url: server.url });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("npm run catalog -- import", () => {
  it("loads a feed, then applies the next one as a diff: changes, stock, removal", async () => {
    const conn = { url: server.url };
    const first = await importCatalog(conn, await write("first.xml", rss(FIRST)), { now: T1 });
    expect(first).toMatchObject({
      format: "gmc-xml",
      mode: "full",
      added: 4,
      changed: 0,
      hidden: 0,
      errors: [],
    });
    expect(first.categoriesAdded).toBe(3);
    let stored = await rows();
    expect(stored.A).toMatchObject({
      name: "Tent A",
      url: "https://shop.example/p/a",
      slug: "a",
      priceCents: 19900,
      currency: "EUR",
      availability: "in_stock",
      stock: UNCOUNTED_STOCK,
      categoryId: "outdoor--tents",
      brand: "Northwind",
      imageUrl: "https://cdn.shop.example/A.jpg",
      hiddenAt: null,
      createdAt: T1,
    });
    expect(stored.G).toMatchObject({ variantIds: ["G-S", "G-M"], availability: "in_stock" });

    const second = await importCatalog(conn, await write("second.xml", rss(SECOND)), { now: T2 });
    expect(second).toMatchObject({ added: 0, changed: 2, hidden: 1, unchanged: 1, errors: [] });
    stored = await rows();
    expect(stored.A).toMatchObject({ priceCents: 17900, updatedAt: T2, createdAt: T1 });
    expect(stored.B).toMatchObject({ availability: "out_of_stock", stock: 0, priceCents: 4950 });
    // Removed from the feed: kept, hidden, out of every stock-filtered list.
    expect(stored.C).toMatchObject({ hiddenAt: T2, stock: 0, name: "Lamp C" });
    expect(stored.G!.updatedAt).toBe(T1);

    const again = await importCatalog(conn, await write("again.xml", rss(SECOND)), { now: T2 + 1 });
    expect(again).toMatchObject({ added: 0, changed: 0, hidden: 0, unchanged: 3 });

    const back = await importCatalog(conn, await write("back.xml", rss(FIRST)), { now: T2 + 2 });
    expect(back).toMatchObject({ changed: 3, hidden: 0 });
    expect((await rows()).C).toMatchObject({ hiddenAt: null, stock: UNCOUNTED_STOCK });
  });

  it("imports the good rows of a feed with a malformed one, keeping the bad row's product as stored", async () => {
    const before = await rows();
    const feed = rss([
      { ...FIRST[0]!, price: "cheap" },
      { ...FIRST[1]!, price: "45.00 EUR" },
      ...FIRST.slice(2),
    ]);
    const result = await importCatalog({ url: server.url }, await write("bad-row.xml", feed), {
      now: T2 + 3,
    });
    expect(result.errors).toEqual([
      {
        line: 3,
        item: 1,
        field: "price",
        message: '"cheap" is not a price with a currency, e.g. "15.00 USD"',
        id: "A",
      },
    ]);
    expect(result).toMatchObject({ changed: 1, hidden: 0 });
    const after = await rows();
    expect(after.A).toEqual(before.A);
    expect(after.B!.priceCents).toBe(4500);
  });

  it("hides nothing when the feed breaks off part-way", async () => {
    const broken = rss(FIRST.slice(0, 2)).replace("</channel></rss>", "<item><g:id>Z</g:id");
    const result = await importCatalog({ url: server.url }, await write("broken.xml", broken), {
      now: T2 + 4,
    });
    expect(result.hidden).toBe(0);
    expect(result.removalsSkipped).toMatch(/could not be read/);
    expect(result.errors.at(-1)).toMatchObject({ field: "xml" });
    expect((await rows()).G!.hiddenAt).toBeNull();
  });

  it("follows Shopify's pages when importing from a URL", async () => {
    const page = (ids: number[]) =>
      JSON.stringify({
        products: ids.map((id) => ({
          id,
          title: `Shirt ${id}`,
          handle: `shirt-${id}`,
          vendor: "Harbor",
          product_type: "Shirts",
          variants: [{ id: id * 10, price: "30.00", available: true }],
          images: [],
        })),
      });
    const asked: string[] = [];
    const fakeFetch = (async (url: string) => {
      asked.push(url);
      const n = Number(new URL(url).searchParams.get("page"));
      return new Response(n === 1 ? page([1, 2]) : n === 2 ? page([3]) : page([]));
    }) as typeof fetch;
    const result = await importCatalog(
      { url: server.url },
      "https://harbor.example/products.json?limit=2",
      {
        now: T2 + 5,
        fetch: fakeFetch,
        mode: "upsert",
        currency: "USD",
      },
    );
    expect(asked).toEqual([
      "https://harbor.example/products.json?limit=2&page=1",
      "https://harbor.example/products.json?limit=2&page=2",
    ]);
    expect(result).toMatchObject({ format: "shopify", added: 3, hidden: 0 });
    expect((await rows())["3"]).toMatchObject({
      url: "https://harbor.example/products/shirt-3",
      slug: "shirt-3",
      priceCents: 3000,
      currency: "USD",
    });
  });

  it("exits 1 naming line and field of rows it could not import, 2 on a bad option", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      env: { TURSO_URL: server.url },
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      progress: false,
    };
    const ndjson = await write(
      "bulk.ndjson",
      '{"id":"n1","name":"Mug","priceCents":900}\n{"id":"n2","name":"Cup"}\n',
    );
    expect(await runCatalogCli(["import", ndjson], io)).toBe(1);
    expect(out[0]).toMatch(/\(ndjson, upsert\): 1 added, 0 changed, 0 hidden, .* 1 not imported$/);
    expect(out[1]).toBe(
      "  line 2 (n2): priceCents: Invalid input: expected number, received undefined",
    );
    expect(await runCatalogCli(["import", ndjson, "--format", "csv"], io)).toBe(2);
    expect(err.at(-1)).toMatch(/--format must be one of/);
  });
});
