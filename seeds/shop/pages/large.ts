import type { IncomingMessage, ServerResponse } from "node:http";
import { productGrid, slot } from "../components.ts";
import type { ShopContext } from "../context.ts";
import { html, raw } from "../html.ts";
import { layout } from "../layout.ts";

/** The benchmark's very large page (not linked from the shop). */
export const LARGE_PAGE_PATH = "/bench/large-page";

const MIB = 1024 * 1024;
const MARK = "<!--vitrine-bench-grid-->";

/**
 * The top of the page, the whole catalog's product grid (repeated to reach the size) and the
 * end of the page, split so they can be sent over time.
 */
export function largePageParts({ index }: ShopContext): { top: string; grid: string; end: string } {
  const page = layout(
    index,
    {
      title: "Everything we sell",
      pageType: "category",
      description: "The whole catalog on one page.",
    },
    html`<h1>Everything we sell</h1>
      ${slot("category-top")}
      <div class="listing">
        <div>${slot("sidebar", undefined, "aside")}</div>
        <div>${raw(MARK)}</div>
      </div>`,
  ).value;
  const [top, end] = page.split(MARK);
  return { top: top!, grid: productGrid(index.products).value, end: end ?? "" };
}

/**
 * `GET /bench/large-page?mb=5`: a listing page of about `mb` MiB (1-20), sent like a slow origin
 * sends a big page: the top first, then the grid in chunks with a short pause between them,
 * and never cached (`no-store`), so every request streams from the origin again. The benchmark
 * compares when the first byte and the last byte reach the client through the Worker, with
 * and without personalization.
 */
export async function sendLargePage(
  ctx: ShopContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const mb = Math.min(20, Math.max(1, Number(url.searchParams.get("mb")) || 5));
  const { top, grid, end } = largePageParts(ctx);
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  const chunk = Buffer.from(grid);
  res.write(top);
  let sent = Buffer.byteLength(top);
  while (sent + chunk.length < mb * MIB && !res.destroyed) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    sent += chunk.length;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  res.end(end);
}
