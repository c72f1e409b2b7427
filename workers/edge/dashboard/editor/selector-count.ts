import { matchPage, type PageRule } from "../../context/page-rules.ts";
import type { PageType } from "../../model/context.ts";
import { selectorTargetProblem } from "../../decide/template.ts";
import { API_PREFIX } from "../../settings.ts";

/**
 * How many elements a slot selector matches, counted by HTMLRewriter, the engine that applies
 * slots to pages: a selector the rewriter does not support, or one the browser matches only
 * after building its DOM (an inserted <tbody>), shows up here as an error or as 0.
 */

/** Loads a shop page as the proxy gets it from the origin (anonymous, unpersonalized). */
export type FetchPage = (path: string) => Promise<Response>;

export type PageCount = { path: string; pageType: PageType; count: number | null; error?: string };

const MAX_PATH = 1000;

/** Why a path may not be opened in the editor, or null: a path of the shop, never Vitrine's. */
export function shopPathProblem(path: string): string | null {
  if (!path.startsWith("/") || path.startsWith("//")) return "path: must start with a single /";
  if (path.length > MAX_PATH) return `path: at most ${MAX_PATH} characters`;
  if (/[\s\\#]/.test(path)) return "path: no spaces, backslashes or #";
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`))
    return `path: ${API_PREFIX} is Vitrine's own, not a shop page`;
  return null;
}

/** Why the rewriter cannot use a selector, or null. */
export function selectorProblem(selector: string): string | null {
  if (!selector.trim()) return "selector: pick an element or type a selector";
  if (selector.length > 300 || /[<\n\r]/.test(selector))
    return "selector: at most 300 characters, without < or line breaks";
  const target = selectorTargetProblem(selector);
  if (target) return `selector: ${target}`;
  try {
    new HTMLRewriter().on(selector, {});
  } catch (err) {
    return `selector: the page rewriter cannot use it (${err instanceof Error ? err.message : String(err)})`;
  }
  return null;
}

/** Elements of an HTML response the selector matches. */
export async function countMatches(page: Response, selector: string): Promise<number> {
  let count = 0;
  const counted = new HTMLRewriter()
    .on(selector, {
      element() {
        count++;
      },
    })
    .transform(page);
  await counted.arrayBuffer();
  return count;
}

/** Same-site paths of every link on a page. */
async function linksOf(page: Response, origin: string): Promise<string[]> {
  const paths: string[] = [];
  const read = new HTMLRewriter()
    .on("a[href]", {
      element(a) {
        try {
          const url = new URL(a.getAttribute("href") ?? "", `${origin}/`);
          if (url.origin === origin) paths.push(url.pathname + url.search);
        } catch {
          // not a URL: skipped
        }
      },
    })
    .transform(page);
  await read.arrayBuffer();
  return paths;
}

/**
 * One sample path per page type the config's page rules know: a rule without parameters is
 * its own sample (`/cart`); the others take the first link of the home page that they match.
 */
export async function samplePaths(
  fetchPage: FetchPage,
  origin: string,
  rules: readonly PageRule[],
): Promise<Map<PageType, string>> {
  const samples = new Map<PageType, string>();
  for (const rule of rules) {
    if (!/[:*]/.test(rule.pattern) && !samples.has(rule.pageType))
      samples.set(rule.pageType, rule.pattern);
  }
  const home = await fetchPage("/").catch(() => null);
  if (home?.ok) {
    for (const path of await linksOf(home, origin)) {
      if (shopPathProblem(path)) continue;
      const type = matchPage(new URL(path, origin).pathname, rules).pageType;
      if (type !== "other" && !samples.has(type)) samples.set(type, path);
    }
  } else await home?.body?.cancel();
  return samples;
}

/**
 * The selector's matches on `path` and on one sample page of every other page type. A page
 * that fails to load is reported with its error, never failing the rest.
 */
export async function countAcrossPages(
  fetchPage: FetchPage,
  origin: string,
  rules: readonly PageRule[],
  selector: string,
  path: string,
): Promise<PageCount[]> {
  const samples = await samplePaths(fetchPage, origin, rules);
  const current = matchPage(new URL(path, origin).pathname, rules).pageType;
  const pages: { path: string; pageType: PageType }[] = [{ path, pageType: current }];
  for (const [pageType, sample] of samples) {
    if (pageType !== current) pages.push({ path: sample, pageType });
  }
  return Promise.all(
    pages.map(async (p): Promise<PageCount> => {
      try {
        const res = await fetchPage(p.path);
        if (!res.ok || !/html/i.test(res.headers.get("content-type") ?? "")) {
          await res.body?.cancel();
          return { ...p, count: null, error: `HTTP ${res.status}` };
        }
        return { ...p, count: await countMatches(res, selector) };
      } catch (err) {
        return { ...p, count: null, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
