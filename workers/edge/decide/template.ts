import Mustache from "mustache";

/**
 * Template checks run once, when a config is validated, so rendering on the hot path can trust
 * the template. Mustache escapes every `{{value}}` for HTML; what escaping cannot fix is
 * *where* a value lands (an event handler, a style, the start of a URL, an unquoted attribute,
 * a tag name), so those positions are rejected here.
 */

/** Top-level names a template may use outside sections; see `TemplateView` in render.ts. */
export const VIEW_ROOTS = [
  "data",
  "product",
  "items",
  "hasItems",
  "cart",
  "visitor",
  "now",
  "endsIn",
  "page",
  "query",
] as const;
export type ViewRoot = (typeof VIEW_ROOTS)[number];

/** `html`: module markup. `text`: a plain attribute value. `url`: an attribute value that is a URL. */
export type TemplateKind = "html" | "text" | "url";

export type TemplateCheck = {
  errors: string[];
  /** View roots printed outside any section, e.g. `product` for `{{product.name}}`. */
  roots: Set<string>;
};

const MAX_TEMPLATE = 20_000;
const HOLE = "\uE000";

/**
 * Names inherited by the view's objects and lists: mustache resolves names with `in` and would
 * call these as lambdas. (Methods of strings and numbers are not reachable: mustache only
 * follows own properties of primitives.)
 */
const PROTOTYPE_NAMES = new Set(
  [Object.prototype, Array.prototype]
    .flatMap((p) => Object.getOwnPropertyNames(p))
    .filter((n) => n !== "length"),
);
const SEGMENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Elements that run code, load documents or restyle the shop, and SVG/MathML (animation
// elements can rewrite href): none belongs in a module.
const FORBIDDEN_ELEMENTS = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "base",
  "meta",
  "link",
  "noscript",
  "template",
  "svg",
  "math",
]);
export const URL_ATTRIBUTES = new Set([
  "href",
  "src",
  "srcset",
  "action",
  "formaction",
  "poster",
  "cite",
  "background",
  "data",
  "ping",
  "xlink:href",
  "manifest",
  "longdesc",
  "usemap",
]);
const SAFE_SCHEMES = new Set(["http", "https", "mailto", "tel"]);

type Hole = { name: string };
type Token = [string, string, number, number, Token[]?, number?];

