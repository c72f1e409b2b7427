/**
 * Zero-integration catalog: product pages passing through the proxy teach the catalog their
 * schema.org Product. The request path only decides (from memory) whether to read this page,
 * and if so hands a copy of its body to waitUntil; Turso and KV are touched only there.
 */
import { createDb } from "../../db/client.ts";
import type { PageType } from "../../model/context.ts";
import type { Settings } from "../../settings.ts";
import * as clock from "../../clock.ts";
import { LEARN_INTERVAL_MS, learnFromPage } from "./learn.ts";
import { LearnLimiter } from "./limiter.ts";

export { LEARN_INTERVAL_MS, learnFromPage, markerKey, type LearnOutcome } from "./learn.ts";
export { readProductPage, type PageFacts } from "./read-product.ts";

/** Pages read for the catalog per isolate per minute, whatever the traffic. */
export const LEARNS_PER_MINUTE = 10;
// Page types a product may be on: the shop's own URL rules, or none that matched.
const LEARNABLE: ReadonlySet<PageType> = new Set(["product", "other"]);

const limiter = new LearnLimiter({
  intervalMs: LEARN_INTERVAL_MS,
  perMinute: LEARNS_PER_MINUTE,
  maxPages: 5000,
});

export type LearnRequest = {
  /** The public URL the page was requested at. */
  url: URL;
  pageType: PageType;
  /** The active config's `catalog` section and default currency. */
  learnFromPages: boolean;
  currency: string;
};

/**
 * The page to serve: `page` itself, or, when this page is due to be read for the catalog, a
 * response with the same status, headers and bytes whose body is one branch of a tee; the
 * other branch is read in waitUntil. Nothing here waits, and a failure there is only logged.
 */
export function watchForCatalog(
  page: Response,
  request: LearnRequest,
  env: Env,
  settings: Settings,
  background: { waitUntil(promise: Promise<unknown>): void },
): Response {
  if (!request.learnFromPages || !page.body || !LEARNABLE.has(request.pageType)) return page;
  const now = clock.now();
  if (!limiter.take(request.url.origin + request.url.pathname, now)) return page;
  const [served, copy] = page.body.tee();
  background.waitUntil(
    learnFromPage(
      copy,
      { url: request.url.href, currency: request.currency },
      { kv: env.MODELS, db: createDb(settings), now },
    )
      .then((outcome) => {
        if (outcome.status === "learned")
          console.log(JSON.stringify({ msg: "catalog learned a product page", ...outcome }));
      })
      .catch((err: unknown) =>
        console.error(
          JSON.stringify({
            msg: "learning a product page failed",
            url: request.url.href,
            error: String(err),
          }),
        ),
      ),
  );
  return new Response(served, page);
}
