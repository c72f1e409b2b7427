import { z } from "zod";
import { PAGE_TYPES, type PageType } from "../model/context.ts";

/*
 * URL rules: `/p/:slug`, `/c/:categoryId`, `/products/:handle.html`, `/blog/*`.
 *  - `:name` captures part of one path segment (letters, digits, `_`; first char not a digit);
 *  - `*` as the whole last segment matches any rest of the path;
 *  - a trailing slash is optional, matching is case-sensitive, the first matching rule wins.
 * A small matcher rather than `URLPattern`: workerd has it, Node 22 does not.
 */

const PARAM = /:([A-Za-z_]\w*)/g;
const PATTERN_CHARS = /^\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/\u00A0-\uFFFF]*$/;
const MAX_CAPTURE = 200;

/**
 * Where the page's product slug and category id come from: `":name"` takes a pattern
 * parameter, anything else is a fixed value (`/sale` -> categoryId `"sale"`). Without this,
 * parameters named `slug`/`productSlug` and `categoryId`/`category` fill them.
 */
const RuleParamsSchema = z.strictObject({
  productSlug: z.string().min(1).max(100).optional(),
  categoryId: z.string().min(1).max(100).optional(),
});

export const PageRuleSchema = z
  .strictObject({
    pattern: z
      .string()
      .max(200)
      .regex(PATTERN_CHARS, "must start with / and hold only URL path characters"),
    pageType: z.enum(PAGE_TYPES),
    params: RuleParamsSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    const segments = rule.pattern.split("/");
    segments.forEach((segment, i) => {
      if (segment.includes("*") && (segment !== "*" || i !== segments.length - 1)) {
        ctx.addIssue({
          code: "custom",
          path: ["pattern"],
          message: "`*` may only be the whole last segment",
        });
      }
    });
    const names = [...rule.pattern.matchAll(PARAM)].map((m) => m[1]!);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", path: ["pattern"], message: "a parameter name repeats" });
    }
    if (/:(?![A-Za-z_])/.test(rule.pattern)) {
      ctx.addIssue({
        code: "custom",
        path: ["pattern"],
        message: "`:` must start a parameter name",
      });
    }
    for (const [key, value] of Object.entries(rule.params ?? {})) {
      if (value.startsWith(":") && !names.includes(value.slice(1))) {
        ctx.addIssue({
          code: "custom",
          path: ["params", key],
          message: `the pattern has no parameter ${value}`,
        });
      }
    }
  });
export type PageRule = z.infer<typeof PageRuleSchema>;

/** The rule list as it appears in the personalization config. */
export const PageRulesSchema = z.array(PageRuleSchema).max(200);

/** The demo shop's URL layout; a real shop configures its own. */
export const DEFAULT_PAGE_RULES: readonly PageRule[] = [
  { pattern: "/", pageType: "home" },
  { pattern: "/c/:categoryId", pageType: "category" },
  { pattern: "/p/:slug", pageType: "product" },
  { pattern: "/search", pageType: "search" },
  { pattern: "/cart", pageType: "cart" },
  { pattern: "/checkout", pageType: "checkout" },
  { pattern: "/order/:id", pageType: "order" },
  { pattern: "/bestsellers", pageType: "bestsellers" },
  { pattern: "/faq", pageType: "faq" },
];

export type PageMatch = {
  pageType: PageType;
  productSlug: string | null;
  categoryId: string | null;
};

type Source = { param: string } | { value: string } | null;
type Compiled = {
  regex: RegExp;
  names: string[];
  pageType: PageType;
  productSlug: Source;
  categoryId: Source;
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Pattern literals as they appear in `URL.pathname` (percent-encoded, uppercase hex). */
function asPathname(literal: string): string {
  try {
    return encodeURI(decodeURI(literal));
  } catch {
    return literal;
  }
}

function source(given: string | undefined, names: string[], defaults: string[]): Source {
  if (given !== undefined)
    return given.startsWith(":") ? { param: given.slice(1) } : { value: given };
  const param = defaults.find((d) => names.includes(d));
  return param ? { param } : null;
}

function compileRule(rule: PageRule): Compiled {
  const names: string[] = [];
  const trimmed = rule.pattern.replace(/\/+$/, "");
  const parts = trimmed.split("/").slice(1);
  const wildcard = parts.at(-1) === "*";
  if (wildcard) parts.pop();
  const body = parts
    .map((segment) => {
      let out = "";
      let last = 0;
      for (const m of segment.matchAll(PARAM)) {
        out += escapeRegex(asPathname(segment.slice(last, m.index)));
        names.push(m[1]!);
        out += "([^/]+?)";
        last = m.index + m[0].length;
      }
      return "/" + out + escapeRegex(asPathname(segment.slice(last)));
    })
    .join("");
  const tail = wildcard ? "(?:/.*)?" : "/?";
  return {
    regex: new RegExp(`^${body}${tail}$`),
    names,
    pageType: rule.pageType,
    productSlug: source(rule.params?.productSlug, names, ["slug", "productSlug"]),
    categoryId: source(rule.params?.categoryId, names, ["categoryId", "category"]),
  };
}

// Rule lists are stable objects per published config, so each compiles once per isolate.
const compiledLists = new WeakMap<readonly PageRule[], Compiled[]>();

function compile(rules: readonly PageRule[]): Compiled[] {
  let compiled = compiledLists.get(rules);
  if (!compiled) {
    compiled = rules.map(compileRule);
    compiledLists.set(rules, compiled);
  }
  return compiled;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text).slice(0, MAX_CAPTURE);
  } catch {
    return text.slice(0, MAX_CAPTURE);
  }
}

/** The page type and ids for a URL path (`URL.pathname`); `other` when no rule matches. */
export function matchPage(
  pathname: string,
  rules: readonly PageRule[] = DEFAULT_PAGE_RULES,
): PageMatch {
  for (const rule of compile(rules)) {
    const m = rule.regex.exec(pathname);
    if (!m) continue;
    const pick = (s: Source): string | null => {
      if (!s) return null;
      if ("value" in s) return s.value;
      const raw = m[rule.names.indexOf(s.param) + 1];
      return raw ? decode(raw) : null;
    };
    return {
      pageType: rule.pageType,
      productSlug: pick(rule.productSlug),
      categoryId: pick(rule.categoryId),
    };
  }
  return { pageType: "other", productSlug: null, categoryId: null };
}
