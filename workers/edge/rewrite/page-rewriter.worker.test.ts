import { describe, expect, it } from "vitest";
import {
  READ_AHEAD_BYTES,
  READ_BYTES,
  readAhead,
  rewritePage,
  type PageRewrite,
  type RenderedSlot,
} from "./page-rewriter.ts";

const slot = (slotId: string, html: string): RenderedSlot => ({
  slotId,
  action: "append",
  html,
  variantId: `${slotId}-v`,
  reason: "test",
});

/** Two slots, one near the top of the page and one after `filler` bytes of markup. */
function rewrite(): PageRewrite {
  const slots = new Map([
    ["top", slot("top", "<b>top</b>")],
    ["bottom", slot("bottom", "<b>bottom</b>")],
  ]);
  return {
    selectors: [
      { slotId: "top", selector: "#top" },
      { slotId: "bottom", selector: "#bottom" },
    ],
    headHtml: () => "",
    plan: () => slots,
  };
}

const encoder = new TextEncoder();
const head = '<html><head></head><body><div id="top"></div>';
const filler = `<p>${"x".repeat(64 * 1024)}</p>`;
const tail = '<div id="bottom"></div></body></html>';

/** An origin page sent in pieces; `fail` makes it break after the first two. */
function originPage(fail = false): Response {
  const parts = [head, filler, filler, tail];
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fail && i === 2) return controller.error(new Error("origin connection reset"));
      if (i === parts.length) return controller.close();
      controller.enqueue(encoder.encode(parts[i++]!));
    },
  });
  return new Response(body, { headers: { "content-type": "text/html" } });
}

const ids = (slots: RenderedSlot[]) => slots.map((s) => s.slotId);

/** A 2 MiB page in 1 KiB pieces that counts how many were pulled from it. */
function countedBody(): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (pulled === 1) controller.enqueue(encoder.encode(head));
      else if (pulled > 2048) controller.close();
      else controller.enqueue(encoder.encode(`<p>${"x".repeat(1017)}</p>`));
    },
  });
  return { body, pulled: () => pulled };
}

describe("rewritePage", () => {
  it("writes the slots and reports them when the document ends", async () => {
    const { response, outcome } = rewritePage(originPage(), rewrite());
    const html = await response.text();
    expect(html).toContain('data-vt-slot="top"');
    expect(html).toContain("<b>bottom</b>");
    expect(ids((await outcome!).applied)).toEqual(["top", "bottom"]);
  });

  it("reports the slots written so far when the reader leaves mid-page", async () => {
    const { response, outcome } = rewritePage(originPage(), rewrite());
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes("<b>top</b>")) {
      const { done, value } = await reader.read();
      expect(done).toBe(false);
      seen += decoder.decode(value, { stream: true });
    }
    await reader.cancel("visitor left");
    const settled = (await outcome)!;
    expect(ids(settled.applied)).toEqual(["top"]);
    expect(settled.errors.some((e) => e.startsWith("stream:"))).toBe(true);
  });

  it("reports the slots written so far when the origin's stream breaks", async () => {
    const { response, outcome } = rewritePage(originPage(true), rewrite());
    await expect(response.text()).rejects.toThrow();
    const settled = (await outcome)!;
    expect(ids(settled.applied)).toEqual(["top"]);
    expect(settled.errors.join(" ")).toContain("origin connection reset");
  });

  it("reads the origin ahead of the visitor, but never more than READ_AHEAD_BYTES", async () => {
    const { body, pulled } = countedBody();
    const { response } = rewritePage(new Response(body), rewrite());
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    // The watch fills its queue while nobody reads the page.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled()).toBeGreaterThan(64);
    expect(pulled()).toBeLessThan(READ_AHEAD_BYTES / 1024 + 64);
    await reader.cancel("done");
  });

  it("leaves an unwatched page to the runtime: the same page, no outcome, no watch reading ahead", async () => {
    const watched = await rewritePage(originPage(), rewrite()).response.text();
    const unwatched = rewritePage(originPage(), { ...rewrite(), unwatched: true });
    expect(unwatched.outcome).toBeNull();
    expect(await unwatched.response.text()).toBe(watched);

    const { body, pulled } = countedBody();
    const { response } = rewritePage(new Response(body), { ...rewrite(), unwatched: true });
    const reader = response.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Only what the runtime needed for the page's first piece; the watch would pull hundreds.
    expect(pulled()).toBeLessThan(64);
    await reader.cancel("done");
  });

  it("asks for the head tags when <head> opens, and for the tail tags at </body>, after the page named its product", async () => {
    const page =
      '<html><head><script type="application/ld+json">{"sku":"a"}</script></head>' +
      '<body><div id="top"></div><script type="application/ld+json">{"sku":"b"}</script></body></html>';
    const order: string[] = [];
    const { response } = rewritePage(new Response(page), {
      ...rewrite(),
      headHtml: () => {
        order.push("head");
        return '<meta name="vt">';
      },
      tailHtml: () => {
        order.push("tail");
        return '<script src="/t.js"></script>';
      },
      onJsonLd: (text) => void order.push(`json-ld ${text}`),
    });
    const text = await response.text();
    expect(text).toContain(
      '<head><script type="application/ld+json">{"sku":"a"}</script><meta name="vt"></head>',
    );
    expect(text).toMatch(
      /\{"sku":"b"\}<\/script><script src="\/t\.js"><\/script><\/body><\/html>$/,
    );
    expect(order).toEqual(["head", 'json-ld {"sku":"a"}', 'json-ld {"sku":"b"}', "tail"]);
  });

  it("puts the tail tags at the document's end when the page has no </body>", async () => {
    const { response } = rewritePage(new Response("<p>no body end tag"), {
      ...rewrite(),
      tailHtml: () => "<i>tail</i>",
    });
    expect(await response.text()).toBe("<p>no body end tag<i>tail</i>");
  });

  it("hears the product id of the page's microdata once, from a content attribute or the text", async () => {
    const cases: [string, string | null][] = [
      [
        '<div itemscope itemtype="https://schema.org/Product"><meta itemprop="sku" content="m-1"><span itemprop="sku">m-2</span></div>',
        "m-1",
      ],
      [
        '<div itemscope itemtype="http://schema.org/Product"><p itemprop="productID"> m-<b>3</b> </p></div>',
        "m-3",
      ],
      // Outside a Product scope a sku names something else.
      [
        '<div itemscope itemtype="https://schema.org/Offer"><span itemprop="sku">o-1</span></div>',
        null,
      ],
      [
        '<div itemscope itemtype="https://schema.org/Product"><span itemprop="sku">  </span></div>',
        null,
      ],
    ];
    for (const [page, expected] of cases) {
      const heard: string[] = [];
      const { response } = rewritePage(new Response(page), {
        ...rewrite(),
        onMicrodataProductId: (id) => void heard.push(id),
      });
      expect(await response.text(), page).toBe(page);
      expect(heard, page).toEqual(expected ? [expected] : []);
    }
  });

  it("reads a body in pieces of up to READ_BYTES, not the runtime's default 4 KiB", async () => {
    const page = `<p>${"x".repeat(300 * 1024)}</p>`;
    const reader = readAhead(new Response(page).body!, () => {}).getReader();
    const sizes: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.byteLength);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(page.length);
    expect(Math.max(...sizes)).toBeGreaterThan(4096);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(READ_BYTES);
  });
});