export function checkTemplate(template: string, kind: TemplateKind): TemplateCheck {
  const errors: string[] = [];
  const roots = new Set<string>();
  if (template.length > MAX_TEMPLATE) {
    return { errors: [`template is longer than ${MAX_TEMPLATE} characters`], roots };
  }
  if (template.includes(HOLE)) {
    return { errors: ["template contains the reserved character U+E000"], roots };
  }
  // Checked on the source before parsing: `{{=` would change the delimiters for what follows.
  for (const m of template.matchAll(/\{\{\s*([{&>=<$])/g)) {
    errors.push(FORBIDDEN_TAGS[m[1] as keyof typeof FORBIDDEN_TAGS]);
  }
  if (errors.length) return { errors: [...new Set(errors)], roots };

  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as unknown as Token[];
  } catch (err) {
    return { errors: [`template does not parse: ${(err as Error).message}`], roots };
  }
  const holes: Hole[] = [];
  let text = "";
  const walk = (list: Token[], depth: number) => {
    for (const token of list) {
      const [type, value] = token;
      if (type === "text") {
        text += value;
        continue;
      }
      if (type === "!") continue;
      if (type === "name" || type === "#" || type === "^") {
        // Only printed values count as used roots: `{{#product}}` guards its own content.
        const bad = checkName(value, depth, type === "name" ? roots : null);
        if (bad) errors.push(bad);
      }
      if (type === "name") {
        text += HOLE;
        holes.push({ name: value });
      } else if (type === "#" || type === "^") {
        walk(token[4] ?? [], depth + 1);
      } else {
        // Parse-level safety net; the source scan above already catches these.
        errors.push(`mustache tag "${type}" is not allowed`);
      }
    }
  };
  walk(tokens, 0);

  if (kind === "html") scanHtml(text, holes, errors);
  if (kind === "url" && !/^\/(?![/\\])/.test(template)) {
    errors.push('a URL attribute value must be a relative path starting with "/"');
  }
  return { errors, roots };
}

const FORBIDDEN_TAGS = {
  "{": "triple mustache {{{...}}} is not allowed: it inserts unescaped HTML",
  "&": "{{&...}} is not allowed: it inserts unescaped HTML",
  ">": "partials {{>...}} are not allowed",
  "<": "partials/parents {{<...}} are not allowed",
  $: "blocks {{$...}} are not allowed",
  "=": "set-delimiter tags {{=...=}} are not allowed",
} as const;

function checkName(name: string, depth: number, roots: Set<string> | null): string | null {
  if (name === ".") return null;
  const segments = name.split(".");
  for (const s of segments) {
    if (!SEGMENT_RE.test(s)) return `{{${name}}}: "${s}" is not a plain name`;
    if (PROTOTYPE_NAMES.has(s)) return `{{${name}}}: "${s}" is a built-in property, not data`;
  }
  if (depth === 0) {
    const root = segments[0]!;
    if (!(VIEW_ROOTS as readonly string[]).includes(root)) {
      return `{{${name}}}: unknown name "${root}" (use one of ${VIEW_ROOTS.join(", ")})`;
    }
    roots?.add(root);
  }
  return null;
}

type State =
  | "data"
  | "comment"
  | "bogus"
  | "endTag"
  | "tagName"
  | "beforeAttr"
  | "attrName"
  | "afterAttrName"
  | "beforeValue"
  | "dq"
  | "sq"
  | "unq";

const isSpace = (c: string) => c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f";

/**
 * A small HTML tokenizer over the template's literal text with a placeholder per `{{value}}`:
 * enough of the HTML spec's tag and attribute states to know the context of each placeholder.
 */
function scanHtml(src: string, holes: Hole[], errors: string[]): void {
  let state: State = "data";
  let tag = "";
  let attr = "";
  let value = "";
  let valueHoles: Hole[] = [];
  let next = 0;

  const endTagName = () => {
    if (FORBIDDEN_ELEMENTS.has(tag)) errors.push(`<${tag}> is not allowed in templates`);
  };
  const finishAttr = () => {
    checkAttribute(tag, attr, value, valueHoles, errors);
    attr = "";
    value = "";
    valueHoles = [];
  };

  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === HOLE) {
      const hole = holes[next++]!;
      if (state === "dq" || state === "sq") {
        value += HOLE;
        valueHoles.push(hole);
      } else if (state === "unq" || state === "beforeValue") {
        errors.push(`{{${hole.name}}} in the unquoted value of <${tag} ${attr}>: quote the value`);
        state = "unq";
      } else if (state !== "data" && state !== "comment") {
        errors.push(
          `{{${hole.name}}} inside the <${tag}> tag itself: values go in text or quoted attribute values`,
        );
      }
      continue;
    }
    switch (state) {
      case "data":
        if (c !== "<") break;
        if (src.startsWith("<!--", i)) {
          state = "comment";
          i += 3;
        } else if (/[A-Za-z]/.test(src[i + 1] ?? "")) {
          state = "tagName";
          tag = "";
        } else if (src[i + 1] === "/") {
          state = "endTag";
          i++;
        } else if (src[i + 1] === "!" || src[i + 1] === "?") {
          state = "bogus";
        }
        break;
      case "comment":
        if (src.startsWith("-->", i)) {
          state = "data";
          i += 2;
        }
        break;
      case "bogus":
      case "endTag":
        if (c === ">") state = "data";
        break;
      case "tagName":
        if (isSpace(c) || c === "/" || c === ">") {
          endTagName();
          state = c === ">" ? "data" : "beforeAttr";
        } else tag += c.toLowerCase();
        break;
      case "beforeAttr":
        if (isSpace(c) || c === "/") break;
        if (c === ">") state = "data";
        else {
          attr = c.toLowerCase();
          state = "attrName";
        }
        break;
      case "attrName":
        if (c === "=") {
          value = "";
          state = "beforeValue";
        } else if (isSpace(c)) state = "afterAttrName";
        else if (c === "/" || c === ">") {
          finishAttr();
          state = c === ">" ? "data" : "beforeAttr";
        } else attr += c.toLowerCase();
        break;
      case "afterAttrName":
        if (isSpace(c)) break;
        if (c === "=") {
          value = "";
          state = "beforeValue";
          break;
        }
        // An attribute without a value, then the next one or the end of the tag.
        finishAttr();
        if (c === ">") state = "data";
        else if (c === "/") state = "beforeAttr";
        else {
          attr = c.toLowerCase();
          state = "attrName";
        }
        break;
      case "beforeValue":
        if (isSpace(c)) break;
        if (c === '"') state = "dq";
        else if (c === "'") state = "sq";
        else if (c === ">") {
          finishAttr();
          state = "data";
        } else {
          value = c;
          state = "unq";
        }
        break;
      case "dq":
      case "sq":
        if (c === (state === "dq" ? '"' : "'")) {
          finishAttr();
          state = "beforeAttr";
        } else value += c;
        break;
      case "unq":
        if (isSpace(c) || c === ">") {
          finishAttr();
          state = c === ">" ? "data" : "beforeAttr";
        } else value += c;
        break;
    }
  }
  if (state !== "data") errors.push("the template ends inside a tag or comment");
}

