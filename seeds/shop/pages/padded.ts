import { SafeHtml } from "../html.ts";

/** Largest padded page the shop serves (`?kb=`), so a typo cannot ask for gigabytes. */
const MAX_KB = 2048;

/**
 * The page grown to about `kb` KiB the way real shop pages are heavy: an inline JSON state
 * blob (half) and repeated review markup (half) before `</body>`, so a rewriter has both text
 * to pass through and elements to parse. For the bench's 100 KB page (`/p/<slug>?kb=100`).
 * Not a number, or at most the page's own size: the page unchanged.
 */
export function paddedPage(page: SafeHtml, kb: string | null): SafeHtml {
  const target = Math.min(MAX_KB, Math.floor(Number(kb))) * 1024;
  const missing = target - Buffer.byteLength(page.value);
  if (!(missing > 0)) return page;
  const review = (i: number) =>
    `<li class="review" data-review="${i}"><h4>Great value, would buy again</h4>` +
    `<p>Arrived on time and works as described. The finish feels solid and the size is ` +
    `right for everyday use.</p><span class="stars" aria-label="4 of 5">★★★★☆</span></li>`;
  const reviews: string[] = [];
  let markup = 0;
  for (let i = 0; markup < missing / 2; i++) markup += Buffer.byteLength((reviews[i] = review(i)));
  const json = JSON.stringify({ pad: "x".repeat(Math.max(0, missing - markup - 120)) });
  const block =
    `<ul class="reviews">${reviews.join("")}</ul>` +
    `<script type="application/json" id="page-state">${json}</script>`;
  const at = page.value.lastIndexOf("</body>");
  const cut = at < 0 ? page.value.length : at;
  return new SafeHtml(page.value.slice(0, cut) + block + page.value.slice(cut));
}
