import { z } from "zod";
import { PAGE_TYPES, type PageType } from "../model/context.ts";

/** `/p/:slug`-style patterns; `:name` captures one path segment. */
export const PageRuleSchema = z.strictObject({
  pattern: z.string().startsWith("/").max(200),
  pageType: z.enum(PAGE_TYPES),
});
export type PageRule = z.infer<typeof PageRuleSchema>;

/** The demo shop's URL layout; a real shop configures its own. */
export const DEFAULT_PAGE_RULES: PageRule[] = [
  { pattern: "/", pageType: "home" },
  { pattern: "/c/:categoryId", pageType: "category" },
  { pattern: "/p/:productSlug", pageType: "product" },
  { pattern: "/search", pageType: "search" },
  { pattern: "/cart", pageType: "cart" },
  { pattern: "/checkout", pageType: "checkout" },
  { pattern: "/order/:orderId", pageType: "order" },
  { pattern: "/bestsellers", pageType: "bestsellers" },
  { pattern: "/faq", pageType: "faq" },
];

export type PageMatch = { pageType: PageType; params: Record<string, string> };

type Compiled = { regex: RegExp; names: string[]; pageType: PageType };
const compiledRules = new WeakMap<PageRule[], Compiled[]>();

function compile(rules: PageRule[]): Compiled[] {
  let compiled = compiledRules.get(rules);
  if (compiled) return compiled;
  compiled = rules.map((rule) => {
    const names: string[] = [];
    const source = rule.pattern
      .replace(/\/+$/, "")
      .split("/")
      .map((part) => {
        if (!part.startsWith(":")) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(part.slice(1));
        return "([^/]+)";
      })
      .join("/");
    return { regex: new RegExp(`^${source || ""}/?$`), names, pageType: rule.pageType };
  });
  compiledRules.set(rules, compiled);
  return compiled;
}

/** The first rule whose pattern matches the path decides the page type. */
export function matchPage(path: string, rules: PageRule[] = DEFAULT_PAGE_RULES): PageMatch {
  for (const rule of compile(rules)) {
    const m = rule.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    rule.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1]!);
      } catch {
        params[name] = m[i + 1]!;
      }
    });
    return { pageType: rule.pageType, params };
  }
  return { pageType: "other", params: {} };
}