function checkAttribute(
  tag: string,
  attr: string,
  value: string,
  holes: Hole[],
  errors: string[],
): void {
  if (attr.startsWith("on")) {
    errors.push(`event handler attribute ${attr} on <${tag}> is not allowed`);
    return;
  }
  if (attr === "srcdoc") {
    errors.push(`srcdoc on <${tag}> is not allowed`);
    return;
  }
  if (attr === "style" && holes.length) {
    errors.push(`{{${holes[0]!.name}}} inside a style attribute is not allowed: use classes`);
    return;
  }
  if (!URL_ATTRIBUTES.has(attr)) return;
  const bad = checkUrlTemplate(value, holes[0]?.name ?? null);
  if (bad) errors.push(`<${tag} ${attr}>: ${bad}`);
}

/**
 * A URL's scheme must be fixed by literal text before any value is inserted, so a value can
 * never turn it into `javascript:`. A value may start a URL only if it is a `*Url` field,
 * which render.ts checks on every render.
 */
function checkUrlTemplate(value: string, firstHole: string | null): string | null {
  const trimmed = value.replace(/^[\s\u0000-\u001f]+/, "");
  const holeAt = trimmed.indexOf(HOLE);
  const prefix = holeAt === -1 ? trimmed : trimmed.slice(0, holeAt);
  if (holeAt === 0) {
    return /url$/i.test(firstHole ?? "")
      ? null
      : `{{${firstHole}}} starts the URL: only *Url values (validated at render) may start a URL`;
  }
  const head = prefix.split(/[/?#]/)[0] ?? "";
  if (head.includes("&")) return "character references are not allowed in a URL scheme";
  const colon = head.indexOf(":");
  if (colon !== -1) {
    const scheme = head.slice(0, colon).toLowerCase();
    if (!SAFE_SCHEMES.has(scheme)) return `the "${scheme}:" scheme is not allowed`;
    return null;
  }
  if (holeAt !== -1 && !/[/?#]/.test(prefix)) {
    return "a value inserted before the URL's path could complete a scheme: start with /, ?, # or http(s)://";
  }
  return null;
}

/**
 * Whether a URL may be put in a page: a same-site path (`/x`, `?x`, `#x`; not `//host`) or
 * http(s). Anything else (javascript:, data:, vbscript:, protocol-relative) is refused.
 */
export function isSafeUrl(url: string): boolean {
  if (url.length === 0 || url.length > 2048) return false;
  // Browsers strip tabs/newlines inside URLs and treat `\` as `/`: refuse them outright.
  if (/[\u0000-\u0020\\\u007f]/.test(url)) return false;
  if (url[0] === "/") return url[1] !== "/";
  if (url[0] === "?" || url[0] === "#") return true;
  return /^https?:\/\/[^/?#]+/i.test(url);
}

/** A same-site path only: what an attribute set on the shop's own elements may point to. */
export function isRelativePath(url: string): boolean {
  return url[0] === "/" && isSafeUrl(url);
}
